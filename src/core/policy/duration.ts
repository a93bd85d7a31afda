/**
 * Durations as policies write them ("45 days", "session", "until the account is closed"),
 * read so that two can be compared: check treats a longer retention as a material change.
 */
import type { RetentionStep } from './facts.ts';

export type Span =
  | { kind: 'session' }
  /** A length of time, in days (a month is a twelfth of a year). */
  | { kind: 'fixed'; days: number }
  /** Bound to an event or a condition ("until …", "as long as …", "no longer than needed"), or not said: no upper limit a reader can count on. */
  | { kind: 'open'; text: string };

const UNIT_DAYS: Record<string, number> = { hour: 1 / 24, day: 1, week: 7, month: 365.25 / 12, year: 365.25 };

export function parseDuration(written: string): Span {
  if (written === 'session') return { kind: 'session' };
  const m = /^(\d+) (hour|day|week|month|year)s?$/.exec(written);
  if (m) return { kind: 'fixed', days: Number(m[1]) * UNIT_DAYS[m[2]!]! };
  return { kind: 'open', text: written };
}

/** The whole time data is kept through a retention and the periods that follow it. */
export function totalSpan(steps: RetentionStep[]): Span {
  let days = 0;
  for (const step of steps) {
    const span = parseDuration(step.period);
    if (span.kind === 'open') return span;
    if (span.kind === 'fixed') days += span.days;
  }
  return days === 0 && steps.every((s) => s.period === 'session') ? { kind: 'session' } : { kind: 'fixed', days };
}

const RANK: Record<Span['kind'], number> = { session: 0, fixed: 1, open: 2 };

/**
 * Whether `after` keeps data longer than `before`: a longer fixed time (by more than 1 %,
 * so that "12 months" → "1 year" or "365 days" → "1 year" is not longer), or a limit
 * replaced by none. Two open-ended spans cannot be ordered: false.
 */
export function isLonger(before: Span, after: Span): boolean {
  if (before.kind === 'fixed' && after.kind === 'fixed') return after.days > before.days * 1.01;
  return RANK[after.kind] > RANK[before.kind];
}
