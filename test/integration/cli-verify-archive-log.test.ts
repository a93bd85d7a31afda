/**
 * `candor verify --archive` with the canary log beside the archive, through the shipped CLI,
 * in a throwaway operator repository: the log and the archive tell one history (every entry
 * archived, every document since the log began logged, the checkpoint signed by the key the
 * attestation names, the bundles making its root, the latest pair proven in it), as the
 * repository has them and as a copy of the built site has them.
 */
import path from 'node:path';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEntries } from '../../src/core/tlog/log.ts';
import { parseSignerKey, signerFromSeed, type SignerKey } from '../../src/core/tlog/note.ts';
import { buildSite } from '../../scripts/build-site.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

let p: TestProject;
let logKey: string;
let scratch: string;
const DAY1 = '2023-07-24T06:00:00Z';
const DAY2 = '2023-07-25T06:10:00Z';
const DAY3 = '2023-07-26T06:10:00Z';
const LATER = '2023-07-26T07:00:00Z';

const canaryDir = () => path.join(p.root, 'content', 'canary');
const env = () => ({ CANDOR_LOG_KEY: logKey });
const pinned = () => ['--keyring', path.join(p.root, 'keys'), '--keys', p.signers.map((s) => s.ref.fingerprint).join(',')];
const verifyArchive = (dir: string, extra: string[] = []) => p.cli(['verify', '--archive', dir, ...pinned(), ...extra], { now: LATER });
const codes = (json: string): string[] => {
  const r = JSON.parse(json) as { reasons: { code: string }[]; latest?: { reasons: { code: string }[] } };
  return [...r.reasons, ...(r.latest?.reasons ?? [])].map((x) => x.code);
};

/** A copy of content/canary (archive/ and log/ side by side), to tamper with. */
async function copyCanary(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await cp(canaryDir(), dir, { recursive: true });
  return dir;
}

/** Rewrites a copy's log to hold `entries`, signed by `key`: what a log that tells another history looks like. */
async function rewriteLog(dir: string, entries: Uint8Array[], key: SignerKey): Promise<void> {
  const origin = (await readFile(path.join(dir, 'log', 'checkpoint'), 'utf8')).split('\n')[0]!;
  await rm(path.join(dir, 'log'), { recursive: true });
  for (const [rel, bytes] of appendEntries([], entries, origin, key).files) {
    await cp(await tmpFile(bytes), path.join(dir, 'log', rel), { recursive: true });
  }
}

let tmpCount = 0;
async function tmpFile(bytes: Uint8Array): Promise<string> {
  const file = path.join(scratch, `bytes-${tmpCount++}`);
  await writeFile(file, bytes);
  return file;
}

