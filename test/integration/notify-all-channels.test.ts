/**
 * The issue's proof of exactly-once, on every real channel at once, through the real
 * command (`candor notify --json`) and the real configuration path (content/notify.yml
 * → buildChannels):
 *
 *   - email to a real SMTP server on 127.0.0.1, which is NOT listening during run 1;
 *   - a webhook to a local receiver that checks the HMAC;
 *   - GitHub issues and releases on the local server that checks every request against
 *     GitHub's OpenAPI description (GITHUB_API_URL points at it).
 *
 * Five runs: 1 (SMTP down: email fails, the others deliver, exit 69), 2 and 3 at the
 * same time, then 4 and 5. At the end every channel holds exactly one notice per event,
 * counted at the receivers, and the ledger says `sent` for every pair.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/core/notify/email-body.ts';
import type { Ledger } from '../../src/core/notify/model.ts';
import { eventMarker, GITHUB_ISSUE_CHANNEL, GITHUB_RELEASE_CHANNEL, releaseTag } from '../../src/io/channels/github.ts';
import { webhookChannelName } from '../../src/io/channels/webhook.ts';
import { ledgerFile, lockFile } from '../../src/io/notify/ledger.ts';
import type { NotifySummary } from '../../src/io/notify/run.ts';
import { projectAt } from '../../src/io/project.ts';
import { loadGitHubSpec, startGitHubServer, type GitHubServer } from '../helpers/github-server.ts';
import { startReceiver, writePolicyVersion, writeReport, type Receiver } from '../helpers/notify.ts';
import { RETENTION_30, RETENTION_45 } from '../helpers/policy.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { deadPort, startSmtp, type TestSmtp } from '../helpers/smtp.ts';

const SECRET = 'all-channels-hook-secret';
const RUN_AT = '2023-07-24T07:00:00Z';
const SITE = 'https://test-mail.example';
/** Oldest first, as the notifier sends them. */
const EVENTS = ['policy:privacy@1.0:published', 'report:2022-h2', 'policy:privacy@2.0:published', 'attestation:1'];
/** Releases announce reports and attestations only. */
const RELEASE_EVENTS = ['report:2022-h2', 'attestation:1'];

let p: TestProject;
let receiver: Receiver;
let gh: GitHubServer;
let smtp: TestSmtp | undefined;
let smtpPort: number;
let env: NodeJS.ProcessEnv;

interface CliRun {
  code: number;
  summary: NotifySummary;
  err: string;
}

async function notify(): Promise<CliRun> {
  const { code, out, err } = await p.cli(['notify', '--json'], { now: RUN_AT, env });
  return { code, summary: JSON.parse(out) as NotifySummary, err };
}

const row = (s: NotifySummary, channel: string) => {
  const found = s.channels.find((c) => c.channel === channel);
  if (!found) throw new Error(`no channel ${channel} in ${s.channels.map((c) => c.channel).join(', ')}`);
  return found;
};

const count = (items: string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
};
const once = (ids: string[]): Map<string, number> => new Map(ids.map((id) => [id, 1]));

beforeAll(async () => {
  loadGitHubSpec();
  p = await makeProject();
  await writePolicyVersion(p.root, { version: '1.0', effective: '2023-01-01', change: 'material', summary: 'First version.', facts: RETENTION_45 });
  // Upcoming on RUN_AT: announced before it takes effect.
  await writePolicyVersion(p.root, {
    version: '2.0',
    published: '2023-07-20',
    effective: '2023-08-20',
    change: 'material',
    summary: 'Shorter backups.',
    facts: RETENTION_30,
  });
  await writeReport(p.root, { id: '2022-h2' });
  // A real attestation in the archive, issued at the CLI's default clock by two signers.
  expect((await p.cli(['canary', 'attest', 'prepare'])).code).toBe(0);
  for (const s of p.signers.slice(0, 2)) expect((await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(s)])).code).toBe(0);
  expect((await p.cli(['canary', 'attest', 'publish'])).code).toBe(0);

  receiver = await startReceiver(SECRET, { delayMs: 10 });
  gh = await startGitHubServer({ repository: 'test/mail-site' });
  // Nothing listens here during run 1; the SMTP server comes up on it afterwards.
  smtpPort = await deadPort();
  await writeFile(
    path.join(p.root, 'content', 'notify.yml'),
    stringify({
      baselineDays: 3650,
      email: { host: '127.0.0.1', port: smtpPort, security: 'none', from: 'Test Mail <announce@test-mail.example>', to: ['announce@lists.test-mail.example'] },
      webhooks: [{ url: receiver.url, secretEnv: 'CANDOR_WEBHOOK_SECRET' }],
      github: { repository: 'test/mail-site', issues: true, releases: true },
    }),
  );
  env = {
    CANDOR_WEBHOOK_SECRET: SECRET,
    // The email channel signs the text part with the CI key (its passphrase is set by p.cli).
    CANDOR_SIGNING_KEY: p.ci.privateArmored,
    GITHUB_TOKEN: gh.token,
    GITHUB_API_URL: gh.url,
  };
});

afterAll(async () => {
  await smtp?.close();
  await receiver?.close();
  await gh?.close();
  await p?.cleanup();
});

