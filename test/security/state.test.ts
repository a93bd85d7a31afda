/**
 * Attacks on the verifier's memory (--state): a trip that must not come back alive, a
 * state file that cannot be read, a state of another site, a state rolled back by someone
 * who can write it, pins that change. Through the shipped CLI: the state is its file.
 */
import path from 'node:path';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { reissue, successorData } from '../helpers/tamper.ts';
import { DAY, HOUR, STATEMENTS, at, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { folder, signerKeyArgs, verifyCli, type Folder } from './cli.ts';
import { NOW, check } from './verify.ts';

const T1 = at(DAY);
const T2 = at(2 * DAY);
const after = (t: Date) => at(2 * HOUR, t);

let w: World;
let f: Folder;
let att1: Issued<AttestationData>;
let hb1: Issued<HeartbeatData>;
let removed: Issued<AttestationData>;
let hbRemoved: Issued<HeartbeatData>;
let next: Issued<AttestationData>;
let hbNext: Issued<HeartbeatData>;

beforeAll(async () => {
  w = await makeWorld();
  f = await folder(w);
  att1 = await w.attest();
  hb1 = await w.heartbeat(att1);
  // Attestation 2 drops GAG without a word: the canary trips.
  removed = await reissue(successorData(att1, T1, { statements: STATEMENTS.filter((s) => s.id !== 'GAG') }), w.signers.slice(0, 2), T1);
  hbRemoved = await w.heartbeat(removed, { previous: hb1 });
  // Attestation 3 carries on without GAG, as if nothing happened.
  next = await reissue(successorData(removed, T2), w.signers.slice(0, 2), T2);
  hbNext = await w.heartbeat(next, { previous: hbRemoved });
});
afterAll(() => f.cleanup());

/** Writes the pair and verifies it with the signers' key files and a state file. */
async function run(state: string, att: Issued<AttestationData>, hb: Issued<HeartbeatData>, now: Date, extra: string[] = []) {
  const a = await f.write(`a-${att.hash.slice(7, 19)}.txt`, att.file);
  const h = await f.write(`h-${hb.hash.slice(7, 19)}.txt`, hb.file);
  return verifyCli([a, '--heartbeat', h, ...signerKeyArgs(w, f), '--state', state, ...extra], now);
}

describe('a tripped canary stays tripped', () => {
  it('the run after a trip is TRIPPED again (STATE_TRIPPED), not ALIVE against the tripped baseline', async () => {
    const state = path.join(f.dir, 'trip.json');
    expect((await run(state, att1, hb1, NOW)).code).toBe(0);
    const tripped = await run(state, removed, hbRemoved, after(T1));
    expect(tripped.codes).toContain('STATEMENT_REMOVED');
    expect(tripped.code).toBe(1);
    const again = await run(state, removed, hbRemoved, at(3 * HOUR, T1));
    expect(again.codes).toContain('STATE_TRIPPED');
    expect(again.verdict).toBe('tripped');
    expect(again.code).toBe(1);
    // A later, clean-looking attestation does not clear it either.
    const later = await run(state, next, hbNext, after(T2));
    expect(later.codes).toContain('STATE_TRIPPED');
    expect(later.code).toBe(1);
  });

  it('says so in the text output too, with the command that acknowledges it', async () => {
    const state = path.join(f.dir, 'trip-text.json');
    await run(state, att1, hb1, NOW);
    await run(state, removed, hbRemoved, after(T1));
    const a = await f.write('removed.txt', removed.file);
    const h = await f.write('removed-hb.txt', hbRemoved.file);
    const { candor } = await import('../helpers/candor-bin.ts');
    const text = await candor(['verify', a, '--heartbeat', h, ...signerKeyArgs(w, f), '--state', state, '--now', at(3 * HOUR, T1).toISOString()]);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^TRIPPED/);
    expect(text.out).toContain('STATE_TRIPPED');
    expect(text.out).toContain('--acknowledge');
  });

  it('--acknowledge clears it: ALIVE with TRIP_ACKNOWLEDGED, and the next run is ALIVE', async () => {
    const state = path.join(f.dir, 'ack.json');
    await run(state, att1, hb1, NOW);
    await run(state, removed, hbRemoved, after(T1));
    const acked = await run(state, next, hbNext, after(T2), ['--acknowledge']);
    expect(acked.codes).toContain('TRIP_ACKNOWLEDGED');
    expect(acked.codes).not.toContain('STATE_TRIPPED');
    expect(acked.code).toBe(0);
    const clean = await run(state, next, hbNext, at(3 * HOUR, T2));
    expect(clean.codes).not.toContain('STATE_TRIPPED');
    expect(clean.code).toBe(0);
    const saved = JSON.parse(await readFile(state, 'utf8')) as { tripped?: unknown; acknowledged?: { sequence: number }[] };
    expect(saved.tripped).toBeUndefined();
    expect(saved.acknowledged?.map((t) => t.sequence)).toEqual([2]);
  });

  it('--acknowledge without --state is a usage error (exit 64)', async () => {
    const a = await f.write('plain.txt', att1.file);
    expect((await verifyCli([a, '--acknowledge', ...signerKeyArgs(w, f)])).code).toBe(64);
  });

  it('DURESS then a normal attestation: still TRIPPED with --state (STATE_TRIPPED) and with --previous (DURESS)', async () => {
    const duress = await w.attest({ now: T1, previous: att1, signal: { kind: 'duress', message: 'We were served with an order we cannot describe.' } });
    const hbDuress = await w.heartbeat(duress, { previous: hb1 });
    const calm = await reissue(successorData(duress, T2), w.signers.slice(0, 2), T2);
    const hbCalm = await w.heartbeat(calm, { previous: hbDuress });
    const state = path.join(f.dir, 'duress.json');
    await run(state, att1, hb1, NOW);
    expect((await run(state, duress, hbDuress, after(T1))).codes).toContain('DURESS');
    const later = await run(state, calm, hbCalm, after(T2));
    expect(later.codes).toContain('STATE_TRIPPED');
    expect(later.code).toBe(1);
    const r = await check(w, { attestation: calm.file, heartbeat: hbCalm.file, previous: duress.file }, after(T2));
    expect(r.reasons.find((x) => x.code === 'DURESS')?.subject).toBe('previous');
    expect(r.verdict).toBe('tripped');
  });

  it('FINAL then a new chain starting at sequence 1: FINAL is still said, with the rollback', async () => {
    const final = await w.attest({ now: T1, previous: att1, signal: { kind: 'final', message: 'We are closing the service.' } });
    const restart = await w.attest({ now: T2 });
    const r = await check(w, { attestation: restart.file, previous: final.file, requireHeartbeat: false }, after(T2));
    expect(r.codes).toContain('FINAL');
    expect(r.codes).toContain('SEQUENCE_NOT_INCREASING');
    const state = path.join(f.dir, 'final.json');
    await run(state, att1, hb1, NOW);
    await run(state, final, await w.heartbeat(final, { previous: hb1 }), after(T1));
    const hbRestart = await w.heartbeat(restart);
    const cli = await run(state, restart, hbRestart, after(T2));
    expect(cli.codes).toEqual(expect.arrayContaining(['STATE_TRIPPED', 'FINAL', 'SEQUENCE_NOT_INCREASING']));
    expect(cli.code).toBe(3);
  });
});

