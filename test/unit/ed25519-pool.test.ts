/** Archives checked with Ed25519 on a worker thread give verifyArchive's result, problems included, in order. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeartbeatData } from '../../src/core/canary/model.ts';
import { verifyArchive, type ArchiveInput } from '../../src/core/verify/archive.ts';
import { verifyArchiveFast } from '../../src/io/archive-verify.ts';
import { Ed25519Pool, LANES } from '../../src/io/ed25519-pool.ts';
import { editSigned } from '../helpers/tamper.ts';
import { HOUR, at, makeWorld, type Issued } from '../helpers/world.ts';

let input: ArchiveInput;
const clock = { now: at(30 * HOUR), skewSeconds: 300 };

beforeAll(async () => {
  const w = await makeWorld();
  const att = await w.attest();
  const heartbeats: { name: string; file: string }[] = [];
  let previous: Issued<HeartbeatData> | undefined;
  for (let i = 0; i < 24; i++) {
    const hb: Issued<HeartbeatData> = await w.heartbeat(att, { now: at((i + 1) * HOUR), ...(previous ? { previous } : {}) });
    heartbeats.push({ name: `heartbeat-${String(i + 1).padStart(6, '0')}.txt`, file: hb.file });
    previous = hb;
  }
  // Broken documents, so that the order of the problems is checked too.
  heartbeats[5]!.file = editSigned(heartbeats[5]!.file, 'HEARTBEAT', 'HEARTBEET');
  heartbeats[11]!.file = heartbeats[11]!.file.replace(/^wr.*$/m, (line) => `${line.slice(0, 10)}A${line.slice(11)}`);
  heartbeats[17]!.file = heartbeats[17]!.file.replace('-----END PGP SIGNATURE-----', '');
  input = { attestations: [{ name: 'attestation-000001.txt', file: att.file }], heartbeats, keys: w.keys, pins: w.pins };
});

describe('Ed25519 on a worker thread', () => {
  it('gives the same result as verifyArchive without it, the worker doing the checks', async () => {
    const expected = await verifyArchive(input, clock);
    expect(expected.reasons.map((r) => r.code)).toContain('SIGNATURE_BAD');
    const pool = new Ed25519Pool();
    await pool.ready;
    expect(await verifyArchive({ ...input, crypto: pool, lanes: LANES }, clock)).toEqual(expected);
    // The attestation's two signatures, the heartbeats read by hand and the latest pair again.
    expect(pool.onWorker).toBeGreaterThan(20);
    await pool.close();
    expect(await verifyArchiveFast(input, clock, { minDocuments: 0 })).toEqual(expected);
  });

  it('checks on this thread once the worker is gone', async () => {
    const pool = new Ed25519Pool();
    await pool.close();
    expect(await verifyArchive({ ...input, crypto: pool, lanes: LANES }, clock)).toEqual(await verifyArchive(input, clock));
    expect(pool.onWorker).toBe(0);
  });
});