describe('exactly once on every real channel', () => {
  it('five CLI runs, two concurrent, SMTP down in the first: one notice per event per channel', async () => {
    const hook = webhookChannelName(receiver.url);

    // Run 1: SMTP is down. Email fails on every event; the other channels deliver.
    const first = await notify();
    expect(first.code, first.err).toBe(69);
    expect(first.summary.ok).toBe(false);
    expect(first.summary.events).toBe(EVENTS.length);
    expect(first.summary.channels.map((c) => c.channel)).toEqual([hook, 'email', GITHUB_ISSUE_CHANNEL, GITHUB_RELEASE_CHANNEL]);
    expect(row(first.summary, 'email')).toMatchObject({ sent: 0, failed: 4 });
    expect(row(first.summary, hook)).toMatchObject({ sent: 4, failed: 0 });
    expect(row(first.summary, GITHUB_ISSUE_CHANNEL)).toMatchObject({ sent: 4, failed: 0 });
    expect(row(first.summary, GITHUB_RELEASE_CHANNEL)).toMatchObject({ sent: 2, failed: 0 });
    expect(first.summary.failures.map((f) => [f.event, f.channel, f.error.split(':')[0]])).toEqual(EVENTS.map((e) => [e, 'email', 'SMTP_UNREACHABLE']));

    // The SMTP server comes up. Runs 2 and 3 overlap (the ledger's lock is a file), then 4 and 5.
    smtp = await startSmtp({ port: smtpPort });
    const [second, third] = await Promise.all([notify(), notify()]);
    const fourth = await notify();
    const fifth = await notify();
    for (const r of [second, third, fourth, fifth]) {
      expect(r.code, r.err).toBe(0);
      expect(r.summary.ok).toBe(true);
      expect(r.summary.failures).toEqual([]);
    }
    // Runs 2 and 3 shared the four email notices between them; nothing else was left to send.
    expect(row(second.summary, 'email').sent + row(third.summary, 'email').sent).toBe(4);
    for (const r of [second, third]) for (const c of [hook, GITHUB_ISSUE_CHANNEL, GITHUB_RELEASE_CHANNEL]) expect(row(r.summary, c).sent).toBe(0);
    for (const r of [fourth, fifth]) {
      expect(r.summary.channels.map((c) => [c.channel, c.sent, c.alreadySent])).toEqual([
        [hook, 0, 4],
        ['email', 0, 4],
        [GITHUB_ISSUE_CHANNEL, 0, 4],
        [GITHUB_RELEASE_CHANNEL, 0, 2],
      ]);
    }

    // Counted at the receivers. SMTP: by Message-ID, each one the event's, and each text part signed.
    const mails = await Promise.all(smtp.received.map((m) => simpleParser(m.raw)));
    expect(count(mails.map((m) => m.messageId ?? ''))).toEqual(new Map(EVENTS.map((e) => [emailMessageId(e, SITE), 1])));
    expect(new Set(mails.map((m) => m.subject)).size).toBe(EVENTS.length);
    for (const m of mails) expect(m.text).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\n/);
    expect(smtp.received.every((m) => m.rcptTo.join() === 'announce@lists.test-mail.example')).toBe(true);

    // Webhook: every accepted delivery had a valid HMAC; one per X-Candor-Event, and nothing refused.
    expect(receiver.accepted()).toEqual(once(EVENTS));
    expect(receiver.deliveries.every((d) => d.signatureOk && d.status === 200)).toBe(true);

    // GitHub: one issue per event marker, none closed as a duplicate; one release per tag.
    expect(count(EVENTS.flatMap((e) => gh.issues.filter((i) => (i.body ?? '').includes(eventMarker(e))).map(() => e)))).toEqual(once(EVENTS));
    expect(gh.issues).toHaveLength(EVENTS.length);
    expect(gh.issues.every((i) => i.state === 'open')).toBe(true);
    expect(count(gh.releases.map((r) => r.tag_name))).toEqual(once(RELEASE_EVENTS.map(releaseTag)));
    expect(gh.requests.filter((r) => r.operationId === 'issues/create')).toHaveLength(EVENTS.length);
    expect(gh.requests.filter((r) => r.operationId === 'repos/create-release')).toHaveLength(RELEASE_EVENTS.length);
    gh.assertValid();

    // The ledger: `sent` for every pair; email took two attempts (run 1 failed), the others one.
    const ledger = JSON.parse(await readFile(ledgerFile(projectAt(p.root)), 'utf8')) as Ledger;
    const pairs = [
      ...EVENTS.flatMap((e) => [hook, 'email', GITHUB_ISSUE_CHANNEL].map((c) => `${e} ${c}`)),
      ...RELEASE_EVENTS.map((e) => `${e} ${GITHUB_RELEASE_CHANNEL}`),
    ];
    expect(ledger.entries.map((e) => `${e.event} ${e.channel}`).sort()).toEqual(pairs.sort());
    expect(ledger.entries.filter((e) => e.status !== 'sent')).toEqual([]);
    expect(ledger.entries.map((e) => [e.channel, e.attempts]).filter(([c, n]) => n !== (c === 'email' ? 2 : 1))).toEqual([]);
    expect(
      ledger.entries
        .filter((e) => e.channel === 'email')
        .map((e) => e.ref)
        .sort(),
    ).toEqual(EVENTS.map((e) => emailMessageId(e, SITE)).sort());
    expect(ledger.channels).toEqual([hook, 'email', GITHUB_ISSUE_CHANNEL, GITHUB_RELEASE_CHANNEL].sort());
    await expect(stat(lockFile(projectAt(p.root)))).rejects.toThrow();
  }, 180_000); // five CLI runs of a few seconds each; a busy 2-core machine needs the margin
});
