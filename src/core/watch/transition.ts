/**
 * The watcher's memory of one site and how an observation moves it (docs/watch.md#events).
 * Pure: the previous state and one observation in, the next state and the events out.
 * An event is a change, never a repeat: the same observation twice says nothing new.
 *
 * Honest about what it knows: a site that cannot be reached is "unknown since …" after
 * `unknownAfter` failed checks in a row, never "stale" (its canary may be fine).
 */

import type { LogMemory } from './log.ts';

export type Status = 'alive' | 'stale' | 'tripped' | 'invalid' | 'held' | 'unknown';

/** What one check of a site found: the verdict of a canary, or no answer at all. */
export type Observation =
  | { kind: 'unreachable'; at: string; problem: string }
  | {
      kind: 'checked';
      at: string;
      /** The verifier's verdict with the keys trusted (pins, or those accepted). */
      verdict: 'alive' | 'stale' | 'tripped' | 'invalid';
      reasons: { code: string; message: string }[];
      /** Fingerprints whose signatures are good and trusted. */
      signers: string[];
      /** Fingerprints whose signatures are good but that nobody trusted: a key change. */
      untrusted: string[];
      statements: string[];
      /** SHA-256 of the canary as served: a different one is a different canary. */
      hash: string;
      issued?: string;
      expires?: string;
      /** "stated" by the canary, or from the rule (another system's cadence is unknown). */
      expiresFrom?: 'stated' | 'rule';
      /** A Candor site with a log: its checkpoint, verified and consistent with the one remembered. */
      log?: LogMemory;
    };

export interface SiteState {
  status: Status;
  /** When the current status began. */
  since: string;
  checkedAt: string;
  /** Failed checks in a row, and when the first of them was. */
  failures: number;
  failingSince?: string;
  /** The last status seen from an answer, kept while the site is unknown. */
  lastVerdict?: Status;
  /** Trusted on first use (or accepted later): the keys this watcher trusts for a tofu site. */
  accepted: string[];
  /** True once any check got an answer: the first answer is announced ("watching"). */
  answered?: boolean;
  /** Keys seen signing that are not trusted: held until `candor watch accept` (tofu), or only said (pinned). */
  pending?: string[];
  signers: string[];
  statements: string[];
  hash?: string;
  issued?: string;
  expires?: string;
  expiresFrom?: 'stated' | 'rule';
  /** The last checkpoint of the site's log this watcher verified: every later one must extend it. */
  log?: LogMemory;
  reasons: { code: string; message: string }[];
}

export type EventKind = 'watching' | 'alive' | 'stale' | 'tripped' | 'invalid' | 'held' | 'unknown' | 'key-changed' | 'statement-changed';

export interface WatchEvent {
  site: string;
  kind: EventKind;
  at: string;
  /** One line for a person. */
  message: string;
  /** Stable across reruns: the same transition has the same id (alerts exactly once). */
  id: string;
}

