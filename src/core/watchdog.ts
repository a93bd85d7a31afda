/**
 * The watchdog's judgement, separate from any publish run: what will soon lapse (the
 * attestation, the heartbeat, a key) or has stopped (the publish job). Pure: the clock
 * and every fact come in as parameters.
 *
 * Thresholds, all inclusive (at exactly the threshold the problem is reported):
 * - attestation and keys: EXPIRED when `expires <= now`, EXPIRES_SOON when
 *   `expires - now <= warnDays` days;
 * - heartbeat: it lives for hours (intervalHours + graceHours), so warnDays would always
 *   fire. EXPIRES_SOON when `expires - now <= heartbeatWarnHours`, by default half the
 *   attestation's graceHours (a renewal is due when the grace starts), or 12 hours;
 * - publish: PUBLISH_OVERDUE when `now - lastPublishSuccess > publishIntervalHours`
 *   (at exactly the interval it is not yet overdue). Without `lastPublishSuccess`
 *   (not known) it is not judged.
 * A missing attestation or heartbeat is reported too (ATTESTATION_MISSING, HEARTBEAT_MISSING).
 * Revoked keys and keys without an expiry are not checked.
 */
import type { KeyInfo } from './pgp/keys.ts';

export type WatchdogCode =
  | 'ATTESTATION_MISSING'
  | 'ATTESTATION_EXPIRES_SOON'
  | 'ATTESTATION_EXPIRED'
  | 'HEARTBEAT_MISSING'
  | 'HEARTBEAT_EXPIRES_SOON'
  | 'HEARTBEAT_EXPIRED'
  | 'KEY_EXPIRES_SOON'
  | 'KEY_EXPIRED'
  | 'PUBLISH_OVERDUE';

export interface WatchdogProblem {
  code: WatchdogCode;
  /** One line for people (Markdown-safe once escaped). Tests assert codes, not this. */
  message: string;
  /** What it is about: `attestation:12`, `heartbeat:340`, `key:<fingerprint>`, `publish`. */
  subject: string;
}

export interface WatchdogInput {
  /** The current attestation (AttestationData fits), or null when there is none. */
  attestation: { sequence: number; expires: string; heartbeat?: { graceHours: number } } | null;
  /** The latest heartbeat (HeartbeatData fits), or null when there is none. */
  heartbeat: { sequence: number; expires: string } | null;
  /** Every key the canary relies on (signers, heartbeat, panic). */
  keys: KeyInfo[];
  /** When the publish job last succeeded, if known. */
  lastPublishSuccess?: Date;
  now: Date;
  /** Warn this many days before the attestation or a key expires. */
  warnDays: number;
  /** How often the publish job must succeed. */
  publishIntervalHours: number;
  /** Warn this many hours before the heartbeat expires (see the module comment for the default). */
  heartbeatWarnHours?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function inDays(ms: number): string {
  const days = Math.floor(ms / DAY);
  if (days >= 2) return `in ${days} days`;
  const hours = Math.floor(ms / HOUR);
  return hours >= 1 ? `in ${hours} hour${hours === 1 ? '' : 's'}` : 'in less than an hour';
}

function ago(ms: number): string {
  const hours = Math.floor(ms / HOUR);
  return hours >= 48 ? `${Math.floor(hours / 24)} days ago` : `${hours} hours ago`;
}

type Verdict = { state: 'expired' | 'soon'; at: number; left: number } | undefined;

function judge(expires: string | Date, now: number, warnMs: number): Verdict {
  const at = expires instanceof Date ? expires.getTime() : Date.parse(expires);
  // An unreadable date is as good as expired: nobody can tell it is still valid.
  if (Number.isNaN(at)) return { state: 'expired', at: now, left: 0 };
  const left = at - now;
  if (left <= 0) return { state: 'expired', at, left };
  return left <= warnMs ? { state: 'soon', at, left } : undefined;
}

export function watchdogProblems(input: WatchdogInput): WatchdogProblem[] {
  const now = input.now.getTime();
  const problems: WatchdogProblem[] = [];
  const warnMs = input.warnDays * DAY;

  const att = input.attestation;
  if (att === null) {
    problems.push({
      code: 'ATTESTATION_MISSING',
      subject: 'attestation',
      message: 'There is no attestation: the canary says nothing. Sign one and open a pull request.',
    });
  } else {
    const v = judge(att.expires, now, warnMs);
    const subject = `attestation:${att.sequence}`;
    if (v?.state === 'expired')
      problems.push({
        code: 'ATTESTATION_EXPIRED',
        subject,
        message: `Attestation ${att.sequence} expired at ${stamp(v.at)}: the canary reads as tripped until a new attestation is signed and published.`,
      });
    else if (v)
      problems.push({
        code: 'ATTESTATION_EXPIRES_SOON',
        subject,
        message: `Attestation ${att.sequence} expires at ${stamp(v.at)}, ${inDays(v.left)}: prepare and sign the next one (candor attest), then open a pull request.`,
      });
  }

  const hb = input.heartbeat;
  const heartbeatWarnMs = (input.heartbeatWarnHours ?? (att?.heartbeat ? att.heartbeat.graceHours / 2 : 12)) * HOUR;
  if (hb === null) {
    problems.push({ code: 'HEARTBEAT_MISSING', subject: 'heartbeat', message: 'There is no heartbeat: check that the publish workflow runs and can sign.' });
  } else {
    const v = judge(hb.expires, now, heartbeatWarnMs);
    const subject = `heartbeat:${hb.sequence}`;
    if (v?.state === 'expired')
      problems.push({
        code: 'HEARTBEAT_EXPIRED',
        subject,
        message: `Heartbeat ${hb.sequence} expired at ${stamp(v.at)}: the canary reads as stale. Check the publish workflow and its signing key.`,
      });
    else if (v)
      problems.push({
        code: 'HEARTBEAT_EXPIRES_SOON',
        subject,
        message: `Heartbeat ${hb.sequence} expires at ${stamp(v.at)}, ${inDays(v.left)}, and has not been renewed: check the publish workflow.`,
      });
  }

  const keys = input.keys.filter((k) => !k.revoked && k.expires !== null).sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
  for (const key of keys) {
    const v = judge(key.expires as Date, now, warnMs);
    if (!v) continue;
    const who = key.userIDs[0] ? ` (${key.userIDs[0]})` : '';
    const subject = `key:${key.fingerprint}`;
    if (v.state === 'expired')
      problems.push({
        code: 'KEY_EXPIRED',
        subject,
        message: `Key ${key.fingerprint}${who} expired at ${stamp(v.at)}: extend its expiry (gpg --quick-set-expire) or rotate it, then publish the updated public key.`,
      });
    else
      problems.push({
        code: 'KEY_EXPIRES_SOON',
        subject,
        message: `Key ${key.fingerprint}${who} expires at ${stamp(v.at)}, ${inDays(v.left)}: extend its expiry or rotate it, then publish the updated public key.`,
      });
  }

  if (input.lastPublishSuccess !== undefined) {
    const since = now - input.lastPublishSuccess.getTime();
    if (since > input.publishIntervalHours * HOUR) {
      problems.push({
        code: 'PUBLISH_OVERDUE',
        subject: 'publish',
        message: `The publish job last succeeded at ${stamp(input.lastPublishSuccess.getTime())}, ${ago(since)}; it should succeed every ${input.publishIntervalHours} hours. Check the workflow runs.`,
      });
    }
  }
  return problems;
}
