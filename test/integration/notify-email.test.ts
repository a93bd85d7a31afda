/**
 * The email channel against a real SMTP server on 127.0.0.1: what arrives is parsed
 * with mailparser, and its text part must verify with gpg after delivery, which is
 * what a subscriber does. TLS cases use a certificate made with openssl at test time.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { inspect } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmailError } from '../../src/core/errors.ts';
import type { NoticeEvent } from '../../src/core/notify/model.ts';
import { createEmailChannel, type EmailConfig, type EmailChannelOptions } from '../../src/io/channels/email.ts';
import { deadPort, startSmtp, type SmtpOptions, type TestSmtp } from '../helpers/smtp.ts';
import { GPG_DISTRUST, gpgStatus, requireTool, run, runOk, sandbox, validSigners } from '../helpers/tools.ts';
import { T0, makeKey, type TestKey } from '../helpers/world.ts';

const SERVICE = { name: 'Lumen Mail', url: 'https://lumen-mail.example' };
const CLOCK = { now: T0 };
const PASSWORD = 'correct horse battery staple';
const ENV = { SMTP_USER: 'notifier', SMTP_PASSWORD: PASSWORD };

const policy: NoticeEvent = {
  kind: 'policy-version',
  id: 'policy:privacy@3.0:published',
  phase: 'published',
  policy: 'privacy',
  title: 'Privacy policy',
  version: '3.0',
  previous: '2.1',
  change: 'material',
  published: '2026-11-01',
  effective: '2027-01-15',
  summary: 'Deleted-mail backups are kept 30 days instead of 45. <script>alert(1)</script> ![pixel](https://tracker.example/p.gif) Préavis élargi.',
  facts: [
    {
      kind: 'changed',
      area: 'retention',
      subject: 'deleted-mail backups',
      before: '45 days',
      after: '30 days',
      text: 'Retention of deleted-mail backups: 45 days → 30 days',
    },
  ],
  links: {
    version: 'https://lumen-mail.example/policies/privacy/3.0/',
    diff: 'https://lumen-mail.example/policies/privacy/diff/2.1/3.0/',
    changelog: 'https://lumen-mail.example/changelog/',
  },
};
const report: NoticeEvent = {
  kind: 'report',
  id: 'report:2026-h1:published',
  report: '2026-h1',
  title: 'Transparency report: January to June 2026',
  period: { start: '2026-01-01', end: '2026-06-30' },
  published: '2026-07-15',
  links: {
    report: 'https://lumen-mail.example/transparency/2026-h1/',
    json: 'https://lumen-mail.example/transparency/2026-h1.json',
    csv: 'https://lumen-mail.example/transparency/2026-h1.csv',
  },
};
const duress: NoticeEvent = {
  kind: 'attestation',
  id: 'attestation:7',
  sequence: 7,
  issued: '2026-11-01T12:00:00Z',
  expires: '2026-12-31T12:00:00Z',
  signal: 'duress',
  message: '- We cannot say more.',
  links: { canary: 'https://lumen-mail.example/canary/', verify: 'https://lumen-mail.example/canary/verify/' },
};

let ci: TestKey;
let smtp: TestSmtp | undefined;

beforeAll(async () => {
  ci = await makeKey('Lumen Mail CI heartbeat');
});

afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

async function server(opts: SmtpOptions): Promise<TestSmtp> {
  smtp = await startSmtp(opts);
  return smtp;
}

function config(s: { port: number }, overrides: Partial<EmailConfig> = {}): EmailConfig {
  return {
    host: '127.0.0.1',
    port: s.port,
    security: 'none',
    from: 'Lumen Mail <announce@lumen-mail.example>',
    to: ['announce-list@lumen-mail.example'],
    ...overrides,
  };
}

function channel(s: TestSmtp | { port: number; ca: string | null }, overrides: Partial<EmailConfig> = {}, extra: Partial<EmailChannelOptions> = {}) {
  return createEmailChannel({
    config: config(s, overrides),
    service: SERVICE,
    env: ENV,
    signingKey: ci.privateKey,
    // Short timeouts keep a failing test quick; `ca` trusts the test certificate only.
    transportOptions: { connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000, ...(s.ca ? { tls: { ca: s.ca } } : {}) },
    ...extra,
  });
}

const parse = (raw: Buffer): Promise<ParsedMail> => simpleParser(raw);

/** What a subscriber does: import the published CI key, then gpg --verify the text part as received. */
async function gpgVerify(text: string, signer: TestKey): Promise<string[][]> {
  const box = sandbox();
  try {
    await runOk('gpg', ['--batch', '--no-tty', '--import', box.file('ci.asc', signer.publicArmored)], { env: box.env });
    const r = await run('gpg', ['--batch', '--no-tty', '--status-fd', '1', '--verify', box.file('notice.asc', text)], { env: box.env });
    expect(r.code, r.stderr).toBe(0);
    return gpgStatus(r.stdout);
  } finally {
    await box.remove();
  }
}

