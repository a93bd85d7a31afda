/**
 * The ledger's transitions, pure: each takes the ledger as just read under the lock
 * and returns the one to write (or null: nothing to write). The I/O side
 * (src/io/notify/ledger.ts) runs them between reading and writing the file.
 */
import { entryIndex, isFreshClaim, pairKey, type NotifyPlan, type Pair } from './plan.ts';
import type { Ledger, LedgerEntry } from './model.ts';

export const emptyLedger = (): Ledger => ({ version: 1, channels: [], entries: [] });

const byPair = (a: LedgerEntry, b: LedgerEntry): number =>
  a.event < b.event ? -1 : a.event > b.event ? 1 : a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0;

/** One spelling per ledger: sorted entries and channels, two-space JSON, final LF (small git diffs). */
export function ledgerJson(ledger: Ledger): string {
  // Fixed key order too (undefined fields are left out by JSON.stringify).
  const entries = [...ledger.entries]
    .sort(byPair)
    .map((e) => ({ event: e.event, channel: e.channel, status: e.status, at: e.at, run: e.run, ref: e.ref, error: e.error, attempts: e.attempts }));
  const sorted = { version: 1, channels: [...(ledger.channels ?? [])].sort(), entries };
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

function withEntry(ledger: Ledger, entry: LedgerEntry): Ledger {
  const key = pairKey(entry.event, entry.channel);
  return { ...ledger, entries: [...ledger.entries.filter((e) => pairKey(e.event, e.channel) !== key), entry] };
}

/**
 * Records the channels and the baseline. Returns null when the ledger exists and
 * already knows every channel, so that a run with nothing new writes nothing.
 */
export function applyBaseline(ledger: Ledger | null, plan: NotifyPlan, channels: string[], at: string, run: string): Ledger | null {
  const known = new Set(ledger?.channels ?? ledger?.entries.map((e) => e.channel) ?? []);
  if (ledger && channels.every((c) => known.has(c))) return null;
  let next: Ledger = { ...(ledger ?? emptyLedger()), channels: [...new Set([...known, ...channels])].sort() };
  for (const { event, channel } of plan.baseline) {
    next = withEntry(next, { event: event.id, channel, status: 'sent', at, run, ref: 'baseline', attempts: 0 });
  }
  return next;
}

/**
 * Claims one pair for `run`, or returns null if it is no longer claimable: another run
 * sent it, or holds a fresh claim on it, since this run made its plan.
 */
export function claimPair(ledger: Ledger | null, pair: Pair, run: string, now: Date, claimTimeoutMs: number): Ledger | null {
  const current = ledger ?? emptyLedger();
  const entry = entryIndex(current).get(pairKey(pair.event.id, pair.channel));
  if (entry && (entry.status === 'sent' || isFreshClaim(entry, now, claimTimeoutMs))) return null;
  return withEntry(current, {
    event: pair.event.id,
    channel: pair.channel,
    status: 'sending',
    at: now.toISOString(),
    run,
    attempts: (entry?.attempts ?? 0) + 1,
  });
}

export type Outcome = { ok: true; ref?: string } | { ok: false; error: string };

/**
 * Records how a delivery went. A `sent` entry is never turned back into `failed`: if
 * this run's claim had expired and another run delivered the pair meanwhile, the
 * pair stays delivered.
 */
export function recordOutcome(ledger: Ledger | null, pair: Pair, outcome: Outcome, run: string, now: Date): Ledger | null {
  const current = ledger ?? emptyLedger();
  const entry = entryIndex(current).get(pairKey(pair.event.id, pair.channel));
  if (entry?.status === 'sent' && !outcome.ok) return null;
  const base = { event: pair.event.id, channel: pair.channel, at: now.toISOString(), run, attempts: entry?.attempts ?? 1 };
  return withEntry(
    current,
    outcome.ok ? { ...base, status: 'sent', ...(outcome.ref ? { ref: outcome.ref } : {}) } : { ...base, status: 'failed', error: outcome.error },
  );
}
