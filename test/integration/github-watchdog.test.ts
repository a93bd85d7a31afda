/** The watchdog issue: opened, updated when the problems change, closed when resolved; one at a time. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WatchdogProblem } from '../../src/core/watchdog.ts';
import { createGitHub, type GitHub } from '../../src/io/github.ts';
import { syncWatchdogIssue, WATCHDOG_LABEL, WATCHDOG_MARKER, WATCHDOG_TITLE } from '../../src/io/watchdog-issue.ts';
import { BOT, startGitHubServer, type GitHubServer } from '../helpers/github-server.ts';

let gh: GitHubServer;

const client = (): GitHub => createGitHub({ token: gh.token, baseUrl: gh.url, repository: gh.repository, retry: { baseDelayMs: 5 }, log: () => undefined });
const watchdogIssues = () => gh.issues.filter((i) => i.labels.includes(WATCHDOG_LABEL));
const open = () => watchdogIssues().filter((i) => i.state === 'open');

const soon: WatchdogProblem = {
  code: 'ATTESTATION_EXPIRES_SOON',
  subject: 'attestation:12',
  message: 'Attestation 12 expires at 2027-02-01T00:00:00Z, in 9 days: sign the next one.',
};
const key: WatchdogProblem = { code: 'KEY_EXPIRES_SOON', subject: 'key:ABC', message: 'Key ABC (Ops <ops@privacy.example>) expires in 5 days.' };

beforeEach(async () => {
  gh = await startGitHubServer({ repository: 'acme/privacy' });
});

afterEach(async () => {
  await gh.close();
  gh.assertValid();
});

describe('syncWatchdogIssue', () => {
  it('opens, updates, leaves alone, closes with a comment, then does nothing', async () => {
    const opened = await syncWatchdogIssue({ github: client(), problems: [soon] });
    expect(opened.action).toBe('opened');
    expect(open()).toHaveLength(1);
    const issue = open()[0]!;
    expect(issue.title).toBe(WATCHDOG_TITLE);
    expect(issue.labels).toEqual([WATCHDOG_LABEL]);
    expect(issue.user.login).toBe(BOT.login);
    expect(issue.body!.startsWith(WATCHDOG_MARKER)).toBe(true);
    expect(issue.body).toContain('ATTESTATION_EXPIRES_SOON');
    expect(opened.issue).toEqual({ number: issue.number, url: `https://github.com/acme/privacy/issues/${issue.number}` });

    const updated = await syncWatchdogIssue({ github: client(), problems: [soon, key] });
    expect(updated).toMatchObject({ action: 'updated', issue: { number: issue.number } });
    expect(issue.body).toContain('KEY_EXPIRES_SOON');
    // The content's markup is escaped: an e-mail address in a user ID is not a link or HTML.
    expect(issue.body).toContain('\\<ops\\@privacy\\.example\\>');

    const unchanged = await syncWatchdogIssue({ github: client(), problems: [soon, key] });
    expect(unchanged.action).toBe('unchanged');
    expect(gh.requests.filter((r) => r.operationId === 'issues/update')).toHaveLength(1);

    const closed = await syncWatchdogIssue({ github: client(), problems: [] });
    expect(closed).toMatchObject({ action: 'closed', issue: { number: issue.number } });
    expect(issue.state).toBe('closed');
    expect(issue.state_reason).toBe('completed');
    expect(gh.comments.filter((c) => c.issue === issue.number)).toHaveLength(1);

    expect((await syncWatchdogIssue({ github: client(), problems: [] })).action).toBe('none');
    expect(watchdogIssues()).toHaveLength(1);
    expect(gh.requests.filter((r) => r.operationId === 'issues/create')).toHaveLength(1);
  });

  it('opens a new issue when problems come back after one was closed', async () => {
    await syncWatchdogIssue({ github: client(), problems: [soon] });
    await syncWatchdogIssue({ github: client(), problems: [] });
    const again = await syncWatchdogIssue({ github: client(), problems: [key] });
    expect(again.action).toBe('opened');
    expect(watchdogIssues()).toHaveLength(2);
    expect(open()).toHaveLength(1);
  });

  it('keeps exactly one open issue: copies from overlapping runs are closed as duplicates', async () => {
    const [a, b] = await Promise.all([syncWatchdogIssue({ github: client(), problems: [soon] }), syncWatchdogIssue({ github: client(), problems: [soon] })]);
    expect([a.action, b.action]).toEqual(['opened', 'opened']);
    expect(open()).toHaveLength(1);
    expect(a.issue).toEqual(b.issue);
    // Leftovers from an older bug: two open at once.
    gh.addIssue({ title: WATCHDOG_TITLE, body: `${WATCHDOG_MARKER}\nold`, labels: [WATCHDOG_LABEL] });
    const synced = await syncWatchdogIssue({ github: client(), problems: [soon] });
    expect(open()).toHaveLength(1);
    expect(synced.issue!.number).toBe(open()[0]!.number);
    expect(
      watchdogIssues()
        .filter((i) => i.state === 'closed')
        .every((i) => i.state_reason === 'duplicate'),
    ).toBe(true);
  });

  it('retries a 502 while opening', async () => {
    gh.fail({ status: 502, operation: 'issues/create' });
    expect((await syncWatchdogIssue({ github: client(), problems: [soon] })).action).toBe('opened');
    expect(open()).toHaveLength(1);
  });
});