async function expectSignedBy(mail: ParsedMail, signer = ci): Promise<void> {
  expect(mail.text).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\n/);
  const status = await gpgVerify(mail.text!, signer);
  expect(validSigners(status)).toEqual([signer.ref.fingerprint]);
  expect(status.filter((s) => GPG_DISTRUST.includes(s[0]!))).toEqual([]);
}

/** The headers of the text/plain part, as sent (mailparser hides them). */
function textPartHeaders(raw: Buffer): string {
  const match = /\r\n(Content-Type: text\/plain[^]*?)\r\n\r\n/i.exec(raw.toString('latin1'));
  if (!match) throw new Error('no text/plain part');
  return match[1]!;
}

async function expectError(promise: Promise<unknown>, code: string): Promise<EmailError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EmailError);
  expect((error as EmailError).code).toBe(code);
  return error as EmailError;
}

describe('email channel: delivery', () => {
  it('STARTTLS + auth: one multipart/alternative message whose text part verifies with gpg after delivery', async (ctx) => {
    requireTool(ctx, 'gpg', 'openssl');
    const s = await server({ tls: 'required', users: { notifier: PASSWORD } });
    const result = await channel(s, { security: 'starttls', userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' }).send(policy, CLOCK);

    expect(s.received).toHaveLength(1);
    const got = s.received[0]!;
    expect(got).toMatchObject({ secure: true, user: 'notifier', mailFrom: 'announce@lumen-mail.example', rcptTo: ['announce-list@lumen-mail.example'] });
    const mail = await parse(got.raw);
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.messageId).toBe('<policy.privacy.3.0.published@lumen-mail.example>');
    expect(result.ref).toBe(mail.messageId);
    expect(mail.subject).toBe('Lumen Mail privacy policy 3.0: material change, effective 2027-01-15');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.date?.toISOString()).toBe(T0.toISOString());

    // The bytes of the signed part are protected from rewrapping and trailing-space loss.
    const headers = textPartHeaders(got.raw);
    expect(headers).toMatch(/Content-Transfer-Encoding: base64/i);
    expect(headers).toMatch(/charset=utf-8/i);
    expect(got.raw.toString('latin1')).not.toMatch(/format=flowed/i);
    await expectSignedBy(mail);
    expect(mail.text).toContain('Préavis élargi.');
    expect(mail.text).toContain('Retention of deleted-mail backups: 45 days → 30 days');
  });

  it('the HTML part escapes content and fetches nothing: no script, no image, no stylesheet', async () => {
    const s = await server({ tls: 'off' });
    await channel(s).send(policy, CLOCK);
    const html = (await parse(s.received[0]!.raw)).html as string;

    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script|<img|<link|<style|<iframe|<object|url\(|\bsrc=|\bstyle=/i);
    expect(html).toContain('![pixel](https://tracker.example/p.gif)');
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([policy.links.version, policy.links.diff, policy.links.changelog]);
  });

  it('every kind of event verifies; the same event always gets the same Message-ID', async (ctx) => {
    requireTool(ctx, 'gpg');
    const s = await server({ tls: 'off' });
    const email = channel(s);
    for (const event of [policy, report, duress, policy]) await email.send(event, CLOCK);

    const mails = await Promise.all(s.received.map((r) => parse(r.raw)));
    expect(mails.map((m) => m.messageId)).toEqual([
      '<policy.privacy.3.0.published@lumen-mail.example>',
      '<report.2026-h1.published@lumen-mail.example>',
      '<attestation.7@lumen-mail.example>',
      '<policy.privacy.3.0.published@lumen-mail.example>',
    ]);
    expect(mails[2]!.subject).toMatch(/DURESS/);
    for (const mail of mails.slice(0, 3)) await expectSignedBy(mail);
  });

  it('STARTTLS offered but not required by the server: the channel still upgrades', async (ctx) => {
    requireTool(ctx, 'openssl');
    const s = await server({ tls: 'on' });
    await channel(s, { security: 'starttls' }).send(report, CLOCK);
    expect(s.received.map((r) => r.secure)).toEqual([true]);
  });

  it("implicit TLS ('tls', port 465 style)", async (ctx) => {
    requireTool(ctx, 'gpg', 'openssl');
    const s = await server({ tls: 'implicit' });
    await channel(s, { security: 'tls' }).send(report, CLOCK);
    expect(s.received.map((r) => r.secure)).toEqual([true]);
    await expectSignedBy(await parse(s.received[0]!.raw));
  });

  it("'none' stays in plain text even when the server offers STARTTLS (local relays)", async (ctx) => {
    requireTool(ctx, 'openssl');
    const s = await server({ tls: 'on' });
    await channel(s, { security: 'none' }).send(report, CLOCK);
    expect(s.received.map((r) => r.secure)).toEqual([false]);
  });

  it('reads the CI key from CANDOR_SIGNING_KEY and CANDOR_PASSPHRASE when none is given', async (ctx) => {
    requireTool(ctx, 'gpg');
    const locked = await makeKey('Lumen Mail CI locked', { passphrase: 'ci passphrase' });
    const s = await server({ tls: 'off' });
    const env = { CANDOR_SIGNING_KEY: locked.privateArmored, CANDOR_PASSPHRASE: 'ci passphrase' };
    await createEmailChannel({ config: config(s), service: SERVICE, env }).send(report, CLOCK);
    await expectSignedBy(await parse(s.received[0]!.raw), locked);
  });
});

