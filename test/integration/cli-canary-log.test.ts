/**
 * The canary log through the shipped CLI, in a throwaway operator repository with a real
 * git origin: `candor keys log`, the attestation naming the log, `candor publish heartbeat`
 * appending and committing the log with the heartbeat, idempotence and recovery after a
 * run killed half-way, the missing or wrong key, then `candor build` and `candor verify`
 * of the built files, with --state across two publish days.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, readdir, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../scripts/build-site.ts';
import { candor } from '../helpers/candor-bin.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

const exec = promisify(execFile);
const git = async (cwd: string, ...args: string[]) =>
  (await exec('git', ['-C', cwd, '-c', 'user.email=t@example.org', '-c', 'user.name=T', ...args])).stdout.trim();

let p: TestProject;
let origin: string;
let logKey: string;
let vkey: string;
const DAY1 = '2023-07-24T06:00:00Z';
const DAY2 = '2023-07-25T06:10:00Z';

const logDir = () => path.join(p.root, 'content', 'canary', 'log');
const checkpointSize = async () => Number((await readFile(path.join(logDir(), 'checkpoint'), 'utf8')).split('\n')[1]);
/** The step's children read the clock from the environment, as in the workflow (where it is the system's). */
const publishEnv = (now: string) => ({ CANDOR_SIGNING_KEY: p.ci.privateArmored, CANDOR_LOG_KEY: logKey, CANDOR_NOW: now });
const tileFiles = async () =>
  (await readdir(path.join(logDir(), 'tile'), { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => path.relative(logDir(), path.join(d.parentPath, d.name)))
    .sort();

beforeAll(async () => {
  p = await makeProject();
  const made = await p.cli(['keys', 'log', '--out', path.join(p.secrets, 'log.key')]);
  expect(made.code, made.err).toBe(0);
  vkey = /key: (\S+)/.exec(made.out)![1]!;
  logKey = (await readFile(path.join(p.secrets, 'log.key'), 'utf8')).trim();
  await p.writeConfig((c) => {
    (c['freshness'] as Record<string, unknown>)['required'] = false;
    c['log'] = { key: vkey };
  });
  await p.cli(['canary', 'attest', 'prepare']);
  for (const s of p.signers.slice(0, 2)) await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(s)]);
  expect((await p.cli(['canary', 'attest', 'publish'])).code).toBe(0);
  origin = path.join(p.secrets, 'origin.git');
  await exec('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  await exec('git', ['init', '-q', '-b', 'main', p.root]);
  await git(p.root, 'add', '.');
  await git(p.root, 'commit', '-q', '-m', 'operator');
  await git(p.root, 'remote', 'add', 'origin', origin);
  await git(p.root, 'push', '-q', 'origin', 'main');
}, 120_000);
afterAll(async () => {
  await p.cleanup();
});

describe('candor keys log', () => {
  it('makes a signer key for the origin of service.yml, mode 600, and prints its verifier key', async () => {
    expect(logKey).toMatch(/^PRIVATE\+KEY\+test-mail\.example\/canary\/log\+[0-9a-f]{8}\+/);
    expect(vkey).toMatch(/^test-mail\.example\/canary\/log\+[0-9a-f]{8}\+/);
    expect((await exec('stat', ['-c', '%a', path.join(p.secrets, 'log.key')])).stdout.trim()).toBe('600');
  });

  it('refuses to write the signer key into keys/ or content/', async () => {
    for (const out of [path.join(p.root, 'keys', 'log.key'), path.join(p.root, 'content', 'log.key')]) {
      const r = await p.cli(['keys', 'log', '--out', out]);
      expect(r.code).toBe(64);
      expect(r.err).toContain('error USAGE');
    }
  });
});

describe('the attestation names the log', () => {
  it('in its signed text and data', async () => {
    const text = await readFile(path.join(p.root, 'content/canary/archive/attestation-000001.txt'), 'utf8');
    expect(text).toContain('TRANSPARENCY LOG');
    expect(text).toContain(`  key:    ${vkey}`);
    expect(text).toContain('"log": {');
  });
});

describe('candor publish heartbeat', () => {
  it('fails and pushes nothing when the log key is missing (exit 1, the step names the reason)', async () => {
    const before = await git(origin, 'rev-parse', 'main');
    const r = await p.cli(['publish', 'heartbeat'], { now: DAY1, env: { CANDOR_SIGNING_KEY: p.ci.privateArmored, CANDOR_NOW: DAY1 } });
    expect(r.code).toBe(1);
    expect(r.err).toContain('LOG_KEY_MISSING');
    expect(r.err).toContain('candor canary log append failed (exit 77)');
    expect(await git(origin, 'rev-parse', 'main')).toBe(before);
    // As the runner's checkout would be: thrown away.
    await git(p.root, 'clean', '-fdq');
  });

  it('appends the attestation and the heartbeat and commits them with the heartbeat, in one commit', async () => {
    const r = await p.cli(['publish', 'heartbeat'], { now: DAY1, env: publishEnv(DAY1) });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Appended attestation-000001.txt, heartbeat-000001.txt');
    const files = (await git(origin, 'show', '--name-only', '--format=', 'main')).split('\n').sort();
    expect(files).toEqual([
      'content/canary/archive/heartbeat-000001.txt',
      'content/canary/log/checkpoint',
      'content/canary/log/tile/0/000.p/2',
      'content/canary/log/tile/entries/000.p/2',
    ]);
    expect(await checkpointSize()).toBe(2);
  });

  it('run again the same day: no heartbeat due, nothing appended, nothing committed', async () => {
    const before = await git(origin, 'rev-parse', 'main');
    const r = await p.cli(['publish', 'heartbeat'], { now: '2023-07-24T09:00:00Z', env: publishEnv('2023-07-24T09:00:00Z') });
    expect(r.code, r.err).toBe(0);
    // Nothing archived, so the log cannot lack anything: no append process is started.
    expect(r.out).toMatch(/not due yet/);
    expect(r.out).not.toMatch(/Appended|already holds/);
    expect(await checkpointSize()).toBe(2);
    expect(await git(origin, 'rev-parse', 'main')).toBe(before);
  });

  it('a run killed after signing the checkpoint and before the push: the next run commits it, with no gap and no duplicate', async () => {
    // Day 2, the first run: heartbeat signed and logged, then killed before the commit.
    expect((await p.cli(['canary', 'heartbeat', '--if-due'], { now: DAY2, env: { CANDOR_SIGNING_KEY: p.ci.privateArmored } })).code).toBe(0);
    expect((await p.cli(['canary', 'log', 'append'], { now: DAY2, env: { CANDOR_LOG_KEY: logKey } })).code).toBe(0);
    // As if killed in the middle of that append: the new tiles written, the checkpoint (written last) and what it names still the old ones.
    await git(p.root, 'checkout', '--', 'content/canary/log');
    expect(await tileFiles()).toEqual(['tile/0/000.p/2', 'tile/0/000.p/3', 'tile/entries/000.p/2', 'tile/entries/000.p/3']);
    expect(await checkpointSize()).toBe(2);
    const r = await p.cli(['publish', 'heartbeat'], { now: '2023-07-25T07:00:00Z', env: publishEnv('2023-07-25T07:00:00Z') });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Appended heartbeat-000002.txt');
    expect(await checkpointSize()).toBe(3);
    // The superseded entry bundle is gone; the narrower hash tile stays for older checkpoints.
    expect(await tileFiles()).toEqual(['tile/0/000.p/2', 'tile/0/000.p/3', 'tile/entries/000.p/3']);
    expect(await git(origin, 'show', '--name-status', '--no-renames', '--format=', 'main')).toContain('D\tcontent/canary/log/tile/entries/000.p/2');
    expect(await git(p.root, 'status', '--porcelain')).toBe('');
  });

  it('refuses a CANDOR_LOG_KEY that is not the key canary.yml names, without printing it (exit 65)', async () => {
    const other = path.join(p.secrets, 'other.key');
    await p.cli(['keys', 'log', '--out', other, '--origin', 'test-mail.example/canary/log']);
    const otherKey = (await readFile(other, 'utf8')).trim();
    const r = await p.cli(['canary', 'log', 'append'], { env: { CANDOR_LOG_KEY: otherKey } });
    expect(r.code).toBe(65);
    expect(r.err).toContain('LOG_KEY_MISMATCH');
    expect(r.err).not.toContain(otherKey.split('+').at(-1));
  });

  it('canary log append takes the key from another variable (--key-env) or a file (--key-file)', async () => {
    const fromEnv = await p.cli(['canary', 'log', 'append', '--key-env', 'MY_LOG_KEY'], { env: { MY_LOG_KEY: logKey } });
    expect(fromEnv.code, fromEnv.err).toBe(0);
    expect(fromEnv.out).toContain('already holds all 3');
    const fromFile = await p.cli(['canary', 'log', 'append', '--key-file', path.join(p.secrets, 'log.key')]);
    expect(fromFile.code, fromFile.err).toBe(0);
  });

  it('canary log show checks the committed log against canary.yml', async () => {
    const r = await p.cli(['canary', 'log', 'show', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ origin: 'test-mail.example/canary/log', key: vkey, size: 3 });
  });
});

describe('candor verify of the built site', () => {
  const site = () => path.join(p.secrets, 'site');
  // What `candor build` runs (a throwaway repository has no node_modules for Astro to resolve from), at the build's clock.
  const build = async (now: string) => {
    process.env['CANDOR_NOW'] = now;
    try {
      await buildSite({ root: p.root, out: site() });
    } finally {
      delete process.env['CANDOR_NOW'];
    }
  };
  const state = () => path.join(p.secrets, 'state.json');
  const verify = (now: string, extra: string[] = []) =>
    p.cli(
      [
        'verify',
        path.join(site(), 'canary.txt'),
        '--keyring',
        path.join(p.root, 'keys'),
        '--keys',
        p.signers.map((s) => s.ref.fingerprint).join(','),
        '--state',
        state(),
        '--json',
        ...extra,
      ],
      { now },
    );

  it('the build writes the proofs, the log and log.vkey; verify checks them: alive, and the state remembers the checkpoint', async () => {
    await git(p.root, 'reset', '-q', '--hard', 'HEAD~1');
    await rm(state(), { force: true });
    await build('2023-07-24T07:00:00Z');
    for (const f of ['canary.txt.tlog-proof', 'heartbeat.txt.tlog-proof', 'canary/log/checkpoint', 'canary/log/tile/0/000.p/2', 'keys/log.vkey'])
      expect((await readdir(path.dirname(path.join(site(), f)))).includes(path.basename(f)), f).toBe(true);
    expect((await readFile(path.join(site(), 'keys/log.vkey'), 'utf8')).trim()).toBe(vkey);
    const canaryJson = JSON.parse(await readFile(path.join(site(), 'canary.json'), 'utf8'));
    expect(canaryJson.log).toEqual({ origin: 'test-mail.example/canary/log', key: vkey, checkpoint: 'https://test-mail.example/canary/log/checkpoint' });
    const status = JSON.parse(await readFile(path.join(site(), 'canary/status.json'), 'utf8'));
    expect(status).toMatchObject({ state: 'current', nextHeartbeat: '2023-07-25T06:00:00Z', checkpoint: { size: 2 } });
    const r = await verify('2023-07-24T08:00:00Z');
    expect(r.code, r.out).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.log).toMatchObject({ origin: 'test-mail.example/canary/log', size: 2, forked: false });
    expect(json.reasons.map((x: { code: string }) => x.code)).toContain('LOG_UNCHECKED');
    expect(JSON.parse(await readFile(state(), 'utf8')).log.checkpoint).toContain('test-mail.example/canary/log\n2\n');
  }, 120_000);

  it('the next day: the log grew and is consistent with the remembered checkpoint (read from the tiles)', async () => {
    await git(p.root, 'pull', '-q', 'origin', 'main');
    await build('2023-07-25T07:10:00Z');
    const r = await verify('2023-07-25T08:00:00Z');
    expect(r.code, r.out).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.log.size).toBe(3);
    expect(json.reasons.map((x: { code: string }) => x.code)).not.toContain('LOG_UNCHECKED');
    expect(JSON.parse(await readFile(state(), 'utf8')).log.checkpoint).toContain('test-mail.example/canary/log\n3\n');
  }, 120_000);

  it('candor init --log-key-out: the log key in canary.yml, its signer key outside the repository; check passes', async () => {
    const dir = path.join(p.secrets, 'init');
    const keyOut = path.join(p.secrets, 'init-log.key');
    const args = ['init', path.join(dir, 'repo'), '--yes', '--name', 'Init Mail', '--url', 'https://init.example', '--parts', 'policies,canary'];
    const keys = [
      '--signer',
      path.join(p.root, 'keys', `${p.signers[0]!.ref.fingerprint}.asc`),
      '--ci-key',
      path.join(p.root, 'keys', `${p.ci.ref.fingerprint}.asc`),
    ];
    const inside = await candor([...args, ...keys, '--log-key-out', path.join(dir, 'repo', 'log.key')], { cwd: p.secrets });
    expect(inside.code).toBe(64);
    const r = await candor([...args, ...keys, '--log-key-out', keyOut], { cwd: p.secrets });
    expect(r.code, r.err).toBe(0);
    const signer = (await readFile(keyOut, 'utf8')).trim();
    expect(signer).toMatch(/^PRIVATE\+KEY\+init\.example\/canary\/log\+/);
    const config = await readFile(path.join(dir, 'repo', 'content', 'canary', 'canary.yml'), 'utf8');
    expect(config).toMatch(/^log:\n {2}key: init\.example\/canary\/log\+[0-9a-f]{8}\+\S+$/m);
    expect(config).not.toContain('PRIVATE');
    const checked = await candor(['--root', path.join(dir, 'repo'), 'check']);
    expect(checked.code, checked.out + checked.err).toBe(0);
  });

  it('a service without a log: nothing to append, no log folder', async () => {
    const plain = await makeProject();
    try {
      const r = await plain.cli(['canary', 'log', 'append']);
      expect(r.code).toBe(0);
      expect(r.out).toContain('No log in content/canary/canary.yml');
      await expect(readdir(path.join(plain.root, 'content/canary/log'))).rejects.toThrow();
    } finally {
      await plain.cleanup();
    }
  });
});
