/**
 * The email channel: one message per event to the announcement list, through the
 * operator's SMTP server. multipart/alternative with
 *   - text/plain: the notice, OpenPGP cleartext-signed with the CI key, sent base64 so
 *     that no relay rewraps lines, strips trailing spaces, or escapes "From " and the
 *     signature still verifies after delivery (no format=flowed either);
 *   - text/html: the same notice through markdown-it, nothing fetched when opened.
 * The Message-ID is derived from the event id, so a double delivery is recognisable.
 */
import { createTransport, type SMTPTransportOptions } from 'nodemailer';
import type * as openpgp from 'openpgp';
import { emailBodies, emailMessageId, type NoticeService } from '../../core/notify/email-body.ts';
import type { Channel, NoticeEvent, NotifyConfig } from '../../core/notify/model.ts';
import { signDocument } from '../../core/pgp/sign.ts';
import { readSigningKey } from '../keyring.ts';
import { emailError, secretForms, toEmailError, type SmtpEndpoint } from './email-errors.ts';

export type EmailConfig = NonNullable<NotifyConfig['email']>;

/** What a caller (tests, an unusual relay) may tune; security itself always comes from the config. */
export type EmailTransportOptions = Pick<SMTPTransportOptions, 'tls' | 'name' | 'connectionTimeout' | 'greetingTimeout' | 'socketTimeout'>;

export interface EmailChannelOptions {
  config: EmailConfig;
  /** content/service.yml: the name goes in the subject, the site's host in the Message-ID. */
  service: NoticeService;
  /** Where the SMTP credentials (config.userEnv/passwordEnv) and, without signingKey, the CI key are read. */
  env: Record<string, string | undefined>;
  /** The unlocked CI key; read from CANDOR_SIGNING_KEY + CANDOR_PASSPHRASE when absent. */
  signingKey?: openpgp.PrivateKey;
  transportOptions?: EmailTransportOptions;
}

export interface Credentials {
  user: string;
  pass: string;
}

/**
 * The SMTP credentials the config names, read from `env`. Names the variables, never
 * their values. Throws SMTP_AUTH (half configured, unset) or SMTP_TLS (credentials
 * with security 'none') before any connection is opened.
 */
export function smtpCredentials(config: EmailConfig, env: Record<string, string | undefined>): Credentials | undefined {
  return credentialsFrom(config, env, { host: config.host, port: config.port });
}

function credentialsFrom(config: EmailConfig, env: EmailChannelOptions['env'], endpoint: SmtpEndpoint): Credentials | undefined {
  const { userEnv, passwordEnv } = config;
  if (!userEnv && !passwordEnv) return undefined;
  if (!userEnv || !passwordEnv) {
    throw emailError('SMTP_AUTH', endpoint, `notify.email.${userEnv ? 'passwordEnv' : 'userEnv'} is not configured`, 'SMTP credentials are half configured');
  }
  const missing = [userEnv, passwordEnv].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw emailError('SMTP_AUTH', endpoint, `unset: ${missing.map((n) => `$${n}`).join(', ')}`, 'SMTP credentials are not set');
  }
  if (config.security === 'none') {
    // 'none' is for local relays; a password must never cross the network in clear.
    throw emailError('SMTP_TLS', endpoint, "security: 'none' with credentials", 'refusing to send SMTP credentials without TLS');
  }
  return { user: env[userEnv]!, pass: env[passwordEnv]! };
}

function transportFor(config: EmailConfig, auth: Credentials | undefined, extra: EmailTransportOptions = {}) {
  return createTransport({
    host: config.host,
    port: config.port,
    // 'tls': implicit TLS from the first byte; 'starttls': upgrade or fail, never fall back.
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    ...(auth ? { auth } : {}),
    logger: false,
    debug: false,
    connectionTimeout: extra.connectionTimeout ?? 30_000,
    greetingTimeout: extra.greetingTimeout ?? 30_000,
    socketTimeout: extra.socketTimeout ?? 60_000,
    ...(extra.tls ? { tls: extra.tls } : {}),
    ...(extra.name ? { name: extra.name } : {}),
  });
}

/** One message as the notifier sends it: multipart/alternative, both parts base64 (see the module comment). */
export interface SmtpMessage {
  to: string[];
  subject: string;
  /** Let nodemailer make one when absent. */
  messageId?: string;
  date: Date;
  /** The text part, as it must arrive (signed or not): sent base64, never rewrapped. */
  text: string;
  html: string;
}

/**
 * Sends one message through the configured server, from `config.from`. `auth` comes
 * from smtpCredentials. Returns the Message-ID; failures are EmailErrors with the
 * credentials redacted.
 */
export async function deliverSmtp(
  config: EmailConfig,
  auth: Credentials | undefined,
  message: SmtpMessage,
  transportOptions?: EmailTransportOptions,
): Promise<string> {
  const transporter = transportFor(config, auth, transportOptions);
  try {
    // nodemailer types the answer of a transport built from options as `any`.
    const info: unknown = await transporter.sendMail({
      from: config.from,
      to: message.to,
      subject: message.subject,
      ...(message.messageId ? { messageId: message.messageId } : {}),
      date: message.date,
      // RFC 3834: generated by a program, so vacation responders stay quiet.
      headers: { 'Auto-Submitted': 'auto-generated' },
      text: { content: message.text, contentType: 'text/plain; charset=utf-8', contentTransferEncoding: 'base64' },
      html: { content: message.html, contentType: 'text/html; charset=utf-8', contentTransferEncoding: 'base64' },
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    return message.messageId ?? (info as { messageId: string }).messageId;
  } catch (error) {
    throw toEmailError(error, { host: config.host, port: config.port }, secretForms(auth?.user, auth?.pass));
  } finally {
    transporter.close();
  }
}

export function createEmailChannel(opts: EmailChannelOptions): Channel {
  const { config, service, env } = opts;
  const endpoint = { host: config.host, port: config.port };
  let key: Promise<openpgp.PrivateKey> | undefined;
  const signingKey = () => (key ??= opts.signingKey ? Promise.resolve(opts.signingKey) : readSigningKey({}, env));

  return {
    name: 'email',
    async send(event: NoticeEvent, clock: { now: Date }) {
      const bodies = emailBodies(event, service);
      const messageId = emailMessageId(event.id, service.url);
      // Credentials and key first: a configuration problem must not open a connection.
      const auth = credentialsFrom(config, env, endpoint);
      const signed = await signDocument(bodies.text, [await signingKey()], clock);
      await deliverSmtp(
        config,
        auth,
        { to: config.to, subject: bodies.subject, messageId, date: clock.now, text: signed, html: bodies.html },
        opts.transportOptions,
      );
      return { ref: messageId };
    },
  };
}