describe('a state file that cannot be used stops the run (exit 65), only a missing one is a first run', () => {
  const bad = async (name: string, make: (file: string) => Promise<void>) => {
    const file = path.join(f.dir, 'bad', name);
    await mkdir(path.dirname(file), { recursive: true });
    await make(file);
    return run(file, att1, hb1, NOW);
  };

  it('corrupt JSON: exit 65 STATE_UNREADABLE, not an internal error', async () => {
    const r = await bad('corrupt.json', (file) => writeFile(file, '{"version": 2, "signers": ['));
    expect(r.code).toBe(65);
    expect(r.err).toContain('error STATE_UNREADABLE');
    expect(r.err).toContain('hint:');
    expect(r.err).not.toContain('internal error');
  });

  it('a directory: exit 65, not "no state"', async () => {
    const r = await bad('a-folder.json', (file) => mkdir(file));
    expect(r.code).toBe(65);
    expect(r.err).toContain('STATE_UNREADABLE');
  });

  it('a file that cannot be opened (a symbolic link loop): exit 65, not "no state"', async () => {
    const r = await bad('loop.json', (file) => symlink(file, file));
    expect(r.code).toBe(65);
    expect(r.err).toContain('STATE_UNREADABLE');
  });

  it.each([
    ['an array', '[]'],
    ['pins that are not fingerprints', '{"version": 1, "pins": ["nope"]}'],
    ['an unknown version', '{"version": 9, "signers": [], "automated": [], "heartbeatKeys": []}'],
    ['an unknown field', '{"version": 2, "signers": [], "automated": [], "heartbeatKeys": [], "trusted": true}'],
  ])('the wrong shape (%s): exit 65', async (_, text) => {
    const r = await bad(`shape-${text.length}.json`, (file) => writeFile(file, text));
    expect(r.code).toBe(65);
    expect(r.err).toContain('STATE_UNREADABLE');
  });

  it('a missing file is a first run: verified, and the state written', async () => {
    const file = path.join(f.dir, 'fresh', 'state.json');
    const r = await run(file, att1, hb1, NOW);
    expect(r.code).toBe(0);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { version: number; service: string; signers: string[]; heartbeatKeys: string[] };
    expect(saved.version).toBe(2);
    expect(saved.service).toBe(att1.data.service.url);
    expect(saved.signers).toEqual(expect.arrayContaining(w.pins));
    // The CI key was given as a key file; it is remembered as a heartbeat key, never as a signer pin.
    expect(saved.signers).not.toContain(w.ci.ref.fingerprint);
    expect(saved.heartbeatKeys).toEqual([w.ci.ref.fingerprint]);
  });

  it('a version 1 state (written before pins had purposes) is still read', async () => {
    const file = path.join(f.dir, 'v1.json');
    await writeFile(file, JSON.stringify({ version: 1, pins: w.pins, attestation: att1.file, minSigners: 2 }));
    const r = await run(file, att1, hb1, NOW);
    expect(r.code).toBe(0);
  });
});

