/**
 * Sends the watchdog's e-mail to the operators (content/notify.yml `operators.to`)
 * through the notifier's SMTP settings (`email`: host, port, security, from, and the
 * credentials named by userEnv/passwordEnv). The words and the decision to send are
 * src/core/watchdog-mail.ts's.
 *
 * The text part is OpenPGP-signed with the CI key when the job has it
 * (CANDOR_SIGNING_KEY and CANDOR_PASSPHRASE), like the notices; without it the mail
 * goes out unsigned. The watchdog workflow does not hand it the key by default: a
 * watchdog that can sign heartbeats could keep a coerced canary alive
 * (docs/workflows.md).
 */
import type * as openpgp from 'openpgp';
import type { NoticeService } from '../core/notify/email-body.ts';
import type { NotifyConfig } from '../core/notify/model.ts';
import { signDocument } from '../core/pgp/sign.ts';
import { renderWatchdogMail, type WatchdogMail } from '../core/watchdog-mail.ts';
import type { WatchdogProblem } from '../core/watchdog.ts';
import { deliverSmtp, smtpCredentials, type EmailConfig, type EmailTransportOptions } from './channels/email.ts';
import { readSigningKey } from './keyring.ts';

export interface WatchdogMailOptions {
  email: EmailConfig;
  operators: NonNullable<NotifyConfig['operators']>;
  service: NoticeService;
  /** owner/name of the repository the watchdog watches. */
  repository: string;
  /** The SMTP credentials and, without signingKey, the CI key are read here. */
  env: Record<string, string | undefined>;
  now: Date;
  issueUrl?: string;
  /** The unlocked CI key; otherwise read from CANDOR_SIGNING_KEY when it is set. */
  signingKey?: openpgp.PrivateKey;
  transportOptions?: EmailTransportOptions;
}

export interface WatchdogMailSent {
  messageId: string;
  signed: boolean;
}

/** The CI key, when the job has one; a key that is set but does not unlock is an error (PASSPHRASE_*), not "unsigned". */
async function signingKeyFor(opts: WatchdogMailOptions): Promise<openpgp.PrivateKey | undefined> {
  if (opts.signingKey) return opts.signingKey;
  return opts.env['CANDOR_SIGNING_KEY'] ? readSigningKey({}, opts.env) : undefined;
}

/** Sends one mail to every operator. Throws EmailError (SMTP_*) or SigningError; the caller retries on its next run. */
export async function sendWatchdogMail(mail: WatchdogMail, problems: WatchdogProblem[], opts: WatchdogMailOptions): Promise<WatchdogMailSent> {
  // Credentials and key first: a configuration problem must not open a connection.
  const auth = smtpCredentials(opts.email, opts.env);
  const key = await signingKeyFor(opts);
  const words = renderWatchdogMail(mail, problems, {
    service: opts.service,
    repository: opts.repository,
    signed: key !== undefined,
    ...(opts.issueUrl ? { issueUrl: opts.issueUrl } : {}),
  });
  const text = key ? await signDocument(words.text, [key], { now: opts.now }) : words.text;
  const messageId = await deliverSmtp(
    opts.email,
    auth,
    { to: opts.operators.to, subject: words.subject, date: opts.now, text, html: words.html },
    opts.transportOptions,
  );
  return { messageId, signed: key !== undefined };
}
