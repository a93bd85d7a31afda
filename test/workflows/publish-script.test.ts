/**
 * scripts/publish.ts against real git repositories: a bare "origin" and clones of it,
 * and the real candor CLI of this checkout.
 */
import path from 'node:path';
import os from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARCHIVE, BOT, LEDGER, commitAndPush, gitAuthEnv, heartbeatStep, runCandor, without, type Env } from '../../scripts/publish.ts';

const exec = promisify(execFile);
let tmp: string;
let origin: string;
let work: string;

const git = async (cwd: string, ...args: string[]): Promise<string> =>
  (await exec('git', ['-C', cwd, '-c', 'user.email=t@example.org', '-c', 'user.name=T', ...args])).stdout.trim();

async function clone(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await exec('git', ['clone', '-q', origin, dir]);
  return dir;
}

async function put(dir: string, file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), text);
}

const quiet = (): void => undefined;
const ENV: Env = without(process.env, ['GITHUB_TOKEN', 'GITHUB_OUTPUT', 'CANDOR_SIGNING_KEY', 'CANDOR_PASSPHRASE']);

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'candor-publish-'));
  origin = path.join(tmp, 'origin.git');
  await exec('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  const seed = path.join(tmp, 'seed');
  await exec('git', ['init', '-q', '-b', 'main', seed]);
  await put(seed, `${ARCHIVE}/heartbeat-000001.txt`, 'one\n');
  await put(seed, 'content/service.yml', 'name: Test\n');
  await git(seed, 'add', '.');
  await git(seed, 'commit', '-q', '-m', 'seed');
  await git(seed, 'push', '-q', origin, 'main');
  work = await clone('work');
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('commitAndPush', () => {
  it('commits only the given paths, as the bot, and pushes them', async () => {
    await put(work, `${ARCHIVE}/heartbeat-000002.txt`, 'two\n');
    await put(work, 'content/service.yml', 'name: Changed\n');
    const result = await commitAndPush({ root: work, paths: [ARCHIVE], message: 'Heartbeat: heartbeat-000002.txt', env: ENV });
    expect(result.committed).toBe(true);
    expect(await git(origin, 'rev-parse', 'main')).toBe(result.sha);
    expect(await git(origin, 'log', '-1', '--format=%an <%ae>|%s', 'main')).toBe(`${BOT.name} <${BOT.email}>|Heartbeat: heartbeat-000002.txt`);
    expect(await git(origin, 'show', '--name-only', '--format=', 'main')).toBe(`${ARCHIVE}/heartbeat-000002.txt`);
    expect(await git(work, 'status', '--porcelain')).toBe('M content/service.yml');
  });

  it('commits nothing when nothing changed, or when the path does not exist yet', async () => {
    const head = await git(work, 'rev-parse', 'HEAD');
    expect(await commitAndPush({ root: work, paths: [ARCHIVE], message: 'x', env: ENV })).toEqual({ committed: false, sha: head });
    expect(await commitAndPush({ root: work, paths: [LEDGER], message: 'x', env: ENV })).toEqual({ committed: false, sha: head });
  });

  it('rebases onto a branch that moved during the run (a merge) and pushes', async () => {
    const other = await clone('other');
    await put(other, 'content/policies/privacy/2.0.md', 'merged meanwhile\n');
    await git(other, 'add', '.');
    await git(other, 'commit', '-q', '-m', 'merge');
    await git(other, 'push', '-q', 'origin', 'main');

    await put(work, `${ARCHIVE}/heartbeat-000002.txt`, 'two\n');
    const result = await commitAndPush({ root: work, paths: [ARCHIVE], message: 'Heartbeat', env: ENV });
    expect(await git(origin, 'rev-parse', 'main')).toBe(result.sha);
    expect((await git(origin, 'log', '--format=%s', 'main')).split('\n')).toEqual(['Heartbeat', 'merge', 'seed']);
  });

  it('pushes nothing when the commit does not rebase cleanly', async () => {
    const other = await clone('other');
    await put(other, LEDGER, '{"theirs":true}\n');
    await git(other, 'add', '.');
    await git(other, 'commit', '-q', '-m', 'theirs');
    await git(other, 'push', '-q', 'origin', 'main');
    const before = await git(origin, 'rev-parse', 'main');

    await put(work, LEDGER, '{"ours":true}\n');
    await expect(commitAndPush({ root: work, paths: [LEDGER], message: 'Notification ledger', env: ENV })).rejects.toThrow(
      /moved and the commit does not rebase onto it/,
    );
    expect(await git(origin, 'rev-parse', 'main')).toBe(before);
    expect(await git(work, 'status', '--porcelain')).toBe('');
  });

  it('works from a detached checkout of a commit, as actions/checkout with ref: leaves it', async () => {
    await git(work, 'checkout', '-q', '--detach', 'HEAD');
    await put(work, LEDGER, '{}\n');
    const result = await commitAndPush({ root: work, paths: [LEDGER], message: 'Notification ledger', env: ENV });
    expect(await git(origin, 'rev-parse', 'main')).toBe(result.sha);
  });
});

describe('secrets and the token', () => {
  it('gives git the token as a one-process header, and never the signing key', () => {
    const env = gitAuthEnv({ PATH: '/bin', GITHUB_TOKEN: 'ghs_abc', CANDOR_SIGNING_KEY: 'KEY', CANDOR_PASSPHRASE: 'pw' });
    expect(env).toEqual({
      PATH: '/bin',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_abc').toString('base64')}`,
    });
    expect(gitAuthEnv({ PATH: '/bin', GITHUB_SERVER_URL: 'https://ghe.example/', GITHUB_TOKEN: 't' })['GIT_CONFIG_KEY_0']).toBe(
      'http.https://ghe.example/.extraheader',
    );
    expect(gitAuthEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin' });
  });
});

// heartbeatStep and notifyStep run as written, with the real CLI, in the workflow tests
// (test/workflows/workflow-runs.test.ts) and every simulated day (test/sim/): a due and a
// not-due heartbeat, a push after a merge, the ledger committed when SMTP is down.
describe('heartbeatStep, with the real CLI', () => {
  it('fails and pushes nothing when candor cannot issue a heartbeat (no attestation here)', async () => {
    const before = await git(origin, 'rev-parse', 'main');
    await expect(heartbeatStep({ root: work, env: { ...ENV, CANDOR_ROOT: work }, log: quiet })).rejects.toThrow(
      /candor canary heartbeat failed \(exit 65\): nothing was committed/,
    );
    expect(await git(origin, 'rev-parse', 'main')).toBe(before);
  });

  it('runs the CLI of this checkout', async () => {
    expect(await runCandor(['--version'], ENV, { quiet: true })).toBe(0);
  });
});