describe('state file games', () => {
  it('a state of another site (same signers): SERVICE_MISMATCH', async () => {
    const state = path.join(f.dir, 'other-site.json');
    await run(state, att1, hb1, NOW);
    const vpn = await reissue(
      successorData(att1, T1, { service: { name: 'Lumen VPN', url: 'https://lumen-vpn.example' }, sequence: 4, previous: null }),
      w.signers.slice(0, 2),
      T1,
    );
    // Its heartbeat even continues the chain the state remembers: only the service gives it away.
    const hbVpn = await w.heartbeat(vpn, { previous: hb1 });
    const r = await run(state, vpn, hbVpn, after(T1));
    expect(r.codes).toContain('SERVICE_MISMATCH');
    expect(r.code).toBe(3);
  });

  it('a state rolled back (by someone who can write it) to before the trip: the served canary trips again', async () => {
    const state = path.join(f.dir, 'rollback.json');
    await run(state, att1, hb1, NOW);
    await copyFile(state, `${state}.saved`);
    await run(state, removed, hbRemoved, after(T1));
    await copyFile(`${state}.saved`, state);
    const r = await run(state, removed, hbRemoved, at(3 * HOUR, T1));
    expect(r.codes).toContain('STATEMENT_REMOVED');
    expect(r.code).toBe(1);
  });

  it('a baseline attestation edited inside the state file is caught (SIGNATURE_BAD on the previous)', async () => {
    const state = path.join(f.dir, 'edited.json');
    await run(state, att1, hb1, NOW);
    const saved = JSON.parse(await readFile(state, 'utf8')) as { attestation: string };
    saved.attestation = saved.attestation.replace('We have not received any subpoena', 'We have not received any subpoenb');
    await writeFile(state, JSON.stringify(saved));
    const r = await run(state, removed, hbRemoved, after(T1));
    expect(r.codes).toContain('SIGNATURE_BAD');
    expect(r.code).toBe(3);
  });

  it("a heartbeat key pinned by mistake once is never a signer pin later: the CI key's own attestation is HEARTBEAT_KEY_AS_SIGNER", async () => {
    const state = path.join(f.dir, 'pin-change.json');
    await run(state, att1, hb1, NOW);
    // The CI key's thief names it the only signer, and no longer a heartbeat key.
    const forged = await reissue(
      successorData(att1, T1, {
        signers: { threshold: 1, keys: [w.ci.ref] },
        heartbeat: { ...att1.data.heartbeat, keys: [] },
      }),
      [w.ci],
      T1,
    );
    const a = await f.write('forged-ci.txt', forged.file);
    // The run names only the CI key (a changed pin); the state remembers it as a heartbeat key.
    const r = await verifyCli([a, '--keys', f.keyFile(w.ci), '--state', state], after(T1));
    expect(r.codes).toContain('HEARTBEAT_KEY_AS_SIGNER');
    expect(r.verdict).toBe('invalid');
  });
});
