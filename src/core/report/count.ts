/**
 * Arithmetic on counts. Every count is read as the range of values it allows, so that
 * exact numbers, bands and suppressed numbers add up by one rule (interval addition)
 * and a check can tell when two figures cannot both be true.
 */
import type { Count } from './model.ts';
import type { Total } from './output.ts';

export interface Range {
  lower: number;
  upper: number;
}

export const isExact = (c: Count): c is number => typeof c === 'number';

/** A count as a total of one: exact, a range with its basis, or unknown when it cannot be read. */
export function countTotal(c: Count): Total {
  if (typeof c === 'number') return { exact: c };
  if ('band' in c) {
    const [lower, upper] = c.band;
    return lower <= upper
      ? { lower, upper, basis: [c.basis] }
      : { unknown: true, reasons: [`band ${lower}-${upper} has its lower bound above its upper bound`] };
  }
  // Suppressed means "fewer than threshold", possibly none: claim no more than that.
  if (c.threshold < 1) return { unknown: true, reasons: [`suppression threshold ${c.threshold} is below 1`] };
  return { lower: 0, upper: c.threshold - 1, basis: [`${c.suppressed} (fewer than ${c.threshold})`] };
}

const union = (lists: string[][]): string[] => [...new Set(lists.flat())];

/** Adds totals: unknown wins, then any range makes a range, else exact. */
export function addTotals(totals: Total[]): Total {
  const unknown = totals.filter((t) => 'unknown' in t);
  if (unknown.length > 0) return { unknown: true, reasons: union(unknown.map((t) => t.reasons)) };
  const ranges = totals.map(totalRange) as Range[];
  const lower = ranges.reduce((sum, r) => sum + r.lower, 0);
  const upper = ranges.reduce((sum, r) => sum + r.upper, 0);
  if (totals.every((t) => 'exact' in t)) return { exact: lower };
  return { lower, upper, basis: union(totals.map((t) => ('basis' in t ? t.basis : []))) };
}

export const sumCounts = (counts: Count[]): Total => addTotals(counts.map(countTotal));

/** The values a total allows, or undefined when it is unknown. */
export function totalRange(t: Total): Range | undefined {
  if ('exact' in t) return { lower: t.exact, upper: t.exact };
  if ('unknown' in t) return undefined;
  return { lower: t.lower, upper: t.upper };
}

/** The values a count allows, or undefined when it cannot be read. */
export const countRange = (c: Count): Range | undefined => totalRange(countTotal(c));
