/**
 * The watchdog e-mails the operators (content/notify.yml `operators`) through a real
 * SMTP server on 127.0.0.1, with the issue kept on the local GitHub that checks every
 * request against GitHub's OpenAPI description: one mail when problems appear, none
 * while they stay the same, one when they change, one "resolved"; a mail that could not
 * be sent is retried by the next run, and only then.
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser, type ParsedMail } from 'mailparser';
import { stringify } from 'yaml';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseMailedMarker, problemKeys } from '../../src/core/watchdog-mail.ts';
import type { WatchdogProblem } from '../../src/core/watchdog.ts';
import { createGitHub, type GitHub } from '../../src/io/github.ts';
import { projectAt } from '../../src/io/project.ts';
import { WATCHDOG_LABEL } from '../../src/io/watchdog-issue.ts';
import { runWatchdog, type WatchdogRunResult } from '../../scripts/watchdog.ts';
import { BOT, loadGitHubSpec, startGitHubServer, type GitHubServer } from '../helpers/github-server.ts';
import { makeProject, PASSPHRASE, type TestProject } from '../helpers/project.ts';
import { deadPort, startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { GPG_DISTRUST, gpgStatus, requireTool, run, runOk, sandbox, validSigners } from '../helpers/tools.ts';

const exec = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/watchdog.ts');
const NOW = new Date('2026-11-23T12:00:00Z');
const OPERATORS = ['ops@test-mail.example', 'oncall@test-mail.example'];

const soon: WatchdogProblem = {
  code: 'ATTESTATION_EXPIRES_SOON',
  subject: 'attestation:12',
  message: 'Attestation 12 expires at 2026-12-02T12:00:00Z, in 9 days: sign the next one.',
};
const soonLater: WatchdogProblem = { ...soon, message: 'Attestation 12 expires at 2026-12-02T12:00:00Z, in 8 days: sign the next one.' };
const key: WatchdogProblem = {
  code: 'KEY_EXPIRES_SOON',
  subject: `key:${'C'.repeat(40)}`,
  message: `Key ${'C'.repeat(40)} (Ops <ops@test-mail.example>) expires in 5 days.`,
};

let p: TestProject;
let gh: GitHubServer;
let smtp: TestSmtp | undefined;

const client = (): GitHub =>
  createGitHub({ token: gh.token, baseUrl: gh.url, repository: gh.repository, login: BOT.login, retry: { baseDelayMs: 5 }, log: () => undefined });
const watchdogIssues = () => gh.issues.filter((i) => i.labels.includes(WATCHDOG_LABEL));
const openIssues = () => watchdogIssues().filter((i) => i.state === 'open');
const mails = (): Promise<ParsedMail[]> => Promise.all((smtp?.received ?? []).map((m) => simpleParser(m.raw)));

async function writeNotify(port: number, extra: Record<string, unknown> = {}, email: Record<string, unknown> = {}): Promise<void> {
  await writeFile(
    path.join(p.root, 'content', 'notify.yml'),
    stringify({
      email: {
        host: '127.0.0.1',
        port,
        security: 'none',
        from: 'Test Mail watchdog <watchdog@test-mail.example>',
        to: ['announce@lists.test-mail.example'],
        ...email,
      },
      operators: { to: OPERATORS },
      ...extra,
    }),
  );
}

const watchdog = (problems: WatchdogProblem[], env: Record<string, string> = {}): Promise<WatchdogRunResult> =>
  runWatchdog({
    project: projectAt(p.root),
    github: client(),
    problems,
    env,
    now: NOW,
    transportOptions: { connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000 },
  });

const errorCode = (r: WatchdogRunResult): unknown => (r.error as { code?: unknown } | undefined)?.code;

beforeAll(() => {
  loadGitHubSpec();
});

beforeEach(async () => {
  p = await makeProject();
  gh = await startGitHubServer({ repository: 'test/mail-site', viewer: 'integration' });
});

afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
  await gh.close();
  await p.cleanup();
  gh.assertValid();
});

describe('the watchdog e-mails the operators', () => {
  it('when problems appear, not again while they stay, when they change, and once when resolved', async () => {
    smtp = await startSmtp();
    await writeNotify(smtp.port);

    const appeared = await watchdog([soon]);
    expect(appeared).toMatchObject({ mail: 'problems', signed: false, issue: { action: 'opened' } });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ mailFrom: 'watchdog@test-mail.example', rcptTo: OPERATORS });
    const [first] = await mails();
    expect(first!.subject).toBe('Test Mail canary watchdog: a problem needs action');
    expect(first!.text).toContain('ATTESTATION_EXPIRES_SOON: Attestation 12 expires');
    expect(first!.text).toContain(appeared.issue.issue!.url);
    expect(first!.html).toContain('ATTESTATION_EXPIRES_SOON');
    expect(first!.headers.get('auto-submitted')).toBe('auto-generated');
    const issue = openIssues()[0]!;
    expect(parseMailedMarker(issue.body)).toEqual(problemKeys([soon]));

    // The same problem, its message moved on: the issue is updated, nobody is mailed.
    expect(await watchdog([soonLater])).toMatchObject({ mail: 'none', issue: { action: 'updated' } });
    expect(await watchdog([soonLater])).toMatchObject({ mail: 'none', issue: { action: 'unchanged' } });
    expect(smtp.received).toHaveLength(1);
    expect(issue.body).toContain('in 8 days');
    expect(parseMailedMarker(issue.body)).toEqual(problemKeys([soon]));

    // A new problem: one mail saying what is new.
    expect(await watchdog([soonLater, key])).toMatchObject({ mail: 'problems', issue: { action: 'updated' } });
    expect(await watchdog([soonLater, key])).toMatchObject({ mail: 'none' });
    expect(smtp.received).toHaveLength(2);
    expect((await mails())[1]!.text).toContain(`New since the last e-mail:\n\n* KEY_EXPIRES_SOON (key:${'C'.repeat(40)})`);

    // Resolved: the issue is closed, one "resolved" mail, then silence.
    expect(await watchdog([])).toMatchObject({ mail: 'resolved', issue: { action: 'closed', issue: { number: issue.number } } });
    expect(await watchdog([])).toMatchObject({ mail: 'none', issue: { action: 'none' } });
    expect(smtp.received).toHaveLength(3);
    const resolved = (await mails())[2]!;
    expect(resolved.subject).toBe('Test Mail canary watchdog: resolved');
    expect(resolved.text).toContain(`The watchdog issue is closed: ${appeared.issue.issue!.url}`);
    expect(issue.state).toBe('closed');
    expect(parseMailedMarker(issue.body)).toEqual([]);

    // Problems come back: a new issue, and a new mail.
    expect(await watchdog([key])).toMatchObject({ mail: 'problems', issue: { action: 'opened' } });
    expect(smtp.received).toHaveLength(4);
    expect(watchdogIssues()).toHaveLength(2);
    expect(smtp.received.every((m) => m.rcptTo.join() === OPERATORS.join())).toBe(true);
  });

  it('SMTP down: the issue still goes up, the run fails with SMTP_UNREACHABLE, and the next run sends the mail once', async () => {
    const port = await deadPort();
    await writeNotify(port);

    const down = await watchdog([soon]);
    expect(down).toMatchObject({ mail: 'failed', issue: { action: 'opened' } });
    expect(errorCode(down)).toBe('SMTP_UNREACHABLE');
    expect(openIssues()).toHaveLength(1);

    smtp = await startSmtp({ port });
    expect(await watchdog([soon])).toMatchObject({ mail: 'problems', issue: { action: 'unchanged' } });
    expect(await watchdog([soon])).toMatchObject({ mail: 'none' });
    expect(smtp.received).toHaveLength(1);

    // Down again when the problems are resolved: the issue closes anyway, and the
    // "resolved" mail goes out on the next run, from the closed issue's record.
    await smtp.close();
    smtp = undefined;
    const closing = await watchdog([]);
    expect(closing).toMatchObject({ mail: 'failed', issue: { action: 'closed' } });
    expect(errorCode(closing)).toBe('SMTP_UNREACHABLE');
    expect(openIssues()).toHaveLength(0);

    smtp = await startSmtp({ port });
    expect(await watchdog([])).toMatchObject({ mail: 'resolved', issue: { action: 'none' } });
    expect(await watchdog([])).toMatchObject({ mail: 'none' });
    expect(smtp.received).toHaveLength(1);
    expect((await mails())[0]!.subject).toBe('Test Mail canary watchdog: resolved');
    expect(watchdogIssues()).toHaveLength(1);
  });

  it('signs the text part with the CI key when the job has it: gpg verifies it after delivery', async (ctx) => {
    requireTool(ctx, 'gpg');
    smtp = await startSmtp();
    await writeNotify(smtp.port);
    expect(await watchdog([key], { CANDOR_SIGNING_KEY: p.ci.privateArmored, CANDOR_PASSPHRASE: PASSPHRASE })).toMatchObject({ mail: 'problems', signed: true });
    const [mail] = await mails();
    expect(mail!.text).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\n/);
    expect(mail!.html).toContain('OpenPGP-signed');
    const box = sandbox();
    try {
      await runOk('gpg', ['--batch', '--no-tty', '--import', box.file('ci.asc', p.ci.publicArmored)], { env: box.env });
      const r = await run('gpg', ['--batch', '--no-tty', '--status-fd', '1', '--verify', box.file('mail.asc', mail!.text!)], { env: box.env });
      expect(r.code, r.stderr).toBe(0);
      const status = gpgStatus(r.stdout);
      expect(validSigners(status)).toEqual([p.ci.ref.fingerprint]);
      expect(status.filter((s) => GPG_DISTRUST.includes(s[0]!))).toEqual([]);
    } finally {
      await box.remove();
    }
  });

  it('a CI key that does not unlock fails the mail (PASSPHRASE_WRONG) rather than sending it unsigned', async () => {
    smtp = await startSmtp();
    await writeNotify(smtp.port);
    const result = await watchdog([key], { CANDOR_SIGNING_KEY: p.ci.privateArmored, CANDOR_PASSPHRASE: 'not it' });
    expect(result.mail).toBe('failed');
    expect(errorCode(result)).toBe('PASSPHRASE_WRONG');
    expect(smtp.counts.connections).toBe(0);
  });

  it('unset SMTP credentials: SMTP_AUTH, before any connection', async () => {
    smtp = await startSmtp();
    await writeNotify(smtp.port, {}, { security: 'starttls', userEnv: 'CANDOR_SMTP_USER', passwordEnv: 'CANDOR_SMTP_PASSWORD' });
    const result = await watchdog([key]);
    expect(result).toMatchObject({ mail: 'failed', issue: { action: 'opened' } });
    expect(errorCode(result)).toBe('SMTP_AUTH');
    expect(smtp.counts.connections).toBe(0);
  });

  it('without operators, or without content/notify.yml, the issue is the only alarm', async () => {
    smtp = await startSmtp();
    await writeFile(
      path.join(p.root, 'content', 'notify.yml'),
      stringify({ email: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'a@b.example', to: ['list@b.example'] } }),
    );
    expect(await watchdog([soon])).toMatchObject({ mail: 'not-configured', issue: { action: 'opened' } });
    await rm(path.join(p.root, 'content', 'notify.yml'));
    expect(await watchdog([])).toMatchObject({ mail: 'not-configured', issue: { action: 'closed' } });
    expect(smtp.counts.connections).toBe(0);
    // Nothing was mailed, so the issue carries no record of it.
    expect(watchdogIssues().every((i) => parseMailedMarker(i.body) === null)).toBe(true);
  });

  it('operators without email settings: SCHEMA_INVALID, reported after the issue is synced', async () => {
    await writeFile(path.join(p.root, 'content', 'notify.yml'), stringify({ operators: { to: OPERATORS } }));
    const result = await watchdog([soon]);
    expect(result).toMatchObject({ mail: 'failed', issue: { action: 'opened' } });
    expect(result.error).toMatchObject({ code: 'SCHEMA_INVALID', details: { field: 'operators' } });
  });
});

describe('scripts/watchdog.ts end to end', () => {
  it('exits 1 while SMTP is down, then mails the operators once', async () => {
    const port = await deadPort();
    await writeNotify(port);
    const env = { PATH: process.env['PATH'], GITHUB_TOKEN: gh.token, GITHUB_REPOSITORY: gh.repository, GITHUB_API_URL: gh.url };
    const script = () =>
      exec(process.execPath, [SCRIPT, '--root', p.root, '--now', NOW.toISOString()], { env }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );

    const down = await script();
    expect(down.code).toBe(1);
    expect(down.stdout).toContain('Watchdog issue: opened');
    expect(down.stderr).toMatch(/^watchdog: the e-mail to the operators failed, the next run retries it: SMTP_UNREACHABLE: /);

    smtp = await startSmtp({ port });
    const up = await script();
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("Operators' e-mail: problems (unsigned: no CI key in this job)");
    const again = await script();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Operators' e-mail: none");

    expect(smtp.received).toHaveLength(1);
    const [mail] = await mails();
    // The empty project: no attestation, no heartbeat; publish has never succeeded (not judged).
    expect(mail!.subject).toBe('Test Mail canary watchdog: 2 problems need action');
    expect(mail!.text).toContain('ATTESTATION_MISSING');
    expect(mail!.text).toContain('HEARTBEAT_MISSING');
    expect(openIssues()).toHaveLength(1);
    expect(gh.requests.some((r) => r.operationId === 'actions/list-workflow-runs')).toBe(true);
  });
});
