/**
 * `candor witness` as shipped (child processes) with three local witnesses: w1 honest,
 * w2 shown a different checkpoint of the same size earlier (it refuses the fork), w3
 * offline. The log's side (requestCosignatures) gathers what it can, reports the rest,
 * and the witness policy (tlog-policy) decides the quorum. Then `witness check`, the
 * scheduled mode, follows a site as it grows, and refuses a fork, a rollback and an
 * unreachable site with its state unchanged.
 */
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCosignatures } from '../../src/core/tlog/cosignature.ts';
import { consistencyProof } from '../../src/core/tlog/merkle.ts';
import { formatSignerKey, formatVerifierKey, parseSignerKey, type SignerKey } from '../../src/core/tlog/note.ts';
import { cosignedNames, parsePolicy, quorumMet, type TlogPolicy } from '../../src/core/tlog/policy.ts';
import { formatAddCheckpoint } from '../../src/core/tlog/witness.ts';
import { witnessList, type WitnessEntry } from '../../src/core/witness/config.ts';
import { requestCosignatures } from '../../src/io/tlog/cosign.ts';
import { candor } from '../helpers/candor-bin.ts';
import { freePort, serveWitness, staticSite, testLog, type ServedWitness, type StaticSite, type TestLog } from '../helpers/witness-site.ts';

const ORIGIN = 'lumen-mail.example/canary/log';
let dir: string;
const keys: Record<string, string> = {};
const witnesses: ServedWitness[] = [];
let list: WitnessEntry[];
let site: StaticSite;

async function keygen(name: string): Promise<{ vkey: string; key: string }> {
  const out = path.join(dir, `${name}.key`);
  const r = await candor(['witness', 'keygen', '--name', `${name}.witness.example`, '--out', out]);
  expect(r.code, r.err).toBe(0);
  expect((await stat(out)).mode & 0o777).toBe(0o600);
  const key = (await readFile(out, 'utf8')).trim();
  expect(r.out + r.err).not.toContain(key);
  // The vkey printed is the signer key's, as `witness vkey` derives it.
  const vkey = await candor(['witness', 'vkey'], { env: { CANDOR_WITNESS_KEY: key } });
  expect([vkey.code, vkey.out.trim()]).toEqual([0, r.out.trim()]);
  return { vkey: r.out.trim(), key };
}

async function stateDir(name: string): Promise<string> {
  const state = path.join(dir, name);
  await mkdir(state, { recursive: true });
  const log = testLog(ORIGIN, 0);
  await writeFile(path.join(state, 'witness.yml'), `logs:\n  - origin: ${ORIGIN}\n    key: "${formatVerifierKey(log.key)}"\n`);
  return state;
}

const post = (url: string, body: string) => fetch(`${url}/add-checkpoint`, { method: 'POST', body });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'candor-witness-'));
  const entries: { name: string; key: string; url: string }[] = [];
  for (const name of ['w1', 'w2']) {
    const k = await keygen(name);
    keys[name] = k.key;
    const served = await serveWitness(await stateDir(name), k.key, ['--now', '2026-12-03T10:00:00Z']);
    witnesses.push(served);
    entries.push({ name, key: k.vkey, url: `${served.url}/` });
  }
  const w3 = await keygen('w3');
  entries.push({ name: 'w3', key: w3.vkey, url: `http://127.0.0.1:${await freePort()}/` });
  list = witnessList.parse(entries);
  site = await staticSite();
}, 120_000);

