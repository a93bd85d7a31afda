/**
 * Signals in the history must carry through --archive (and --state): a FINAL followed by
 * more attestations, a DURESS followed by calm ones, a duress heartbeat, a threshold raised
 * then lowered. Each archive is verified in the core and through the shipped CLI.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { verifyArchive } from '../../src/core/verify/archive.ts';
import { reissue, successorData } from '../helpers/tamper.ts';
import { DAY, HOUR, at, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { folder, pinsArg, signerKeyArgs, verifyCli, type Folder } from './cli.ts';
import { SKEW } from './verify.ts';

let w: World;
let f: Folder;

beforeAll(async () => {
  w = await makeWorld();
  f = await folder(w);
});
afterAll(() => f.cleanup());

const day = (n: number) => at(n * DAY);
const name = (kind: string, n: number) => `${kind}-${String(n).padStart(6, '0')}.txt`;

interface Archive {
  atts: Issued<AttestationData>[];
  hbs: Issued<HeartbeatData>[];
}

/** One heartbeat per attestation, each chained to the one before. */
async function withHeartbeats(atts: Issued<AttestationData>[], signal?: { at: number; kind: 'duress' }): Promise<Archive> {
  const hbs: Issued<HeartbeatData>[] = [];
  for (const [i, att] of atts.entries()) {
    const previous = hbs.at(-1);
    hbs.push(
      await w.heartbeat(att, {
        ...(previous ? { previous } : {}),
        ...(signal?.at === i ? { signal: { kind: signal.kind, message: 'The CI runner was seized.' } } : {}),
      }),
    );
  }
  return { atts, hbs };
}

async function inCore(a: Archive, now: Date) {
  const result = await verifyArchive(
    {
      attestations: a.atts.map((x, i) => ({ name: name('attestation', i + 1), file: x.file })),
      heartbeats: a.hbs.map((x, i) => ({ name: name('heartbeat', i + 1), file: x.file })),
      keys: w.keys,
      pins: w.pins,
    },
    { now, skewSeconds: SKEW },
  );
  return { ...result, codes: [...result.reasons, ...(result.latest?.reasons ?? [])].map((r) => r.code) };
}

async function inCli(label: string, a: Archive, now: Date) {
  const dir = path.join(f.dir, label);
  for (const [i, x] of a.atts.entries()) await f.write(path.join(label, name('attestation', i + 1)), x.file);
  for (const [i, x] of a.hbs.entries()) await f.write(path.join(label, name('heartbeat', i + 1)), x.file);
  return verifyCli(['--archive', dir, '--keyring', f.keysDir, ...pinsArg(w)], now);
}

/** The archive's JSON output keeps reasons in `reasons` and `latest.reasons`. */
function archiveCodes(out: string): string[] {
  const json = JSON.parse(out) as { reasons: { code: string }[]; latest?: { reasons: { code: string }[] } };
  return [...json.reasons, ...(json.latest?.reasons ?? [])].map((r) => r.code);
}

describe('--archive keeps the signals of the history', () => {
  it('attestations after a FINAL one: TRIPPED (FINAL), not ALIVE', async () => {
    const a1 = await w.attest();
    const final = await w.attest({ now: day(1), previous: a1, signal: { kind: 'final', message: 'We are closing the service.' } });
    const a3 = await reissue(successorData(final, day(2)), w.signers.slice(0, 2), day(2));
    const a4 = await reissue(successorData(a3, day(3)), w.signers.slice(0, 2), day(3));
    const archive = await withHeartbeats([a1, final, a3, a4]);
    const now = at(2 * HOUR, day(3));
    const core = await inCore(archive, now);
    expect(core.codes).toContain('FINAL');
    expect(core.verdict).toBe('tripped');
    const cli = await inCli('after-final', archive, now);
    expect(archiveCodes(cli.out)).toContain('FINAL');
    expect(cli.code).toBe(1);
  });

  it('a DURESS in the history, then calm attestations: TRIPPED (DURESS)', async () => {
    const a1 = await w.attest();
    const duress = await w.attest({ now: day(1), previous: a1, signal: { kind: 'duress', message: 'We were served with an order we cannot describe.' } });
    const a3 = await reissue(successorData(duress, day(2)), w.signers.slice(0, 2), day(2));
    const archive = await withHeartbeats([a1, duress, a3]);
    const now = at(2 * HOUR, day(2));
    const core = await inCore(archive, now);
    expect(core.codes).toContain('DURESS');
    expect(core.verdict).toBe('tripped');
    const cli = await inCli('after-duress', archive, now);
    expect(archiveCodes(cli.out)).toContain('DURESS');
    expect(cli.code).toBe(1);
  });

  it('a duress heartbeat in the history: TRIPPED (DURESS)', async () => {
    const a1 = await w.attest();
    const a2 = await w.attest({ now: day(1), previous: a1 });
    const archive = await withHeartbeats([a1, a2], { at: 0, kind: 'duress' });
    const core = await inCore(archive, at(2 * HOUR, day(1)));
    expect(core.codes).toContain('DURESS');
    expect(core.verdict).toBe('tripped');
  });

  it('a clean history stays ALIVE (the signals above are not noise)', async () => {
    const a1 = await w.attest();
    const a2 = await w.attest({ now: day(1), previous: a1 });
    const archive = await withHeartbeats([a1, a2]);
    const core = await inCore(archive, at(2 * HOUR, day(1)));
    expect(core.verdict).toBe('alive');
    const cli = await inCli('clean', archive, at(2 * HOUR, day(1)));
    expect(cli.code, cli.out).toBe(0);
  });

  it('a threshold raised to 3, then lowered to 2 by two signers: SIGNER_POLICY_BYPASSED, and THRESHOLD_LOWERED is shown', async () => {
    const a1 = await w.attest();
    const raised = await w.attest({ now: day(1), previous: a1, config: { signers: { threshold: 3, keys: w.signers.map((s) => s.ref) } }, signWith: w.signers });
    const lowered = await w.attest({
      now: day(2),
      previous: raised,
      config: { signers: { threshold: 2, keys: w.signers.map((s) => s.ref) } },
      signWith: w.signers.slice(0, 2),
    });
    const archive = await withHeartbeats([a1, raised, lowered]);
    const core = await inCore(archive, at(2 * HOUR, day(2)));
    expect(core.codes).toEqual(expect.arrayContaining(['SIGNER_POLICY_BYPASSED', 'THRESHOLD_LOWERED']));
    expect(core.verdict).toBe('invalid');
    // With --state, the raised threshold is remembered: the lowered attestation is refused on its own.
    const state = path.join(f.dir, 'raised.json');
    const run = async (att: Issued<AttestationData>, hb: Issued<HeartbeatData>, now: Date) =>
      verifyCli(
        [
          await f.write(`raise-${att.data.sequence}.txt`, att.file),
          '--heartbeat',
          await f.write(`raise-hb-${hb.data.sequence}.txt`, hb.file),
          ...signerKeyArgs(w, f),
          '--state',
          state,
        ],
        now,
      );
    expect((await run(a1, archive.hbs[0]!, at(2 * HOUR))).code).toBe(0);
    expect((await run(raised, archive.hbs[1]!, at(2 * HOUR, day(1)))).code).toBe(0);
    const r = await run(lowered, archive.hbs[2]!, at(2 * HOUR, day(2)));
    expect(r.codes).toEqual(expect.arrayContaining(['THRESHOLD_BELOW_MINIMUM', 'SIGNER_POLICY_BYPASSED']));
    expect(r.code).toBe(3);
  });
});
