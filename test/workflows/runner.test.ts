/**
 * The local workflow runner (test/runner/) on small workflows of its own: that it runs
 * steps as GitHub does (outputs, env, needs, if, concurrency, permissions, forks) and that
 * it fails loudly on what it cannot run (an unknown action or commit, an unknown input, a
 * secret the test did not give, a workflow key it does not model).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalGitHub, type LocalGitHub } from '../runner/runner.ts';
import { git } from '../runner/git.ts';

const exec = promisify(execFile);
const AT = new Date('2027-03-01T10:00:00Z');
const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0';
let gh: LocalGitHub | undefined;
let dir: string | undefined;

afterEach(async () => {
  await gh?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  gh = undefined;
  dir = undefined;
});

async function repoWith(workflows: Record<string, string>, secrets: Record<string, string> = { DEPLOY_KEY: 'k3y-s3cret-value' }): Promise<LocalGitHub> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'candor-runner-test-'));
  await git(['init', '--quiet', dir]);
  await mkdir(path.join(dir, '.github', 'workflows'), { recursive: true });
  await writeFile(path.join(dir, 'README.md'), 'a tiny repository\n');
  for (const [name, text] of Object.entries(workflows)) await writeFile(path.join(dir, '.github', 'workflows', name), text);
  gh = await startLocalGitHub({ repository: 'acme/tiny', secrets });
  await gh.seed(dir, { at: AT });
  return gh;
}

const dispatch = (file: string) => gh!.trigger({ event: 'workflow_dispatch', workflow: file, at: AT });

describe('steps as GitHub runs them', () => {
  it('passes outputs, env and paths between steps and jobs, and honours if: after a failure', async () => {
    await repoWith({
      'w.yml': `name: w
on: workflow_dispatch
permissions: {}
env:
  LEVEL: workflow
jobs:
  first:
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    outputs:
      word: \${{ steps.say.outputs.word }}
    steps:
      - id: say
        run: |
          echo "word=hello" >> "$GITHUB_OUTPUT"
          echo "FROM_ENV=carried" >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool-ran\\n' > "$RUNNER_TEMP/bin/mytool" && chmod +x "$RUNNER_TEMP/bin/mytool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
      - run: test "$FROM_ENV" = carried && mytool && test "$LEVEL" = step && test "$NOW_SET" = yes
        env:
          LEVEL: step
          NOW_SET: \${{ github.event_name == 'workflow_dispatch' && 'yes' || 'no' }}
      - run: echo never
        if: \${{ false }}
  second:
    needs: first
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    steps:
      - run: test "$WORD" = hello
        env:
          WORD: \${{ needs.first.outputs.word }}
      - run: false | true
      - run: echo "after a failure, not run"
      - if: always()
        run: echo "always ran"
      - if: failure()
        run: echo "failure ran"
  third:
    needs: second
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    steps:
      - run: echo "third ran"
`,
    });
    const [run] = await dispatch('w.yml');
    expect(run!.jobs.get('first')!.result, run!.log()).toBe('success');
    expect(run!.jobs.get('first')!.steps.map((s) => s.outcome)).toEqual(['success', 'success', 'skipped']);
    // pipefail: `false | true` fails the step, as with GitHub's bash -eo pipefail.
    const second = run!.jobs.get('second')!;
    expect(second.steps.map((s) => s.outcome)).toEqual(['success', 'failure', 'skipped', 'success', 'success']);
    expect(second.log.join('\n')).toContain('Process completed with exit code 1.');
    expect(second.log.join('\n')).toContain('failure ran');
    expect(run!.jobs.get('third')!.result).toBe('skipped');
    expect(run!.conclusion).toBe('failure');
  });

  it('kills a job that exceeds timeout-minutes', async () => {
    await repoWith({
      'slow.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  slow:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 0.02\n    steps:\n      - run: sleep 60\n      - run: echo not reached\n`,
    });
    const [run] = await dispatch('slow.yml');
    expect(run!.conclusion).toBe('failure');
    expect(run!.log()).toContain('exceeded its timeout-minutes');
    expect(run!.jobs.get('slow')!.steps.map((s) => s.outcome)).toEqual(['failure']);
  });

  it('runs one run per concurrency group at a time and keeps only the newest pending one', async () => {
    await repoWith({
      'c.yml': `on: workflow_dispatch\npermissions: {}\nconcurrency:\n  group: one\n  cancel-in-progress: false\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - run: echo "start $GITHUB_RUN_ID" && sleep 1 && echo "end $GITHUB_RUN_ID"\n`,
    });
    // In the order GitHub received them (run ids grow).
    const runs = (await Promise.all([dispatch('c.yml'), dispatch('c.yml'), dispatch('c.yml')])).flat().sort((a, b) => a.id - b.id);
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'cancelled', 'success']);
    expect(runs[1]!.jobs.size).toBe(0);
    const [first, , third] = runs.map((r) => r.log());
    expect(first).toContain('end');
    expect(third).toContain('start');
  });
});

describe('fails loudly on what it cannot run', () => {
  it('an unknown action', async () => {
    await repoWith({
      'u.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - uses: someone/fancy-action@0123456789012345678901234567890123456789\n`,
    });
    await expect(dispatch('u.yml')).rejects.toThrow(/no stand-in for this action/);
  });

  it('an unknown commit of a known action', async () => {
    await repoWith({
      'u.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n`,
    });
    await expect(dispatch('u.yml')).rejects.toThrow(
      /no stand-in for this commit of actions\/checkout \(it knows 08c6903cd8c0fde910a37f88322edcfb5dd907a8 = v5\.0\.0\)/,
    );
  });

  it('an input the action does not have, or one whose effect the stand-in does not model', async () => {
    await repoWith({
      'a.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - uses: ${CHECKOUT}\n        with:\n          fetch-depht: 0\n`,
      'b.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - uses: ${CHECKOUT}\n        with:\n          lfs: true\n`,
    });
    await expect(dispatch('a.yml')).rejects.toThrow(/has no input fetch-depht/);
    await expect(dispatch('b.yml')).rejects.toThrow(/does not model lfs: true/);
  });

  it('a secret the test did not give', async () => {
    await repoWith({
      's.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - run: test -n "$X"\n        env:\n          X: \${{ secrets.NOT_CONFIGURED }}\n`,
    });
    await expect(dispatch('s.yml')).rejects.toThrow(/reads secrets\.NOT_CONFIGURED, which this local GitHub was not given/);
  });

  it('a workflow key or event it does not model', async () => {
    await repoWith({
      'm.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    strategy:\n      matrix:\n        n: [1, 2]\n    steps:\n      - run: echo\n`,
    });
    await expect(dispatch('m.yml')).rejects.toThrow(/does not model the job key strategy/);
  });

  it('a step it refuses says so and why, and the run is not a success', async () => {
    await repoWith({
      'ci.yml': `on: workflow_dispatch\npermissions:\n  contents: read\njobs:\n  check:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - run: bash .ci/run\n`,
    });
    const [run] = await dispatch('ci.yml');
    expect(run!.conclusion).toBe('refused');
    expect(run!.log()).toMatch(/REFUSED by the local runner: `bash \.ci\/run` runs the whole test suite/);
  });
});

describe("tokens carry exactly the job's permissions", () => {
  const PUSH = `      - uses: ${CHECKOUT}\n        with:\n          persist-credentials: true\n      - run: |\n          git -c user.name=bot -c user.email=bot@example.org commit --allow-empty -qm "from a job"\n          git push origin HEAD:refs/heads/main\n`;

  it('contents: write may push; contents: read may not; the checkout keeps the header only with persist-credentials', async () => {
    await repoWith({
      'w.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    permissions:\n      contents: write\n    steps:\n${PUSH}`,
      'r.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    permissions:\n      contents: read\n    steps:\n${PUSH}`,
    });
    const before = await gh!.head();
    const [ok] = await dispatch('w.yml');
    expect(ok!.conclusion, ok!.log()).toBe('success');
    expect(ok!.jobs.get('j')!.persistedCredentials).toBe(true);
    expect(await gh!.head()).not.toBe(before);
    expect(gh!.git.pushes.at(-1)!.pusher).toMatchObject({ kind: 'workflow', login: 'github-actions[bot]' });
    const [refused] = await dispatch('r.yml');
    expect(refused!.conclusion).toBe('failure');
    expect(gh!.git.refused.at(-1)).toMatchObject({ status: 403, reason: expect.stringMatching(/no contents: write/) });
  });

  it('the API refuses a write the token may not do', async () => {
    const api = `      - run: |\n          code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: token $T" -H 'content-type: application/json' -d '{"title":"x"}' "$GITHUB_API_URL/repos/acme/tiny/issues")\n          echo "status $code"\n          test "$code" = 201\n        env:\n          T: \${{ github.token }}\n`;
    await repoWith({
      'i.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    permissions:\n      issues: write\n    steps:\n${api}`,
      'n.yml': `on: workflow_dispatch\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    permissions:\n      contents: read\n    steps:\n${api}`,
    });
    const [ok] = await dispatch('i.yml');
    expect(ok!.conclusion, ok!.log()).toBe('success');
    const [refused] = await dispatch('n.yml');
    expect(refused!.log()).toContain('status 403');
    expect(gh!.api.refusals.at(-1)).toMatchObject({ method: 'POST', needs: ['issues'] });
  });

  it('a pull request from a fork gets no secret and a read-only token', async () => {
    await repoWith({
      'pr.yml': `on: pull_request\npermissions:\n  contents: write\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - run: echo "secret=[$S]"\n        env:\n          S: \${{ secrets.DEPLOY_KEY }}\n${PUSH}`,
    });
    const fork = await gh!.createFork('mallory');
    const work = await mkdtemp(path.join(os.tmpdir(), 'candor-fork-'));
    try {
      await git(['clone', '--quiet', gh!.git.cloneUrl(fork), work]);
      await writeFile(path.join(work, 'README.md'), 'changed\n');
      await git(['-C', work, '-c', 'user.name=m', '-c', 'user.email=m@example.org', 'commit', '-qam', 'change']);
      const token = gh!.userToken('mallory', fork);
      await exec('git', [
        '-C',
        work,
        '-c',
        `http.${gh!.git.url}/.extraheader=AUTHORIZATION: basic ${Buffer.from(`m:${token}`).toString('base64')}`,
        'push',
        '-q',
        'origin',
        'HEAD:refs/heads/feature',
      ]);
      const { runs } = await gh!.openPullRequest({
        title: 'a change',
        user: { login: 'mallory', id: 9, type: 'User' },
        headRepository: fork,
        headRef: 'feature',
        at: AT,
      });
      const job = runs[0]!.jobs.get('j')!;
      expect(job.secrets).toEqual([]);
      expect(job.permissions).toEqual({ contents: 'read' });
      expect(job.log.join('\n')).toContain('secret=[]');
      expect(runs[0]!.conclusion).toBe('failure');
      expect(gh!.git.refused.at(-1)!.status).toBe(403);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