afterAll(async () => {
  await Promise.all(witnesses.map((w) => w.stop()));
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function policy(quorum: string): TlogPolicy {
  const text = [`log ${formatVerifierKey(testLog(ORIGIN, 0).key)}`, ...list.map((w) => `witness ${w.name} ${formatVerifierKey(w.key)}`), quorum].join('\n');
  const p = parsePolicy(text);
  if (Array.isArray(p)) throw new Error(JSON.stringify(p));
  return p;
}

describe('the log asks three witnesses (serve): one honest, one shown a fork, one offline', () => {
  it('w2 first cosigns a forked checkpoint of size 5 (the split view a log showed it)', async () => {
    const fork = testLog(ORIGIN, 5, { rewrite: { at: 2, text: 'a different entry 2\n' } });
    const r = await post(witnesses[1]!.url, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: fork.checkpoint() }));
    expect(r.status).toBe(200);
  });

  it('gathers w1 (after a 409 and a retry from its size), reports w2 refusing and w3 offline; quorum 1 of 3 met, 2 of 3 not', async () => {
    const log = testLog(ORIGIN, 5);
    // The log believes the witnesses cosigned size 3: w1 answers 409 with 0, and is asked again from 0.
    const result = await requestCosignatures({ checkpoint: log.checkpoint(), previousSize: 3, read: log.tree.read, witnesses: list, timeoutMs: 5_000 });
    expect(result.witnesses.map((w) => [w.name, w.status, w.http])).toEqual([
      ['w1', 'cosigned', 200],
      ['w2', 'refused', 409],
      ['w3', 'offline', undefined],
    ]);
    expect(result.witnesses[1]!.message).toMatch(/another checkpoint of size 5/);
    const cosigned = readCosignatures(
      result.checkpoint,
      list.map((w) => w.key),
    );
    if (typeof cosigned === 'string') throw new Error(cosigned);
    expect(cosigned.cosignatures.map((c) => [c.witness.name, c.timestamp])).toEqual([['w1.witness.example', Date.parse('2026-12-03T10:00:00Z') / 1000]]);
    expect(cosigned.failed).toEqual([]);
    const names = cosignedNames(policy('quorum w1'), result.cosigners);
    expect([...names]).toEqual(['w1']);
    expect(quorumMet(policy('group one any w1 w2 w3\nquorum one'), names)).toBe(true);
    expect(quorumMet(policy('group two 2 w1 w2 w3\nquorum two'), names)).toBe(false);
  });

  it('as the log grows 5 → 9: w1 cosigns from its size with a proof, w2 refuses (422: not consistent with what it saw)', async () => {
    const log = testLog(ORIGIN, 9);
    const result = await requestCosignatures({ checkpoint: log.checkpoint(), previousSize: 5, read: log.tree.read, witnesses: list, timeoutMs: 5_000 });
    expect(result.witnesses.map((w) => [w.name, w.status, w.http])).toEqual([
      ['w1', 'cosigned', 200],
      ['w2', 'refused', 422],
      ['w3', 'offline', undefined],
    ]);
    expect(result.cosigners.map((k) => k.name)).toEqual(['w1.witness.example']);
  });

  it('serialises add-checkpoint per log: of two requests from the same old size, one is cosigned and the other gets 409', async () => {
    const [a, b] = [testLog(ORIGIN, 12), testLog(ORIGIN, 15)];
    const body = (l: TestLog) => formatAddCheckpoint({ oldSize: 9, proof: consistencyFrom(9, l), checkpoint: l.checkpoint() });
    const answers = await Promise.all([post(witnesses[0]!.url, body(a)), post(witnesses[0]!.url, body(b))]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const conflict = answers.find((r) => r.status === 409)!;
    expect(conflict.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(['12\n', '15\n']).toContain(await conflict.text());
  });

  it('answers the spec codes: 404 unknown log, 403 another key, 400 not a request, 405 a GET', async () => {
    const w = witnesses[0]!.url;
    expect((await post(w, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: testLog('other.example/log', 1).checkpoint() }))).status).toBe(404);
    expect((await post(w, formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: testLog(ORIGIN, 1, { seed: 3 }).checkpoint() }))).status).toBe(403);
    expect((await post(w, 'hello')).status).toBe(400);
    expect((await fetch(`${w}/add-checkpoint`)).status).toBe(405);
    expect(witnesses[0]!.log()).not.toContain('PRIVATE+KEY');
  });
});

/** The proof the log would send, from its own tree. */
const consistencyFrom = (old: number, log: TestLog) => consistencyProof(old, log.tree.size, log.tree.read);

describe('mistakes, said with their codes', () => {
  it('keygen refuses to overwrite a key and a bad name; serve a bad port; check a bad site address; vkey a log key', async () => {
    const again = await candor(['witness', 'keygen', '--name', 'w1.witness.example', '--out', path.join(dir, 'w1.key')]);
    expect([again.code, again.err]).toEqual([65, expect.stringMatching(/^error WITNESS_KEY_EXISTS: /)]);
    const name = await candor(['witness', 'keygen', '--name', 'has space', '--out', path.join(dir, 'x.key')]);
    expect([name.code, name.err]).toEqual([64, expect.stringMatching(/^error ARGUMENT_INVALID: --name: not a key name/)]);
    const port = await candor(['witness', 'serve', '--state', path.join(dir, 'w1'), '--port', '70000'], { env: { CANDOR_WITNESS_KEY: keys['w1']! } });
    expect([port.code, port.err]).toEqual([64, expect.stringMatching(/^error ARGUMENT_INVALID: --port: not a port/)]);
    const site = await candor(['witness', 'check', 'ftp://x.example/', '--state', path.join(dir, 'w1')], { env: { CANDOR_WITNESS_KEY: keys['w1']! } });
    expect([site.code, site.err]).toEqual([64, expect.stringMatching(/^error ARGUMENT_INVALID: SITE: not a site address/)]);
    const secret = formatSignerKey(testLog(ORIGIN, 0).key);
    const logKey = await candor(['witness', 'vkey'], { env: { CANDOR_WITNESS_KEY: secret } });
    expect([logKey.code, logKey.err]).toEqual([65, expect.stringMatching(/^error WITNESS_KEY_INVALID: /)]);
    expect(logKey.out + logKey.err).not.toContain(secret.split('+').at(-1));
  });
});