export interface SitePolicy {
  name: string;
  tofu: boolean;
  unknownAfter: number;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function event(site: string, kind: EventKind, at: string, message: string): WatchEvent {
  return { site, kind, at, message, id: `${site}/${at}/${kind}` };
}

function describe(status: Status, obs: Extract<Observation, { kind: 'checked' }> | undefined, pending: string[] = []): string {
  const why = obs?.reasons[0] ? `: ${obs.reasons[0].code} ${obs.reasons[0].message}` : '';
  switch (status) {
    case 'alive':
      return `alive${obs?.expires ? `, expires ${obs.expires}${obs.expiresFrom === 'rule' ? ' (by the watch rule: the canary states no expiry)' : ''}` : ''}`;
    case 'stale':
      return `STALE${why}`;
    case 'tripped':
      return `TRIPPED${why}`;
    case 'invalid':
      return `INVALID${why}`;
    case 'held':
      return `a key change is held: signed by ${pending.join(', ')}, which you have not accepted (candor watch accept NAME)`;
    case 'unknown':
      return 'unknown';
  }
}

function unreachable(prev: SiteState | undefined, obs: Extract<Observation, { kind: 'unreachable' }>, policy: SitePolicy) {
  const failures = (prev?.failures ?? 0) + 1;
  const failingSince = prev?.failingSince ?? obs.at;
  const base: SiteState = prev ?? { status: 'unknown', since: obs.at, checkedAt: obs.at, failures: 0, accepted: [], signers: [], statements: [], reasons: [] };
  const next: SiteState = { ...base, checkedAt: obs.at, failures, failingSince };
  const events: WatchEvent[] = [];
  // Once per outage: when the failures in a row reach the limit.
  if (failures === policy.unknownAfter) {
    next.status = 'unknown';
    next.since = failingSince;
    if (prev && prev.status !== 'unknown') next.lastVerdict = prev.status;
    events.push(event(policy.name, 'unknown', obs.at, `unknown since ${failingSince}: ${failures} checks in a row failed (${obs.problem})`));
  }
  return { state: next, events };
}

/** Where the site stands after `obs`, and what changed. */
export function transition(prev: SiteState | undefined, obs: Observation, policy: SitePolicy): { state: SiteState; events: WatchEvent[] } {
  if (obs.kind === 'unreachable') return unreachable(prev, obs, policy);
  const events: WatchEvent[] = [];
  const at = obs.at;
  const first = !prev?.answered;
  // Trust on first use: every key with a good signature on the first answer.
  const accepted = policy.tofu && first ? [...new Set([...obs.signers, ...obs.untrusted])].sort() : (prev?.accepted ?? []);
  const untrusted = obs.untrusted.filter((f) => !accepted.includes(f)).sort();
  const signers = [...new Set([...obs.signers, ...obs.untrusted.filter((f) => accepted.includes(f))])].sort();
  const status: Status = policy.tofu && untrusted.length > 0 ? 'held' : obs.verdict;
  // An invalid or held canary is not the baseline: a forgery or an unaccepted key must not
  // become what the next canary is compared with.
  const moves = status !== 'invalid' && status !== 'held';
  // A tofu site keeps trusting the signers of the canaries it accepted (a handover the
  // verifier followed), so that its remembered canary verifies on the next check too.
  const trusted = policy.tofu && moves ? [...new Set([...accepted, ...signers])].sort() : accepted;
  const seen =
    moves || !prev ? { signers, statements: obs.statements, hash: obs.hash, issued: obs.issued, expires: obs.expires, expiresFrom: obs.expiresFrom } : prev;
  const state: SiteState = {
    status,
    since: prev && prev.status === status ? prev.since : at,
    checkedAt: at,
    failures: 0,
    answered: true,
    accepted: trusted,
    ...(untrusted.length > 0 ? { pending: untrusted } : {}),
    signers: moves || !prev ? signers : prev.signers,
    statements: moves || !prev ? obs.statements : prev.statements,
    ...(seen.hash !== undefined ? { hash: seen.hash } : {}),
    ...(seen.issued ? { issued: seen.issued } : {}),
    ...(seen.expires ? { expires: seen.expires } : {}),
    ...(seen.expiresFrom ? { expiresFrom: seen.expiresFrom } : {}),
    // A checkpoint proven consistent is a fact of the log whatever the canary's verdict: it moves on its own.
    ...(obs.log ? { log: obs.log } : prev?.log ? { log: prev.log } : {}),
    reasons: obs.reasons,
  };
  if (first) {
    const trust = policy.tofu ? `trusted on first use: ${accepted.join(', ') || 'no key'}` : `pinned keys: ${signers.join(', ') || 'none signed'}`;
    events.push(event(policy.name, 'watching', at, `now watched (${trust}); ${describe(status, obs, untrusted)}`));
    return { state, events };
  }
  const pendingChanged = !sameSet(untrusted, prev.pending ?? []);
  const keyNews = [
    !policy.tofu && untrusted.length > 0 && pendingChanged ? `signed by ${untrusted.join(', ')}, which is not pinned` : '',
    moves && !sameSet(prev.signers, signers) ? `signed by ${signers.join(', ') || 'no trusted key'}` : '',
  ].filter(Boolean);
  if (keyNews.length > 0) events.push(event(policy.name, 'key-changed', at, `${keyNews.join('; ')} (was ${prev.signers.join(', ') || 'none'})`));
  if (moves && !sameList(prev.statements, obs.statements) && obs.statements.length > 0) {
    const removed = prev.statements.filter((s) => !obs.statements.includes(s));
    const added = obs.statements.filter((s) => !prev.statements.includes(s));
    const parts = [
      removed.length ? `removed: ${removed.map((s) => JSON.stringify(s)).join(', ')}` : '',
      added.length ? `added: ${added.map((s) => JSON.stringify(s)).join(', ')}` : '',
    ];
    events.push(event(policy.name, 'statement-changed', at, `the statements changed (${parts.filter(Boolean).join('; ') || 'reordered'})`));
  }
  const wasStatus = prev.status === 'unknown' ? prev.lastVerdict : prev.status;
  if (status !== prev.status || (status === 'held' && pendingChanged)) {
    if (status === 'alive' && prev.status !== 'alive') {
      const back =
        prev.status === 'unknown' && prev.failures === 0
          ? 'after your accept'
          : prev.status === 'unknown'
            ? `reachable again after ${prev.failures} failed checks since ${prev.failingSince ?? prev.since}`
            : `was ${prev.status}`;
      events.push(event(policy.name, 'alive', at, `back to alive (${back}); ${describe(status, obs)}`));
    } else if (status !== wasStatus || status === 'held') events.push(event(policy.name, status, at, describe(status, obs, untrusted)));
    else if (prev.status === 'unknown') events.push(event(policy.name, status, at, `reachable again; still ${describe(status, obs)}`));
  }
  return { state, events };
}

/**
 * `candor watch accept NAME`: the held keys become trusted and a trip is acknowledged.
 * Until the next check the watcher does not know where the site stands: unknown.
 */
export function accept(prev: SiteState, at: string): SiteState {
  // A new log key accepted: the next checkpoint is a first use of the new log, said as such.
  const newLog = prev.reasons.some((r) => r.code === 'LOG_KEY_CHANGED');
  const { pending: _, lastVerdict: __, log, ...rest } = prev;
  const accepted = [...new Set([...prev.accepted, ...(prev.pending ?? [])])].sort();
  return {
    ...rest,
    ...(log && !newLog ? { log } : {}),
    accepted,
    status: 'unknown',
    since: at,
    reasons: [{ code: 'ACCEPTED', message: `accepted ${at}; the next check decides` }],
  };
}

/**
 * Exit codes of `candor watch` (README "Verdicts and exit codes"): the most severe status of
 * any watched site. tripped, stale and invalid are `candor verify`'s; held and unknown are the
 * watcher's own.
 */
export const WATCH_EXIT: Record<Status, number> = { alive: 0, tripped: 1, stale: 2, invalid: 3, held: 4, unknown: 5 };
const SEVERITY: Status[] = ['tripped', 'invalid', 'held', 'stale', 'unknown', 'alive'];

/** The most severe of the statuses (alive for none). */
export function worstStatus(statuses: Status[]): Status {
  return SEVERITY.find((s) => statuses.includes(s)) ?? 'alive';
}
