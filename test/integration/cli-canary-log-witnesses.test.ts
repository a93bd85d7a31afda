/**
 * The log's side of witnessing, through the shipped CLI: `candor canary log append` signs the
 * new checkpoint and asks nobody; once it is published, `candor canary log cosign` asks the
 * witnesses that canary.yml's `log.witnesses` policy names (C2SP tlog-witness) and writes it
 * with their cosignatures. Two witnesses: w1, `candor witness
 * serve` as shipped; w2 offline. The quorum is 1 of 2, so the built site verifies with no
 * LOG_QUORUM_NOT_MET (a quorum not met is test/security/canary-log.test.ts's).
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../scripts/build-site.ts';
import { COSIGNATURE_V1, formatSignerKey, formatVerifierKey, signerFromSeed } from '../../src/core/tlog/note.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { freePort, serveWitness, type ServedWitness } from '../helpers/witness-site.ts';

let p: TestProject;
let w1: ServedWitness;
let offline: string;
let vkey: string;
let logKey: string;
const w1Key = signerFromSeed('w1.witness.example', new Uint8Array(32).fill(51), COSIGNATURE_V1);
const w2Key = signerFromSeed('w2.witness.example', new Uint8Array(32).fill(52), COSIGNATURE_V1);
const NOW = '2023-07-24T06:00:00Z';

const policy = (quorum: number) =>
  [
    `witness w1 ${formatVerifierKey(w1Key)} ${w1.url}`,
    `witness w2 ${formatVerifierKey(w2Key)} ${offline}`,
    `group witnesses ${quorum} w1 w2`,
    'quorum witnesses',
    '',
  ].join('\n');
const checkpoint = () => readFile(path.join(p.root, 'content', 'canary', 'log', 'checkpoint'), 'utf8');

beforeAll(async () => {
  p = await makeProject();
  const made = await p.cli(['keys', 'log', '--out', path.join(p.secrets, 'log.key')]);
  expect(made.code, made.err).toBe(0);
  vkey = /key: (\S+)/.exec(made.out)![1]!;
  logKey = (await readFile(path.join(p.secrets, 'log.key'), 'utf8')).trim();
  const state = path.join(p.secrets, 'w1');
  await mkdir(state, { recursive: true });
  await writeFile(path.join(state, 'witness.yml'), `logs:\n  - origin: test-mail.example/canary/log\n    key: "${vkey}"\n`);
  w1 = await serveWitness(state, formatSignerKey(w1Key));
  offline = `http://127.0.0.1:${await freePort()}`;
}, 120_000);
afterAll(async () => {
  await w1?.stop();
  await p.cleanup();
});

async function attestAndAppend(quorum: number): Promise<{ code: number; out: string; err: string }> {
  await p.writeConfig((c) => {
    (c['freshness'] as Record<string, unknown>)['required'] = false;
    c['log'] = { key: vkey, witnesses: policy(quorum) };
  });
  for (const args of [
    ['canary', 'attest', 'prepare'],
    ...p.signers.slice(0, 2).map((s) => ['canary', 'attest', 'sign', '--key', p.keyFile(s)]),
    ['canary', 'attest', 'publish'],
  ]) {
    const r = await p.cli(args, { now: NOW });
    expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
  }
  const hb = await p.cli(['canary', 'heartbeat', '--no-freshness', '--key', p.keyFile(p.ci)], { now: NOW });
  expect(hb.code, hb.err).toBe(0);
  return p.cli(['canary', 'log', 'append'], { now: NOW, env: { CANDOR_LOG_KEY: logKey } });
}

describe('candor canary log cosign asks the witnesses of log.witnesses, once the checkpoint is published', () => {
  it('append asks nobody; cosign: w1 cosigns, w2 is reported offline; the checkpoint carries the log signature and w1 cosignature', async () => {
    const appended = await attestAndAppend(1);
    expect(appended.code, appended.err).toBe(0);
    expect(appended.out).toMatch(/^Appended attestation-000001\.txt, heartbeat-000001\.txt to test-mail\.example\/canary\/log: 2 entries\.$/m);
    expect(appended.out).not.toMatch(/^Witness /m);
    expect(appended.out).toContain('candor canary log cosign');
    expect(w1.log()).not.toMatch(/add-checkpoint/);
    const r = await p.cli(['canary', 'log', 'cosign', '--from', '0'], { now: NOW });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Witness w1 \(http:\/\/127\.0\.0\.1:\d+\/add-checkpoint\): cosigned$/m);
    expect(r.out).toMatch(/^Witness w2 \(http:\/\/127\.0\.0\.1:\d+\/add-checkpoint\): offline — /m);
    const lines = (await checkpoint()).split('\n\n')[1]!.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['test-mail.example/canary/log', 'w1.witness.example']);
    expect(w1.log()).toMatch(/add-checkpoint/);
    // The log still verifies against its key with the cosignature line on it.
    const shown = await p.cli(['canary', 'log', 'show']);
    expect(shown.code, shown.err).toBe(0);
  });

  it('asked again (a run killed after its push): only the missing witness is asked; w1 keeps its one line; a lost checkpoint was never shown', async () => {
    const before = await checkpoint();
    const requests = () => (w1.log().match(/add-checkpoint/g) ?? []).length;
    const asked = requests();
    const again = await p.cli(['canary', 'log', 'cosign'], { now: NOW });
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/^Witness w2 \(http:\/\/127\.0\.0\.1:\d+\/add-checkpoint\): offline — /m);
    expect(again.out).not.toMatch(/^Witness w1 /m);
    expect(requests()).toBe(asked);
    expect(await checkpoint()).toBe(before);
    const bad = await p.cli(['canary', 'log', 'cosign', '--from', '9'], { now: NOW });
    expect(bad.code).toBe(64);
    expect(bad.err).toContain('--from');
  });

  it('the built site verifies: alive, the quorum met (1 of 2) by the cosignature on the checkpoint', async () => {
    const site = path.join(p.secrets, 'site');
    const verify = () =>
      p.cli(
        [
          'verify',
          path.join(site, 'canary.txt'),
          '--keyring',
          path.join(p.root, 'keys'),
          '--keys',
          p.signers.map((s) => s.ref.fingerprint).join(','),
          '--json',
        ],
        {
          now: '2023-07-24T07:00:00Z',
        },
      );
    process.env['CANDOR_NOW'] = '2023-07-24T06:30:00Z';
    try {
      await buildSite({ root: p.root, out: site });
    } finally {
      delete process.env['CANDOR_NOW'];
    }
    const met = await verify();
    const codes = (r: { out: string }) => (JSON.parse(r.out) as { reasons: { code: string }[] }).reasons.map((x) => x.code);
    expect(met.code, met.out).toBe(0);
    expect(codes(met)).not.toContain('LOG_QUORUM_NOT_MET');
    expect(codes(met)).not.toContain('LOG_PROOF_BAD');
  }, 180_000);
});

describe('candor publish heartbeat asks the witnesses only after its push', () => {
  const exec = promisify(execFile);
  const git = async (cwd: string, ...args: string[]) =>
    (await exec('git', ['-C', cwd, '-c', 'user.email=t@example.org', '-c', 'user.name=T', ...args])).stdout.trim();
  let origin: string;
  const DAY2 = '2023-07-25T06:10:00Z';
  const publish = (now: string) =>
    p.cli(['publish', 'heartbeat'], { now, env: { CANDOR_SIGNING_KEY: p.ci.privateArmored, CANDOR_LOG_KEY: logKey, CANDOR_NOW: now } });

  beforeAll(async () => {
    origin = path.join(p.secrets, 'origin.git');
    await exec('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    await exec('git', ['init', '-q', '-b', 'main', p.root]);
    await git(p.root, 'add', '.');
    await git(p.root, 'commit', '-q', '-m', 'operator');
    await git(p.root, 'remote', 'add', 'origin', origin);
    await git(p.root, 'push', '-q', 'origin', 'main');
  }, 60_000);

  it('pushes the heartbeat and the log, then the cosignatures in a second commit', async () => {
    const requests = (w1.log().match(/add-checkpoint/g) ?? []).length;
    const r = await publish(DAY2);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Appended heartbeat-000002.txt');
    const pushed = r.out.indexOf('Pushed ');
    const asked = r.out.search(/^Witness w1 \(.*\): cosigned$/m);
    expect(pushed).toBeGreaterThanOrEqual(0);
    // The witnesses are asked after the heartbeat's push, never before it.
    expect(asked).toBeGreaterThan(pushed);
    expect(r.out).toMatch(/^Witness w2 \(.*\): offline — /m);
    expect(r.out).toMatch(/^Pushed [0-9a-f]{40} \(witness cosignatures\)$/m);
    expect((w1.log().match(/add-checkpoint/g) ?? []).length).toBe(requests + 1);
    expect((await git(origin, 'log', '-2', '--format=%s', 'main')).split('\n')).toEqual([
      'Canary log: witness cosignatures',
      'Heartbeat: heartbeat-000002.txt',
    ]);
    const pushedCheckpoint = await git(origin, 'show', 'main:content/canary/log/checkpoint');
    expect(
      pushedCheckpoint
        .split('\n')
        .filter((l) => l.startsWith('— '))
        .map((l) => l.split(' ')[1]),
    ).toEqual(['test-mail.example/canary/log', 'w1.witness.example']);
  });

  it('a quiet run asks again only the witness whose cosignature is missing, and commits nothing new', async () => {
    const head = await git(origin, 'rev-parse', 'main');
    const requests = (w1.log().match(/add-checkpoint/g) ?? []).length;
    const r = await publish('2023-07-25T09:00:00Z');
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain('Appended');
    expect(r.out).toMatch(/^Witness w2 \(.*\): offline — /m);
    expect(r.out).not.toMatch(/^Witness w1 /m);
    expect((w1.log().match(/add-checkpoint/g) ?? []).length).toBe(requests);
    expect(await git(origin, 'rev-parse', 'main')).toBe(head);
  });
});