describe('witness check: the scheduled mode, on a site as it grows, forks and rolls back', () => {
  let state: string;
  let out: string;
  let key: SignerKey;
  const record = () => readFile(path.join(state, 'logs', `${encodeURIComponent(ORIGIN)}.json`), 'utf8');
  const check = (extra: string[] = []) =>
    candor(['witness', 'check', site.url, '--state', state, '--out', out, '--now', '2026-12-03T12:00:00Z', '--timeout', '3', ...extra], {
      env: { CANDOR_WITNESS_KEY: keys['w1']! },
    });

  beforeAll(async () => {
    state = await stateDir('check');
    out = path.join(dir, 'published');
    key = parseSignerKey(keys['w1']!) as SignerKey;
  });

  it('cosigns the first checkpoint it sees, and writes <out>/<origin>/checkpoint with its cosignature', async () => {
    site.publish(testLog(ORIGIN, 5).files());
    const r = await check();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`${ORIGIN}: cosigned size 5 (was 0)`);
    const published = await readFile(path.join(out, ...ORIGIN.split('/'), 'checkpoint'), 'utf8');
    const cosigned = readCosignatures(published, [key]);
    if (typeof cosigned === 'string') throw new Error(cosigned);
    expect(cosigned.cosignatures.map((c) => c.timestamp)).toEqual([Date.parse('2026-12-03T12:00:00Z') / 1000]);
    expect(published.startsWith(testLog(ORIGIN, 5).checkpoint())).toBe(true);
  });

  it('cosigns the grown log (5 → 300: two tile levels, partial tiles), proving consistency from the tiles', async () => {
    site.publish(testLog(ORIGIN, 300).files());
    site.hits.length = 0;
    const r = await check(['--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual([expect.objectContaining({ status: 'cosigned', size: 300, previousSize: 5 })]);
    expect(site.hits.filter((h) => h.includes('/tile/')).length).toBeGreaterThan(0);
    expect(site.hits.some((h) => h.includes('/tile/entries/'))).toBe(false);
  });

  it('refuses a fork of a larger size (exit 1, LOG_FORK), the record unchanged', async () => {
    const before = await record();
    site.publish(testLog(ORIGIN, 310, { rewrite: { at: 7, text: 'rewritten\n' } }).files());
    const r = await check();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error LOG_FORK: /m);
    expect(await record()).toBe(before);
  });

  it('refuses a different checkpoint of the same size (LOG_FORK), a rollback (LOG_ROLLBACK), the record unchanged', async () => {
    const before = await record();
    site.publish(testLog(ORIGIN, 300, { rewrite: { at: 299, text: 'rewritten\n' } }).files());
    const fork = await check();
    expect([fork.code, fork.err]).toEqual([1, expect.stringMatching(/^error LOG_FORK: /m)]);
    site.publish(testLog(ORIGIN, 200).files());
    const rollback = await check();
    expect([rollback.code, rollback.err]).toEqual([1, expect.stringMatching(/^error LOG_ROLLBACK: /m)]);
    expect(await record()).toBe(before);
  });

  it('refuses tiles that do not match the signed root (LOG_TILES_INVALID), not calling it a fork', async () => {
    const files = testLog(ORIGIN, 320).files();
    files.set('tile/0/001.p/64', Buffer.alloc(64 * 32));
    site.publish(files);
    const r = await check();
    expect([r.code, r.err]).toEqual([1, expect.stringMatching(/^error LOG_TILES_INVALID: /m)]);
  });

  it('an unreachable site is exit 69 (LOG_UNREACHABLE); a missing key is a typed error', async () => {
    const r = await candor(['witness', 'check', `http://127.0.0.1:${await freePort()}/`, '--state', state, '--out', out, '--timeout', '2'], {
      env: { CANDOR_WITNESS_KEY: keys['w1']! },
    });
    expect([r.code, r.err]).toEqual([69, expect.stringMatching(/^error LOG_UNREACHABLE: /m)]);
    const nokey = await candor(['witness', 'check', site.url, '--state', state]);
    expect([nokey.code, nokey.err]).toEqual([65, expect.stringMatching(/^error WITNESS_KEY_MISSING: /m)]);
  });

  it('cosigns again once the site serves the honest log, grown', async () => {
    site.publish(testLog(ORIGIN, 330).files());
    const r = await check();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('cosigned size 330 (was 300)');
  });
});
