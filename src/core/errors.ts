/**
 * Typed errors with stable codes. Tests assert `code`, never the wording; only entry
 * points (CLI, scripts) turn an error into an exit status.
 *
 * Every message says where (file, field), what was expected and what was received,
 * and `hint` says how to fix it.
 */

export interface ErrorDetails {
  /** The file (or URL) the problem is in, relative to the project when possible. */
  file?: string;
  /** A dotted path to the field, e.g. `statements[2].id`. */
  field?: string;
  expected?: string;
  received?: unknown;
  hint?: string;
  cause?: unknown;
}

const MAX_RECEIVED = 200;

/** Keeps huge or multi-line input out of messages and logs. */
export function describeReceived(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'nothing';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else {
    try {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the fallback for what JSON cannot write (functions, symbols); these have a useful String()
      text = JSON.stringify(value) ?? String(value);
    } catch {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a cycle or a BigInt inside: "[object Object]" is an honest last resort
      text = String(value);
    }
  }
  return text.length > MAX_RECEIVED ? `${text.slice(0, MAX_RECEIVED)}… (${text.length} chars)` : text;
}

/** The summary and its expected/received lines, without the location. */
export function formatBody(summary: string, details: ErrorDetails): string {
  const lines = [summary];
  if (details.expected !== undefined) lines.push(`  expected: ${details.expected}`);
  if ('received' in details) lines.push(`  received: ${describeReceived(details.received)}`);
  return lines.join('\n');
}

/** "file: field: " once, then the body: the one place a location is written. */
function formatMessage(summary: string, details: ErrorDetails): string {
  const where = [details.file, details.field].filter(Boolean).join(': ');
  const body = formatBody(summary, details);
  return where ? `${where}: ${body}` : body;
}

export class CandorError<C extends string = string> extends Error {
  readonly code: C;
  readonly details: ErrorDetails;
  readonly hint: string | undefined;
  /** The message without its location (file, field), for output that names them itself. */
  readonly body: string;
  /** The one-line summary, without location and details. */
  readonly summary: string;
  /**
   * Further problems of the same input, found in the same pass (a file with three bad
   * fields is one error with two more): every one is reported, each once.
   */
  readonly also: CandorError[];

