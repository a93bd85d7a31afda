/** The documents an attestation signs (policy, reports), and the single-layer (automated) mode. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { documentHash } from '../../src/core/canonical.ts';
import { makeWorld, type Issued, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

const POLICY = 'policies/privacy/2026-11-01.md';
const REPORT = 'reports/2026-h1.md';
const encode = (s: string) => new TextEncoder().encode(s);
const policyBytes = encode('# Privacy policy\n\nWe keep backups for 45 days.\n');
const reportBytes = encode('# Transparency report 2026 H1\n\nRequests received: 3.\n');

let w: World;
let att: Issued<AttestationData>;

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest({
    documents: [
      { path: POLICY, sha256: await documentHash(policyBytes) },
      { path: REPORT, sha256: await documentHash(reportBytes) },
    ],
  });
});

describe('documents in force', () => {
  it('the genuine documents match (alive)', async () => {
    const hb = await w.heartbeat(att);
    const r = await check(w, { attestation: att.file, heartbeat: hb.file, documents: { [POLICY]: policyBytes, [REPORT]: reportBytes } });
    expect(r.verdict).toBe('alive');
  });

  it('a policy edited after the attestation signed it is DOCUMENT_HASH_MISMATCH', async () => {
    const edited = encode('# Privacy policy\n\nWe keep backups for 450 days.\n');
    const r = await check(w, { attestation: att.file, requireHeartbeat: false, documents: { [POLICY]: edited, [REPORT]: reportBytes } });
    expect(r.codes).toContain('DOCUMENT_HASH_MISMATCH');
    expect(r.verdict).toBe('invalid');
  });

  it('a report taken down (not found) is DOCUMENT_MISSING', async () => {
    const r = await check(w, { attestation: att.file, requireHeartbeat: false, documents: { [POLICY]: policyBytes, [REPORT]: null } });
    expect(r.codes).toContain('DOCUMENT_MISSING');
    expect(r.verdict).toBe('invalid');
  });

  it('a listed document that was not fetched at all is DOCUMENT_MISSING', async () => {
    const r = await check(w, { attestation: att.file, requireHeartbeat: false, documents: { [POLICY]: policyBytes } });
    expect(r.codes).toContain('DOCUMENT_MISSING');
    expect(r.verdict).toBe('invalid');
  });
});

describe('single-layer (automated) canary', () => {
  it('an attestation signed only by the CI key, accepted as automated, says AUTOMATED_ONLY and trust "automated"', async () => {
    const auto = await w.attest({ config: { signers: { threshold: 1, keys: [w.ci.ref] } }, signWith: [w.ci] });
    const hb = await w.heartbeat(auto);
    const r = await check(w, { attestation: auto.file, heartbeat: hb.file, pins: [], automated: [w.ci.ref.fingerprint] });
    expect(r.codes).toContain('AUTOMATED_ONLY');
    expect(r.codes).toContain('THRESHOLD_SINGLE');
    expect(r.trust).toBe('automated');
    expect(r.verdict).toBe('alive');
  });
});
