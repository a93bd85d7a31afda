/**
 * /canary.json: the current canary as data, for monitors and scripts that do not parse
 * OpenPGP. It is a convenience copy, unsigned: only canary.txt and heartbeat.txt are
 * authenticated, and the hashes here name exactly those files' signed texts.
 */
import { underBase } from './base-path.ts';
import { canonicalJson } from '../canonical.ts';
import type { AttestationData, HeartbeatData } from '../canary/model.ts';
import { trustOf } from '../verify/verify-canary.ts';
import { timestampsJson, type SiteTimestamps } from './timestamps.ts';

export const CANARY_STATUS_FORMAT = 'candor-canary-status/1';

interface Signed<T> {
  data: T;
  hash: string;
}

export function canaryStatusJson(input: {
  service: { name: string; url: string };
  built: string;
  attestation?: Signed<AttestationData>;
  heartbeat?: Signed<HeartbeatData>;
  /** The build-time check (the same as `candor verify`): its verdict and reason codes. */
  check?: { verdict: string; reasons: { code: string }[] };
  /** The path the site is served under (service.yml `base`); / by default. */
  base?: string;
  /** The canary log (decision 0031): its origin and key, and the site's address for the checkpoint's absolute URL. */
  log?: { origin: string; vkey: string; address: string };
}): string {
  const { attestation: a, heartbeat: h } = input;
  const built = Date.parse(input.built);
  const expiredAtBuild = (t: string) => Date.parse(t) <= built;
  return `${canonicalJson({
    format: CANARY_STATUS_FORMAT,
    note: 'Unsigned convenience copy. Verify /canary.txt and /heartbeat.txt (e.g. candor verify <site> --keys <fingerprints>); only their signed text counts.',
    service: input.service,
    built: input.built,
    checkedAtBuild: input.check ? { verdict: input.check.verdict, reasons: input.check.reasons.map((r) => r.code) } : null,
    trust: a ? trustOf(a.data) : null,
    attestation: a
      ? {
          url: underBase(input.base ?? '/', '/canary.txt'),
          hash: a.hash,
          sequence: a.data.sequence,
          issued: a.data.issued,
          expires: a.data.expires,
          expiredAtBuild: expiredAtBuild(a.data.expires),
          signal: a.data.signal,
          statements: a.data.statements,
          signers: a.data.signers,
          heartbeatKeys: a.data.heartbeat.keys,
          documents: a.data.documents,
        }
      : null,
    heartbeat: h
      ? {
          url: underBase(input.base ?? '/', '/heartbeat.txt'),
          hash: h.hash,
          sequence: h.data.sequence,
          issued: h.data.issued,
          expires: h.data.expires,
          expiredAtBuild: expiredAtBuild(h.data.expires),
          attestation: h.data.attestation,
          signal: h.data.signal,
          freshness: h.data.freshness,
        }
      : null,
    ...(input.log
      ? { log: { origin: input.log.origin, key: input.log.vkey, checkpoint: new URL('canary/log/checkpoint', input.log.address).toString() } }
      : {}),
  })}\n`;
}

export const CANARY_MONITOR_FORMAT = 'candor-canary-monitor/1';
const HOUR = 3_600_000;

export type MonitorState = 'current' | 'due' | 'late' | 'expired' | 'tripped' | 'none';

/**
 * The state at `now`: tripped (a duress or final signal, or a tripped check), expired (the
 * attestation or the heartbeat), late (more than an hour past the next expected heartbeat:
 * the publish run's slack), due (the next heartbeat is expected now), current.
 */
export function monitorState(
  a: AttestationData | undefined,
  h: HeartbeatData | undefined,
  now: Date,
  verdict?: string,
): { state: MonitorState; nextHeartbeat: string | null } {
  if (!a) return { state: 'none', nextHeartbeat: null };
  const t = now.getTime();
  const last = h && h.attestation.sequence === a.sequence ? h : undefined;
  const next = last ? Date.parse(last.issued) + a.heartbeat.intervalHours * HOUR : Date.parse(a.issued);
  const nextHeartbeat = a.heartbeat.keys.length > 0 ? toIso(Math.min(next, Date.parse(a.expires))) : null;
  if (a.signal.kind !== 'none' || (h && h.signal.kind !== 'none') || verdict === 'tripped') return { state: 'tripped', nextHeartbeat };
  if (Date.parse(a.expires) <= t || (a.heartbeat.keys.length > 0 && (!last || Date.parse(last.expires) <= t))) return { state: 'expired', nextHeartbeat };
  if (nextHeartbeat === null || t < next) return { state: 'current', nextHeartbeat };
  return { state: t < next + HOUR ? 'due' : 'late', nextHeartbeat };
}

const toIso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** /canary/status.json: what a monitor needs in one fetch, as of the build (unsigned, like /canary.json). */
export function canaryMonitorJson(input: {
  built: string;
  now: Date;
  base?: string;
  attestation?: Signed<AttestationData>;
  heartbeat?: Signed<HeartbeatData>;
  check?: { verdict: string; reasons: { code: string }[] };
  log?: { origin: string; checkpoint: string; size: number; root: string; witnesses: { name: string; timestamp: number }[] };
  /** The OpenTimestamps proofs of the attestation and heartbeat, as checked at build. */
  timestamps?: SiteTimestamps;
}): string {
  const a = input.attestation?.data;
  const h = input.heartbeat?.data;
  const { state, nextHeartbeat } = monitorState(a, h, input.now, input.check?.verdict);
  return `${canonicalJson({
    format: CANARY_MONITOR_FORMAT,
    note: 'Unsigned, as of the build. Recompute the state from the times below at your own clock, and verify /canary.txt and /heartbeat.txt (candor verify).',
    evaluatedAt: input.built,
    state,
    rule: 'tripped: a duress or final signal; expired: the attestation or heartbeat has expired; late: over an hour past nextHeartbeat; due: past nextHeartbeat; else current',
    checkedAtBuild: input.check ? { verdict: input.check.verdict, reasons: input.check.reasons.map((r) => r.code) } : null,
    nextHeartbeat,
    attestation: a
      ? { url: underBase(input.base ?? '/', '/canary.txt'), sequence: a.sequence, issued: a.issued, expires: a.expires, hash: input.attestation!.hash }
      : null,
    heartbeat: h
      ? { url: underBase(input.base ?? '/', '/heartbeat.txt'), sequence: h.sequence, issued: h.issued, expires: h.expires, hash: input.heartbeat!.hash }
      : null,
    checkpoint: input.log
      ? {
          url: underBase(input.base ?? '/', '/canary/log/checkpoint'),
          origin: input.log.origin,
          size: input.log.size,
          root: input.log.root,
          witnesses: input.log.witnesses.map((w) => ({ name: w.name, timestamp: w.timestamp })),
          text: input.log.checkpoint,
        }
      : null,
    timestamps: input.timestamps ? timestampsJson(input.timestamps, input.base ?? '/') : null,
  })}\n`;
}
