/** Any single byte changed in the signed part of a valid canary file makes it not alive. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { verifyCanary } from '../../src/core/verify/verify-canary.ts';
import { HOUR, STATEMENTS, at, makeWorld, type Issued, type World } from '../helpers/world.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');
const CLOCK = { now: at(2 * HOUR), skewSeconds: 300 };

let w: World;
let att: Issued<AttestationData>;
let hb: Issued<HeartbeatData>;

beforeAll(async () => {
  w = await makeWorld();
  // Non-ASCII text, so that some mutations land inside multi-byte UTF-8 sequences.
  att = await w.attest({
    statements: [...STATEMENTS, { id: 'XOPERS', text: 'Aucune réquisition reçue — 未收到任何搜查令 — ни одного ордера 🙂' }],
    documents: [{ path: 'policies/privacy/v3.md', sha256: `sha256:${'ab'.repeat(32)}` }],
  });
  hb = await w.heartbeat(att);
});

/** Byte range from the line after BEGIN PGP SIGNED MESSAGE up to (not including) BEGIN PGP SIGNATURE. */
function signedRange(bytes: Uint8Array, file: string): [number, number] {
  const start = encoder.encode(file.slice(0, file.indexOf('\n') + 1)).length;
  const end = encoder.encode(file.slice(0, file.indexOf('-----BEGIN PGP SIGNATURE-----'))).length;
  expect(decoder.decode(bytes.slice(start, start + 6))).toBe('Hash: ');
  return [start, end];
}

const mutation = (file: string) => {
  const bytes = encoder.encode(file);
  const [start, end] = signedRange(bytes, file);
  return fc
    .record({ index: fc.integer({ min: start, max: end - 1 }), value: fc.integer({ min: 0, max: 255 }) })
    .filter(({ index, value }) => bytes[index] !== value)
    .map(({ index, value }) => {
      const copy = bytes.slice();
      copy[index] = value;
      return { index, from: bytes[index]!, to: value, file: decoder.decode(copy) };
    });
};

describe('single-byte tampering', () => {
  it('the untampered files are alive (the baseline of the property)', async () => {
    const r = await verifyCanary({ attestation: att.file, heartbeat: hb.file, keys: w.keys, pins: w.pins }, CLOCK);
    expect(r.verdict).toBe('alive');
    const alone = await verifyCanary({ attestation: att.file, keys: w.keys, pins: w.pins, requireHeartbeat: false }, CLOCK);
    expect(alone.verdict).toBe('alive');
  });

  it('any byte changed in the signed part of the attestation makes it not alive', async () => {
    await fc.assert(
      fc.asyncProperty(mutation(att.file), async (m) => {
        // No heartbeat: the attestation alone must fail, not merely its heartbeat's hash check.
        const r = await verifyCanary({ attestation: m.file, keys: w.keys, pins: w.pins, requireHeartbeat: false }, CLOCK);
        expect(r.verdict, `byte ${m.index}: 0x${m.from.toString(16)} → 0x${m.to.toString(16)}`).not.toBe('alive');
      }),
      { numRuns: 400 },
    );
  });

  it('any byte changed in the signed part of the heartbeat makes the canary not alive', async () => {
    await fc.assert(
      fc.asyncProperty(mutation(hb.file), async (m) => {
        const r = await verifyCanary({ attestation: att.file, heartbeat: m.file, keys: w.keys, pins: w.pins }, CLOCK);
        expect(r.verdict, `byte ${m.index}: 0x${m.from.toString(16)} → 0x${m.to.toString(16)}`).not.toBe('alive');
      }),
      { numRuns: 400 },
    );
  });
});
