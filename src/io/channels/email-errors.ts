/**
 * Turns a nodemailer failure into an EmailError with a stable code. The nodemailer
 * error is deliberately not kept as `cause`: it carries the SMTP command and the
 * server's reply, and anything that prints the cause chain (util.inspect, a CI log)
 * would print those. Only the code and a redacted reply are copied.
 */
import type { NodemailerError } from 'nodemailer';
import { EmailError, type EmailErrorCode } from '../../core/errors.ts';

export interface SmtpEndpoint {
  host: string;
  port: number;
}

const CODES: Record<string, EmailErrorCode> = {
  EAUTH: 'SMTP_AUTH',
  ENOAUTH: 'SMTP_AUTH',
  ETLS: 'SMTP_TLS',
  EREQUIRETLS: 'SMTP_TLS',
  ECONNECTION: 'SMTP_UNREACHABLE',
  ETIMEDOUT: 'SMTP_UNREACHABLE',
  ESOCKET: 'SMTP_UNREACHABLE',
  EDNS: 'SMTP_UNREACHABLE',
  EPROXY: 'SMTP_UNREACHABLE',
};

const SUMMARY: Record<EmailErrorCode, string> = {
  SMTP_UNREACHABLE: 'cannot reach the SMTP server',
  SMTP_TLS: 'cannot set up TLS with the SMTP server; nothing was sent in plain text',
  SMTP_AUTH: 'the SMTP server refused the credentials',
  SMTP_REJECTED: 'the SMTP server refused the message',
};

const HINT: Record<EmailErrorCode, string> = {
  SMTP_UNREACHABLE: 'Check notify.email.host and port, and that the job can open outgoing connections to it. The next run retries.',
  SMTP_TLS: "Check notify.email.security: 'starttls' (port 587) needs a server that offers STARTTLS with a trusted certificate, 'tls' is for port 465.",
  SMTP_AUTH: 'Check the secrets named by notify.email.userEnv and passwordEnv.',
  SMTP_REJECTED: 'Read the server reply: the sender (notify.email.from) or a recipient (notify.email.to) may not be allowed.',
};

export const endpointLabel = (e: SmtpEndpoint): string => `smtp://${e.host}:${e.port}`;

/** Every form in which a secret could travel in an SMTP dialogue (as is, and base64 for AUTH PLAIN/LOGIN). */
export function secretForms(user: string | undefined, pass: string | undefined): string[] {
  if (!pass) return [];
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [pass, b64(pass), ...(user === undefined ? [] : [b64(`\u0000${user}\u0000${pass}`), b64(`${user}\u0000${user}\u0000${pass}`)])];
}

export function redact(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('[redacted]'), text);
}

export function emailError(code: EmailErrorCode, endpoint: SmtpEndpoint, received: string, summary = SUMMARY[code]): EmailError {
  return new EmailError(code, `${summary} (${endpoint.host}:${endpoint.port})`, { file: endpointLabel(endpoint), received, hint: HINT[code] });
}

/** Node's code for a failed handshake or an untrusted certificate, which nodemailer files under ESOCKET. */
const TLS_FAILURE = /^ERR_(SSL|TLS)_|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

function codeOf(e: Partial<NodemailerError>): EmailErrorCode {
  if (e.code === 'ESOCKET' && e.originalCode && TLS_FAILURE.test(e.originalCode)) return 'SMTP_TLS';
  return CODES[e.code ?? ''] ?? (e.responseCode === undefined && e.code === undefined ? 'SMTP_UNREACHABLE' : 'SMTP_REJECTED');
}

export function toEmailError(error: unknown, endpoint: SmtpEndpoint, secrets: string[]): EmailError {
  if (error instanceof EmailError) return error;
  const e = error as Partial<NodemailerError>;
  const code = codeOf(e);
  const reply = e.response ?? (error instanceof Error ? error.message : String(error));
  return emailError(code, endpoint, redact(`${e.code ?? 'error'}: ${reply}`, secrets));
}