  constructor(code: C, summary: string, details: ErrorDetails = {}, also: CandorError[] = []) {
    super(formatMessage(summary, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details;
    this.hint = details.hint;
    this.body = formatBody(summary, details);
    this.summary = summary;
    this.also = also;
  }
}

/** The error and the further problems it carries, in order. */
export function allProblems(error: CandorError): CandorError[] {
  return [error, ...error.also];
}

/** Content or configuration that does not meet its schema or rules. */
export type ContentErrorCode =
  | 'YAML_INVALID'
  | 'FRONT_MATTER_INVALID'
  | 'SCHEMA_INVALID'
  | 'DUPLICATE_ID'
  | 'PRIVATE_KEY_IN_REPO'
  | 'KEY_INVALID'
  | 'KEY_NOT_FOUND'
  | 'FILE_MISSING'
  | 'COMPOSE_REFUSED'
  | 'ROTATION_INVALID'
  | 'PART_MISSING'
  | 'NO_PARTS'
  | 'BRANDING_UNSAFE'
  // The canary log in the repository does not verify (decision 0031).
  | 'LOG_INVALID';
export class ContentError extends CandorError<ContentErrorCode> {}

/** Signing could not happen (no key, wrong passphrase, a signature that does not fit). */
export type SigningErrorCode =
  | 'PASSPHRASE_MISSING'
  | 'PASSPHRASE_WRONG'
  | 'KEY_NOT_SIGNING_CAPABLE'
  | 'KEY_NOT_YET_VALID'
  | 'KEY_EXPIRED'
  | 'KEY_REVOKED'
  | 'KEY_UNSUPPORTED'
  | 'SIGNER_NOT_IN_POLICY'
  | 'SIGNATURE_NOT_TEXT_MODE'
  | 'SIGNATURE_DOES_NOT_MATCH'
  | 'DOCUMENT_INVALID'
  // CANDOR_LOG_KEY missing, malformed, or not the key canary.yml names (decision 0031).
  | 'LOG_KEY_MISSING'
  | 'LOG_KEY_MISMATCH';
export class SigningError extends CandorError<SigningErrorCode> {}

/** A freshness source could not give a usable answer. */
export type FreshnessErrorCode =
  'SOURCE_UNREACHABLE' | 'SOURCE_BAD_RESPONSE' | 'SOURCES_DISAGREE' | 'NOT_ENOUGH_SOURCES' | 'HEADLINES_STALE' | 'HEADLINES_MISSING';
export class FreshnessError extends CandorError<FreshnessErrorCode> {}

/** Wrong use of the command line. */
export type UsageErrorCode =
  | 'USAGE'
  | 'INPUT_UNREADABLE'
  | 'FETCH_FAILED'
  | 'STATE_UNREADABLE'
  | 'STATE_LOCKED'
  | 'ROOT_MISSING'
  | 'SITE_NOT_BUILT'
  | 'INIT_TARGET_NOT_EMPTY'
  | 'INIT_PART_PRESENT'
  // Commander's complaints about the command line, each with its own code.
  | 'UNKNOWN_OPTION'
  | 'UNKNOWN_COMMAND'
  | 'TOO_MANY_ARGUMENTS'
  | 'ARGUMENT_MISSING'
  | 'OPTION_VALUE_MISSING'
  | 'OPTION_MISSING'
  | 'ARGUMENT_INVALID'
  | 'OPTION_CONFLICT';
export class UsageError extends CandorError<UsageErrorCode> {}

/**
 * The SMTP server did not take a notice. Messages name the host and port, never a
 * credential. SMTP_TLS: encryption was required and could not be set up, so nothing
 * was sent in plain text.
 */
export type EmailErrorCode = 'SMTP_UNREACHABLE' | 'SMTP_TLS' | 'SMTP_AUTH' | 'SMTP_REJECTED';
export class EmailError extends CandorError<EmailErrorCode> {}

/** The notifier: its ledger, its configuration, and deliveries that did not go through. */
export type NotifyErrorCode =
  'LEDGER_INVALID' | 'LEDGER_LOCKED' | 'CONTENT_INVALID' | 'CHANNEL_DUPLICATE' | 'SECRET_MISSING' | 'DELIVERY_FAILED' | 'DELIVERY_REJECTED';
export class NotifyError extends CandorError<NotifyErrorCode> {}

/** GitHub refused, failed or rate-limited a request (after bounded retries), or the GitHub setup is unusable. */
export type GitHubErrorCode = 'GITHUB_CONFIG_INVALID' | 'GITHUB_REQUEST_FAILED' | 'GITHUB_UNAVAILABLE' | 'GITHUB_RATE_LIMITED' | 'GITHUB_CONFLICT';
export class GitHubError extends CandorError<GitHubErrorCode> {
  /** HTTP status of GitHub's last answer; undefined when there was none (network error, bad setup). */
  readonly status: number | undefined;

  constructor(code: GitHubErrorCode, summary: string, details: ErrorDetails & { status?: number } = {}) {
    super(code, summary, details);
    this.status = details.status;
  }
}

export function isCandorError(error: unknown): error is CandorError {
  return error instanceof CandorError;
}

/**
 * A Node system error's code in words, for `received:` (ENOENT, ECONNREFUSED… never
 * reach a user). Unknown codes are described, not shown.
 */
export function systemReason(code: string | undefined): string {
  if (code === undefined) return 'an error of the system';
  const words: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EISDIR: 'a folder, not a file',
    ENOTDIR: 'a path through something that is not a folder',
    EACCES: 'a file this user may not read',
    EPERM: 'a file this user may not read',
    EMFILE: 'too many open files',
    ENOSPC: 'no space left on the disk',
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'the connection was cut',
    ENOTFOUND: 'no such host (the name does not resolve)',
    EAI_AGAIN: 'the host name could not be looked up (DNS)',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'the host cannot be reached',
    ENETUNREACH: 'the network cannot be reached',
    UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
    UND_ERR_SOCKET: 'the connection was cut',
    UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for an answer',
  };
  if (words[code]) return words[code];
  if (/SSL|TLS|CERT/.test(code)) return 'a TLS (https) connection could not be made: the server may not speak https, or its certificate is not trusted';
  return 'an error of the system';
}

/** JSON.parse's complaint, said as where the text stops being JSON. */
export function jsonReason(error: unknown): string {
  const message = String((error as Error)?.message);
  const m = /line (\d+) column (\d+)/.exec(message);
  if (m) return `not JSON (from line ${m[1]}, column ${m[2]})`;
  return /end of (JSON|data)/i.test(message) ? 'not JSON (it stops in the middle: cut short?)' : 'not JSON';
}

/**
 * `candor policy import` could not make a version: no date found (IMPORT_DATE_MISSING),
 * nothing left after cleanup (IMPORT_EMPTY), dates that do not give an order (IMPORT_DATE_ORDER),
 * the same text as the latest version (IMPORT_UNCHANGED).
 */
export type ImportErrorCode = 'IMPORT_DATE_MISSING' | 'IMPORT_EMPTY' | 'IMPORT_DATE_ORDER' | 'IMPORT_UNCHANGED';
export class ImportError extends CandorError<ImportErrorCode> {}