const archived = async (dir: string, names: string[]) => Promise.all(names.map(async (n) => new Uint8Array(await readFile(path.join(dir, 'archive', n)))));

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'candor-archive-log-'));
  p = await makeProject();
  const made = await p.cli(['keys', 'log', '--out', path.join(p.secrets, 'log.key')]);
  expect(made.code, made.err).toBe(0);
  const vkey = /key: (\S+)/.exec(made.out)![1]!;
  logKey = (await readFile(path.join(p.secrets, 'log.key'), 'utf8')).trim();
  await p.writeConfig((c) => {
    (c['freshness'] as Record<string, unknown>)['required'] = false;
    c['log'] = { key: vkey };
  });
  await p.cli(['canary', 'attest', 'prepare']);
  for (const s of p.signers.slice(0, 2)) await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(s)]);
  expect((await p.cli(['canary', 'attest', 'publish'])).code).toBe(0);
  for (const now of [DAY1, DAY2]) {
    const hb = await p.cli(['canary', 'heartbeat', '--key', p.keyFile(p.ci)], { now });
    expect(hb.code, hb.err).toBe(0);
    const appended = await p.cli(['canary', 'log', 'append'], { now, env: env() });
    expect(appended.code, appended.err).toBe(0);
  }
}, 120_000);
afterAll(async () => {
  await p.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

describe('the log beside the archive (content/canary/log)', () => {
  it('is found, audited and reported: ALIVE, with the log in the summary', async () => {
    const r = await verifyArchive(path.join(canaryDir(), 'archive'));
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/^ALIVE: 1 attestation\(s\), 2 heartbeat\(s\) checked$/m);
    expect(r.out).toContain('Log: 3 entries, not cosigned');
    const json = await verifyArchive(path.join(canaryDir(), 'archive'), ['--json']);
    const parsed = JSON.parse(json.out) as { log: { entries: number; beforeLog: number }; latest: { log: { size: number } } };
    expect(parsed.log).toEqual({ entries: 3, beforeLog: 0 });
    expect(parsed.latest.log.size).toBe(3);
    // Proven from the log's own tiles; only "did it only grow since you last looked" is left (no --state here).
    expect(json.out).not.toContain('not looked for');
    expect(codes(json.out).filter((c) => c.startsWith('LOG_'))).toEqual(['LOG_UNCHECKED']);
  });

  it("a document archived after the log's last entry is pending (a note, ALIVE); one missing in between is LOG_ENTRY_MISSING (exit 3)", async () => {
    const dir = await copyCanary('unlogged');
    const hb = await p.cli(['canary', 'heartbeat', '--key', p.keyFile(p.ci)], { now: DAY3 });
    expect(hb.code, hb.err).toBe(0);
    // The third heartbeat, taken into the copy's archive only: as a repository is between a merge and the next publish run.
    await cp(path.join(canaryDir(), 'archive', 'heartbeat-000003.txt'), path.join(dir, 'archive', 'heartbeat-000003.txt'));
    const pending = await verifyArchive(path.join(dir, 'archive'), ['--json']);
    expect(pending.code, pending.out).toBe(0);
    expect(codes(pending.out)).not.toContain('LOG_ENTRY_MISSING');
    expect(pending.out).toContain('not in it yet (heartbeat-000003.txt)');
    // A log that skipped heartbeat 2 but holds heartbeat 3: a document kept out of the log.
    const key = parseSignerKey(logKey);
    if (typeof key === 'string') throw new Error(key);
    const names = ['attestation-000001.txt', 'heartbeat-000001.txt', 'heartbeat-000003.txt'];
    await rewriteLog(dir, await archived(dir, names), key);
    const gap = await verifyArchive(path.join(dir, 'archive'), ['--json']);
    expect(gap.code, gap.out).toBe(3);
    expect(codes(gap.out)).toEqual(expect.arrayContaining(['LOG_ENTRY_MISSING']));
    expect(gap.out).toContain('heartbeat-000002.txt is not in the log');
    // The repository's own log catches up on the next append, and then agrees again.
    expect((await p.cli(['canary', 'log', 'append'], { now: DAY3, env: env() })).code).toBe(0);
    expect((await verifyArchive(path.join(canaryDir(), 'archive'))).code).toBe(0);
  });

  it('a log holding a document the archive does not show: LOG_ENTRY_NOT_ARCHIVED, invalid', async () => {
    const dir = await copyCanary('stranger');
    const names = ['attestation-000001.txt', 'heartbeat-000001.txt', 'heartbeat-000002.txt', 'heartbeat-000003.txt'];
    const shownToSomeoneElse = new TextEncoder().encode('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nanother heartbeat\n');
    const key = parseSignerKey(logKey);
    if (typeof key === 'string') throw new Error(key);
    await rewriteLog(dir, [...(await archived(dir, names.slice(0, 2))), shownToSomeoneElse, ...(await archived(dir, names.slice(2)))], key);
    const r = await verifyArchive(path.join(dir, 'archive'), ['--json']);
    expect(r.code, r.out).toBe(3);
    expect(codes(r.out)).toContain('LOG_ENTRY_NOT_ARCHIVED');
    expect(r.out).toContain('log entry 2 is not a file of this archive');
  });

  it('a checkpoint signed by another key under the same name: LOG_PROOF_BAD', async () => {
    const dir = await copyCanary('other-key');
    const names = ['attestation-000001.txt', 'heartbeat-000001.txt', 'heartbeat-000002.txt', 'heartbeat-000003.txt'];
    const origin = (await readFile(path.join(dir, 'log', 'checkpoint'), 'utf8')).split('\n')[0]!;
    await rewriteLog(dir, await archived(dir, names), signerFromSeed(origin, new Uint8Array(32).fill(7)));
    const r = await verifyArchive(path.join(dir, 'archive'), ['--json']);
    expect(r.code, r.out).toBe(3);
    expect(codes(r.out)).toContain('LOG_PROOF_BAD');
    expect(r.out).toContain('not signed by the key the latest attestation names');
  });

  it('an entry bundle cut short: LOG_PROOF_BAD, naming the bundle', async () => {
    const dir = await copyCanary('bundle');
    const bundle = path.join(dir, 'log', 'tile', 'entries', '000.p', '4');
    await writeFile(bundle, (await readFile(bundle)).subarray(0, 100));
    const r = await verifyArchive(path.join(dir, 'archive'), ['--json']);
    expect(r.code, r.out).toBe(3);
    expect(codes(r.out)).toContain('LOG_PROOF_BAD');
    expect(r.out).toContain('tile/entries/000.p/4');
  });
});

describe('where the log is', () => {
  it('--log names it; a folder without a checkpoint is unreadable input (65) naming --log', async () => {
    const dir = await copyCanary('moved');
    await cp(path.join(dir, 'log'), path.join(scratch, 'elsewhere'), { recursive: true });
    await rm(path.join(dir, 'log'), { recursive: true });
    const found = await verifyArchive(path.join(dir, 'archive'), ['--log', path.join(scratch, 'elsewhere')]);
    expect(found.code, found.out).toBe(0);
    expect(found.out).toContain('Log: 4 entries');
    const none = await verifyArchive(path.join(dir, 'archive'), ['--log', path.join(dir, 'archive')]);
    expect(none.code).toBe(65);
    expect(none.err).toContain('error INPUT_UNREADABLE');
    expect(none.err).toContain('--log');
  });

  it('no log beside an archive whose attestation names one: ALIVE, with the log noted as not checked', async () => {
    const dir = await copyCanary('nolog');
    await rm(path.join(dir, 'log'), { recursive: true });
    const r = await verifyArchive(path.join(dir, 'archive'), ['--json']);
    expect(r.code, r.out).toBe(0);
    expect(codes(r.out)).toContain('LOG_UNCHECKED');
    expect(r.out).toContain('not looked for');
    expect(JSON.parse(r.out)).not.toHaveProperty('log');
  });

  it('a copy of the built site: archive/ beside canary/log/, found as the site publishes them', async () => {
    const out = path.join(scratch, 'site');
    await buildSite({ root: p.root, out });
    const r = await verifyArchive(path.join(out, 'archive'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Log: 4 entries, not cosigned');
  }, 120_000);
});
