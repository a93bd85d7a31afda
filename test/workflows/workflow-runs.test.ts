/**
 * Every workflow in .github/workflows/, run end to end once through the local runner
 * (test/runner/) on this repository's own tree: publish on its schedule and on a push,
 * pr-check then pr-comment on a pull request, the watchdog on its schedule, and ci.yml,
 * whose one step the runner refuses, explicitly. Every Candor script and command runs for
 * real against the local git host, API, Pages, SMTP server, webhook receiver and explorers.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../runner/git.ts';
import type { Run } from '../runner/runner.ts';
import { PEOPLE, gpgAt, startService, type Service } from '../sim/service.ts';

const exec = promisify(execFile);
const DAY0 = new Date('2026-12-01T00:00:00Z');
const at = (hhmm: string): Date => new Date(`2026-12-01T${hhmm}:00Z`);
let s: Service;

beforeAll(async () => {
  // With a canary log: the publish job appends to it and commits it with the heartbeat (decision 0031).
  s = await startService({ start: DAY0, canaryLog: true });
}, 120_000);
afterAll(async () => {
  await s?.close();
});

function expectSuccess(run: Run | undefined): asserts run is Run {
  expect(run, 'no run was triggered').toBeDefined();
  expect(run!.conclusion, run!.log().slice(-6000)).toBe('success');
}

async function schedule(cron: string, when: Date): Promise<Run[]> {
  s.now = when;
  return s.gh.trigger({ event: 'schedule', cron, at: when });
}

describe('the workflows, end to end through the local runner', () => {
  it('the schedules GitHub would run: publish daily at 04:23, the watchdog at 11:41 and 23:41', async () => {
    const times = await s.gh.schedules(DAY0, new Date(DAY0.getTime() + 86_400_000 - 1));
    expect(times.map((t) => `${t.at.toISOString().slice(11, 16)} ${t.workflows.join(',')}`)).toEqual([
      '04:23 publish.yml',
      '11:41 watchdog.yml',
      '23:41 watchdog.yml',
    ]);
  });

  it('publish on its schedule: heartbeat pushed with the one-time token, site built, signed and deployed, notices sent once', async () => {
    const runs = await schedule('23 4 * * *', at('04:23'));
    expect(runs.map((r) => r.workflow.file)).toEqual(['publish.yml']);
    const run = runs[0];
    expectSuccess(run);
    expect([...run.jobs.values()].map((j) => `${j.name}:${j.result}`)).toEqual(['heartbeat:success', 'build:success', 'deploy:success', 'notify:success']);
    // Least privilege, as run: only heartbeat and notify could push, only deploy had pages and id-token.
    expect(run.jobs.get('heartbeat')!.permissions).toEqual({ contents: 'write', actions: 'read' });
    expect(run.jobs.get('heartbeat')!.log.join('\n')).toMatch(/Rebuilding the site: this run archived something new \(a heartbeat or a proof\)\./);
    expect(run.jobs.get('deploy')!.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect([...run.jobs.values()].filter((j) => j.persistedCredentials)).toEqual([]);
    // The heartbeat commit: by the bot, dated by the run's clock, pushed with the GIT_CONFIG_* header (no token in .git/config).
    const bare = s.gh.git.bare('lumen/privacy');
    const [heartbeatPush, ledgerPush] = s.gh.git.pushes.filter((p) => p.pusher.kind === 'workflow');
    expect(heartbeatPush!.pusher.login).toBe('github-actions[bot]');
    expect(await git(['-C', bare, 'show', '--no-patch', '--format=%an|%s|%cI', heartbeatPush!.after])).toMatch(
      /^github-actions\[bot\]\|Heartbeat: heartbeat-000001\.txt\|2026-12-01T04:2\d:\d\d\+00:00$/,
    );
    expect(await git(['-C', bare, 'show', '--no-patch', '--format=%s', ledgerPush!.after])).toBe('Notification ledger');
    // The canary log, in the heartbeat's commit: the attestation and the heartbeat, appended with CANDOR_LOG_KEY.
    expect((await git(['-C', bare, 'show', '--name-only', '--format=', heartbeatPush!.after])).split('\n')).toEqual(
      expect.arrayContaining(['content/canary/archive/heartbeat-000001.txt', 'content/canary/log/checkpoint', 'content/canary/log/tile/entries/000.p/2']),
    );
    // The Pages site: what a reader fetches verifies, with candor and with gpg.
    const state = path.join(s.dir, 'reader-state.json');
    // A reader who got the signers' fingerprints from another channel pins them the first time.
    const verdict = await s.read(state, at('12:00'), ['--keys', `${s.ada.fingerprint},${s.bruno.fingerprint}`]);
    expect(verdict.code, `${verdict.out}${verdict.err}`).toBe(0);
    expect(verdict.out).toMatch(/ALIVE/);
    expect(verdict.out).toMatch(/^Log lumen-mail\.example\/canary\/log: 2 entries/m);
    const site = s.gh.pagesDir();
    const gnupg = await mkdtemp(path.join(os.tmpdir(), 'candor-gpg-reader-'));
    try {
      await exec('gpg', [...gpgAt(gnupg, at('12:00')), '--import', path.join(site, 'keys', `${s.ci.fingerprint}.asc`)]);
      const { stdout } = await exec('gpg', [
        ...gpgAt(gnupg, at('12:00')),
        '--status-fd',
        '1',
        '--verify',
        path.join(site, 'manifest.json.asc'),
        path.join(site, 'manifest.json'),
      ]);
      expect(stdout).toContain(`[GNUPG:] VALIDSIG ${s.ci.fingerprint}`);
    } finally {
      await rm(gnupg, { recursive: true, force: true });
    }
    // Announced once per channel: the first attestation.
    expect(s.smtp.received).toHaveLength(1);
    expect(s.receiver.accepted()).toEqual(new Map([['attestation:1', 1]]));
    expect(s.gh.api.issues.filter((i) => !i.pull_request).map((i) => i.title)).toEqual([expect.stringMatching(/canary|attestation/i)]);
    s.gh.api.assertValid();
  }, 180_000);

  it('publish on a push to main by a person (ci.yml is refused by the runner, and says why)', async () => {
    const clone = await s.clone('octo-maintainer');
    const file = path.join(clone.dir, 'content', 'service.yml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('run by a cooperative of six people', 'run by a cooperative of seven people'));
    await clone.commit('Service: seven of us now', at('10:00'));
    await clone.push('main', at('10:00'));
    await s.gh.idle();
    const triggered = s.gh.runs.filter((r) => r.event === 'push');
    expect(triggered.map((r) => r.workflow.file).sort()).toEqual(['ci.yml', 'publish.yml']);
    const ci = triggered.find((r) => r.workflow.file === 'ci.yml')!;
    expect(ci.conclusion).toBe('refused');
    expect(ci.log()).toMatch(/REFUSED by the local runner: `bash \.ci\/run` runs the whole test suite/);
    const publish = triggered.find((r) => r.workflow.file === 'publish.yml');
    expectSuccess(publish);
    expect(publish.log()).toMatch(/is recent: not due yet/);
    expect(await readFile(path.join(s.gh.pagesDir(), 'documents', 'service.yml'), 'utf8')).toContain('seven people');
  }, 180_000);

  it('a scheduled publish run with nothing new keeps the deployed site: build, deploy and notify skip, and the log says why', async () => {
    const before = await readFile(path.join(s.gh.pagesDir(), 'canary.json'), 'utf8');
    const deploys = s.gh.runs.filter((r) => r.jobs.get('deploy')?.result === 'success').length;
    const runs = await schedule('23 4 * * *', at('16:23'));
    const run = runs[0];
    expectSuccess(run);
    expect([...run.jobs.values()].map((j) => `${j.name}:${j.result}`)).toEqual(['heartbeat:success', 'build:skipped', 'deploy:skipped', 'notify:skipped']);
    const log = run.jobs.get('heartbeat')!.log.join('\n');
    expect(log).toMatch(/is recent: not due yet/);
    expect(log).toMatch(/Not rebuilding: nothing on the site has changed or come due in the last 48 hours; the deployed site stays as it is\./);
    // It asked GitHub how the run before it ended (the push run above: success).
    expect(s.gh.api.requests.some((r) => r.operationId === 'actions/list-workflow-runs' && r.status === 200)).toBe(true);
    expect(s.gh.runs.filter((r) => r.jobs.get('deploy')?.result === 'success')).toHaveLength(deploys);
    expect(await readFile(path.join(s.gh.pagesDir(), 'canary.json'), 'utf8')).toBe(before);
    s.gh.api.assertValid();
  }, 180_000);

  it('pr-check on a pull request, then pr-comment posts the review on it', async () => {
    const clone = await s.clone('octo-maintainer');
    const dir = path.join(clone.dir, 'content', 'policies', 'cookies');
    const text = await readFile(path.join(dir, '1.1.md'), 'utf8');
    await writeFile(
      path.join(dir, '1.2.md'),
      text
        .replace('version: "1.1"', 'version: "1.2"')
        .replace(/effective: .*/, 'effective: 2026-12-01')
        .replace(/published: .*/, 'published: 2026-12-01')
        .replace(/summary: .*/, 'summary: "Wording: a clearer first paragraph."')
        .replace(/\n\n([^\n]+)/, '\n\nIn short: $1'),
    );
    await clone.commit('Cookies 1.2: wording', at('11:00'));
    await git(['-C', clone.dir, 'checkout', '--quiet', '-b', 'cookies-1.2']);
    await clone.push('cookies-1.2', at('11:00'));
    const { pr, runs } = await s.gh.openPullRequest({ title: 'Cookies 1.2: wording', user: PEOPLE['maintainer']!, headRef: 'cookies-1.2', at: at('11:05') });
    expect(runs.map((r) => r.workflow.file).sort()).toEqual(['ci.yml', 'pr-check.yml']);
    expect(runs.find((r) => r.workflow.file === 'ci.yml')!.conclusion).toBe('refused');
    expectSuccess(runs.find((r) => r.workflow.file === 'pr-check.yml'));
    await s.gh.idle();
    const comment = s.gh.runs.find((r) => r.workflow.file === 'pr-comment.yml');
    expectSuccess(comment);
    expect(comment.jobs.get('comment')!.permissions).toEqual({ actions: 'read', contents: 'read', 'pull-requests': 'write' });
    const posted = s.gh.api.comments.filter((c) => c.issue === pr.number);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.user.login).toBe('github-actions[bot]');
    expect(posted[0]!.body).toMatch(/## Candor review[\s\S]*1\.2[\s\S]*checks passed/);
    s.gh.api.assertValid();
  }, 180_000);

  it('the watchdog on its schedule: judges the repository and the publish runs, nothing to act on', async () => {
    const runs = await schedule('41 11,23 * * *', at('11:41'));
    expect(runs.map((r) => r.workflow.file)).toEqual(['watchdog.yml']);
    expectSuccess(runs[0]);
    expect(runs[0].log()).toContain('Watchdog: nothing to act on.');
    expect(s.gh.api.requests.some((r) => r.operationId === 'actions/list-workflow-runs' && r.status === 200)).toBe(true);
    s.gh.api.assertValid();
  }, 120_000);
});
