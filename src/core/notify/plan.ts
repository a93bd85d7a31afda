/**
 * Which (event, channel) pairs a run delivers, from the ledger alone.
 *
 * - `sent` is final: a pair is never delivered twice on a channel.
 * - `failed` is retried by the next run; channels are independent, so one channel's
 *   failures never hold back another's pairs.
 * - `sending` is another run's claim: left alone while it is fresh, retried once it is
 *   older than the claim timeout (that run crashed mid-delivery).
 * - Baseline: on the first run (no ledger), or the first time a channel appears in it,
 *   events from before `baselineDays` days ago are recorded as sent (ref "baseline")
 *   without being delivered, so that adding a channel does not flood readers with old
 *   news. With baselineDays 0 only today's events go out; raise it to announce the
 *   recent past once.
 */
import { eventDay } from './events.ts';
import type { Ledger, LedgerEntry, NoticeEvent } from './model.ts';

export interface Pair {
  event: NoticeEvent;
  channel: string;
}

export interface NotifyPlan {
  /** To deliver now: new, failed before, or abandoned by a crashed run. */
  send: Pair[];
  /** Old news on a new channel: recorded as sent, never delivered. */
  baseline: Pair[];
  /** Already delivered. */
  done: Pair[];
  /** Claimed by another run that may still be delivering them. */
  inFlight: Pair[];
}

export interface PlanInput {
  events: NoticeEvent[];
  channels: string[];
  ledger: Ledger | null;
  baselineDays: number;
  now: Date;
  /** How long a `sending` claim protects a pair: longer than any one delivery can take. */
  claimTimeoutMs: number;
  /** Whether a channel announces an event at all (Channel.handles); default: every event. */
  handles?: (channel: string, event: NoticeEvent) => boolean;
}

export const pairKey = (event: string, channel: string): string => `${event}\n${channel}`;

export function entryIndex(ledger: Ledger | null): Map<string, LedgerEntry> {
  return new Map((ledger?.entries ?? []).map((e) => [pairKey(e.event, e.channel), e]));
}

/** Channels the ledger already knows; an older ledger without the list knows those it has entries for. */
export function knownChannels(ledger: Ledger | null): Set<string> {
  if (!ledger) return new Set();
  return new Set(ledger.channels ?? ledger.entries.map((e) => e.channel));
}

/** The first day that is not old news. */
export function baselineCutoff(now: Date, baselineDays: number): string {
  return new Date(now.getTime() - baselineDays * 86_400_000).toISOString().slice(0, 10);
}

export function isFreshClaim(entry: LedgerEntry, now: Date, claimTimeoutMs: number): boolean {
  return entry.status === 'sending' && now.getTime() - Date.parse(entry.at) < claimTimeoutMs;
}

export type PairState = 'send' | 'baseline' | 'done' | 'inFlight';

export function pairState(entry: LedgerEntry | undefined, isNewOld: boolean, now: Date, claimTimeoutMs: number): PairState {
  if (!entry) return isNewOld ? 'baseline' : 'send';
  if (entry.status === 'sent') return 'done';
  return isFreshClaim(entry, now, claimTimeoutMs) ? 'inFlight' : 'send';
}

export function planNotices(input: PlanInput): NotifyPlan {
  const plan: NotifyPlan = { send: [], baseline: [], done: [], inFlight: [] };
  const entries = entryIndex(input.ledger);
  const known = knownChannels(input.ledger);
  const cutoff = baselineCutoff(input.now, input.baselineDays);
  for (const channel of input.channels) {
    for (const event of input.events.filter((e) => input.handles?.(channel, e) ?? true)) {
      const old = !known.has(channel) && eventDay(event) < cutoff;
      plan[pairState(entries.get(pairKey(event.id, channel)), old, input.now, input.claimTimeoutMs)].push({ event, channel });
    }
  }
  return plan;
}