describe('email channel: refusals and failures', () => {
  // TLS cases need the certificate made with openssl; the others run everywhere.
  it('STARTTLS required but not offered: refused before MAIL FROM, nothing sent in plain text', async (ctx) => {
    requireTool(ctx, 'openssl');
    const s = await server({ tls: 'off' });
    const error = await expectError(channel(s, { security: 'starttls' }).send(policy, CLOCK), 'SMTP_TLS');
    expect(error.message).toContain(`127.0.0.1:${s.port}`);
    expect(s.counts.mailFrom).toBe(0);
    expect(s.received).toEqual([]);
  });

  it('STARTTLS with a certificate the client does not trust: refused, nothing sent', async (ctx) => {
    requireTool(ctx, 'openssl');
    const s = await server({ tls: 'on' });
    await expectError(channel({ port: s.port, ca: null }, { security: 'starttls' }).send(policy, CLOCK), 'SMTP_TLS');
    expect(s.counts.mailFrom).toBe(0);
  });

  it("implicit TLS ('tls') to a server that speaks plain SMTP: SMTP_TLS, nothing sent", async (ctx) => {
    requireTool(ctx, 'openssl');
    const s = await server({ tls: 'off' });
    await expectError(channel(s, { security: 'tls' }).send(policy, CLOCK), 'SMTP_TLS');
    expect(s.received).toEqual([]);
  });

  it('wrong password: SMTP_AUTH, and the password appears nowhere in the error', async (ctx) => {
    requireTool(ctx, 'openssl');
    const s = await server({ tls: 'required', users: { notifier: 'another password' } });
    const error = await expectError(channel(s, { security: 'starttls', userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' }).send(policy, CLOCK), 'SMTP_AUTH');
    expect(s.counts.authAttempts).toBe(1);
    expect(s.received).toEqual([]);
    const everything = [error.message, JSON.stringify(error.details), inspect(error, { depth: 10, showHidden: true })].join('\n');
    expect(everything).toContain(`127.0.0.1:${s.port}`);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  });

  it('credentials named in the config but unset: SMTP_AUTH before any connection, naming the variable', async (ctx) => {
    requireTool(ctx, 'openssl');
    const s = await server({ tls: 'required', users: { notifier: PASSWORD } });
    const email = channel(s, { security: 'starttls', userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' }, { env: { SMTP_USER: 'notifier' } });
    const error = await expectError(email.send(policy, CLOCK), 'SMTP_AUTH');
    expect(error.message).toContain('$SMTP_PASSWORD');
    expect(s.counts.connections).toBe(0);
  });

  it("credentials with security 'none': refused, the password never crosses the network in clear", async () => {
    const s = await server({ tls: 'off', users: { notifier: PASSWORD } });
    await expectError(channel(s, { security: 'none', userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' }).send(policy, CLOCK), 'SMTP_TLS');
    expect(s.counts.connections).toBe(0);
  });

  it('server down: SMTP_UNREACHABLE naming host and port', async () => {
    const port = await deadPort();
    const error = await expectError(channel({ port, ca: null }).send(policy, CLOCK), 'SMTP_UNREACHABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('recipient refused: SMTP_REJECTED with the reply', async () => {
    const s = await server({ tls: 'off', rejectRecipients: ['announce-list@lumen-mail.example'] });
    const error = await expectError(channel(s).send(policy, CLOCK), 'SMTP_REJECTED');
    expect(error.message).toMatch(/550/);
    expect(s.received).toEqual([]);
  });
});
