/** compose → sign → verify is alive for any statements, issue instant, lifetime and moment inside the window. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeAttestation, composeHeartbeat } from '../../src/core/canary/compose.ts';
import { documentHash } from '../../src/core/canonical.ts';
import type { CanaryConfig } from '../../src/core/content/canary-config.ts';
import { signDocument } from '../../src/core/pgp/sign.ts';
import { verifyCanary } from '../../src/core/verify/verify-canary.ts';
import { blockProof, makeConfig, makeKey, type TestKey } from '../helpers/world.ts';
import { instantSeconds, statements } from './arbitraries.ts';

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;
/** Notes a fresh, offline, history-less verification always carries. */
const EXPECTED_NOTES = new Set(['HISTORY_UNCHECKED', 'FRESHNESS_UNCHECKED']);

/** What a reader downloads: the file written as UTF-8 and read back. */
const published = (file: string): string => new TextDecoder().decode(new TextEncoder().encode(file));

let signers: TestKey[];
let ci: TestKey;
let panic: TestKey;
let config: CanaryConfig;

beforeAll(async () => {
  // Keys made long before any generated issue instant, and never expiring.
  const created = new Date(Date.UTC(2000, 0, 1));
  const make = (name: string) => makeKey(name, { created });
  [ci, panic, signers] = await Promise.all([make('CI'), make('Panic'), Promise.all(['Signer A', 'Signer B', 'Signer C'].map(make))]);
  config = makeConfig(signers, ci, panic, 2);
});

describe('compose → sign → verify', () => {
  it('is alive at any moment inside the validity window', async () => {
    await fc.assert(
      fc.asyncProperty(
        statements,
        instantSeconds,
        fc.integer({ min: 1, max: 90 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.integer({ min: 0, max: 47 * HOUR_S }),
        fc.integer({ min: 0, max: 24 * HOUR_S }),
        fc.shuffledSubarray([0, 1, 2], { minLength: 2 }),
        async (stmts, issuedS, lifetimeDays, where, heartbeatAgeS, blockAgeS, who) => {
          const issued = new Date(issuedS * 1000);
          const lifetimeMs = lifetimeDays * DAY_S * 1000;
          // Any millisecond in [issued, expires).
          const now = new Date(issued.getTime() + Math.floor(where * lifetimeMs));
          const service = { name: 'Lumen Mail', url: 'https://lumen-mail.example' };
          const att = composeAttestation({ service, config, statements: stmts, documents: [], lifetimeDays }, { now: issued });
          const attFile = await signDocument(
            att.text,
            who.map((i) => signers[i]!.privateKey),
            { now: issued },
          );
          // A heartbeat at most 47 h old (its life is 48 h), never before the attestation.
          const hbIssued = new Date(Math.max(issuedS, Math.floor(now.getTime() / 1000) - heartbeatAgeS) * 1000);
          const bitcoin = blockProof(hbIssued, { time: new Date(hbIssued.getTime() - blockAgeS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
          const hb = composeHeartbeat({ attestation: { data: att.data, hash: await documentHash(att.text) }, freshness: { bitcoin } }, { now: hbIssued });
          const hbFile = await signDocument(hb.text, [ci.privateKey], { now: hbIssued });
          const keys = [...signers, ci, panic].map((k) => k.publicKey);
          const result = await verifyCanary(
            { attestation: published(attFile), heartbeat: published(hbFile), keys, pins: signers.map((s) => s.ref.fingerprint) },
            { now, skewSeconds: 0 },
          );
          expect(result.reasons.filter((r) => !EXPECTED_NOTES.has(r.code))).toEqual([]);
          expect(result.verdict).toBe('alive');
          expect(result.attestation?.data).toEqual(att.data);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses any statement text whose published bytes would not verify', async () => {
    // Any code point, and now and then a lone UTF-16 surrogate (a JS string may hold one).
    const unit = fc.oneof(
      { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 9 },
      { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), weight: 1 },
    );
    const anyLine = fc.string({ unit, minLength: 1, maxLength: 12 }).filter((s) => !/[\r\n\t]/.test(s) && s === s.trim() && !s.startsWith('-'));
    await fc.assert(
      fc.asyncProperty(anyLine, async (text) => {
        const issued = new Date(Date.UTC(2026, 10, 1, 12));
        const service = { name: 'Lumen Mail', url: 'https://lumen-mail.example' };
        let attFile: string;
        try {
          const att = composeAttestation(
            {
              service,
              config: { ...config, freshness: { ...config.freshness, required: false } },
              statements: [{ id: 'WAR', text }],
              documents: [],
              lifetimeDays: 30,
            },
            { now: issued },
          );
          attFile = await signDocument(
            att.text,
            signers.slice(0, 2).map((s) => s.privateKey),
            { now: issued },
          );
        } catch {
          return; // refused with an error: fine
        }
        const result = await verifyCanary(
          {
            attestation: published(attFile),
            keys: [...signers, ci, panic].map((k) => k.publicKey),
            pins: signers.map((s) => s.ref.fingerprint),
            requireHeartbeat: false,
          },
          { now: new Date(issued.getTime() + 3_600_000), skewSeconds: 0 },
        );
        expect(result.verdict).toBe('alive');
      }),
      { numRuns: 300 },
    );
  });
});
