/**
 * scripts/watchdog.ts: what it gathers from a repository, and the issue it keeps, on the
 * local GitHub that checks every request against GitHub's OpenAPI description. That
 * server does not simulate the workflow-runs list, so the last publish time is given.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchdogProblems } from '../../src/core/watchdog.ts';
import { createGitHub } from '../../src/io/github.ts';
import { projectAt } from '../../src/io/project.ts';
import { WATCHDOG_MARKER, syncWatchdogIssue } from '../../src/io/watchdog-issue.ts';
import { BOT, startGitHubServer } from '../helpers/github-server.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { describeProblems, gatherInput } from '../../scripts/watchdog.ts';

const exec = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/watchdog.ts');
const NOW = new Date('2026-11-23T12:00:00Z');
let p: TestProject;

beforeEach(async () => {
  p = await makeProject();
});
afterEach(async () => {
  await p.cleanup();
});

describe('gatherInput', () => {
  it('reads every named key, the archive and the cadence of the repository', async () => {
    const input = await gatherInput(projectAt(p.root), NOW, new Date('2026-11-20T04:30:00Z'));
    expect(input.attestation).toBeNull();
    expect(input.heartbeat).toBeNull();
    expect(input.keys.map((k) => k.fingerprint).sort()).toEqual([...p.signers, p.ci].map((k) => k.ref.fingerprint).sort());
    expect(input.warnDays).toBe(14);
    // intervalHours 24 + half of graceHours 24: a late schedule is no alarm, a missed day is.
    expect(input.publishIntervalHours).toBe(36);
    expect(
      watchdogProblems(input)
        .map((x) => x.code)
        .sort(),
    ).toEqual(['ATTESTATION_MISSING', 'HEARTBEAT_MISSING', 'PUBLISH_OVERDUE']);
    expect(watchdogProblems({ ...input, lastPublishSuccess: new Date('2026-11-23T04:30:00Z') }).map((x) => x.code)).not.toContain('PUBLISH_OVERDUE');
  });

  it('--dry-run prints the problems without a token', async () => {
    const { stdout } = await exec(process.execPath, [SCRIPT, '--dry-run', '--root', p.root, '--now', NOW.toISOString()], {
      env: { PATH: process.env['PATH'] },
    });
    expect(stdout).toMatch(/^Watchdog: 2 problem\(s\):\n {2}ATTESTATION_MISSING: .*\n {2}HEARTBEAT_MISSING: /);
  });

  it('fails loudly without a token', async () => {
    const result = await exec(process.execPath, [SCRIPT, '--root', p.root], { env: { PATH: process.env['PATH'], GITHUB_REPOSITORY: 'lumen/site' } }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(result?.code).toBe(1);
    expect(result?.stderr).toMatch(/watchdog: .*token/i);
  });
});

describe('the watchdog issue', () => {
  it('opens one issue with the problems, and closes it when they are gone', async () => {
    const gh = await startGitHubServer({ repository: 'lumen/site', viewer: 'integration' });
    try {
      const github = createGitHub({
        token: gh.token,
        baseUrl: gh.url,
        repository: gh.repository,
        login: BOT.login,
        retry: { baseDelayMs: 5 },
        log: () => undefined,
      });
      const problems = watchdogProblems(await gatherInput(projectAt(p.root), NOW, undefined));
      expect(describeProblems(problems)).toContain('ATTESTATION_MISSING');
      expect((await syncWatchdogIssue({ github, problems })).action).toBe('opened');
      expect((await syncWatchdogIssue({ github, problems })).action).toBe('unchanged');
      const issue = gh.issues.find((i) => (i.body ?? '').startsWith(WATCHDOG_MARKER))!;
      expect(issue.body).toContain('ATTESTATION_MISSING');
      expect((await syncWatchdogIssue({ github, problems: [] })).action).toBe('closed');
      expect(gh.issues.find((i) => i.id === issue.id)!.state).toBe('closed');
      gh.assertValid();
    } finally {
      await gh.close();
    }
  });
});
