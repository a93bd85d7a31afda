/**
 * Reporting periods: the file stem names the period (2025-h1, 2025-q3, 2025) and the
 * front matter must give exactly those calendar days, so that a reader can trust the
 * URL and contiguity can be checked day by day. Days are UTC calendar dates.
 */
import type { ReportFrontMatter } from './model.ts';

export type Cadence = ReportFrontMatter['cadence'];
export interface Period {
  start: string;
  end: string;
}

const DAY = 86_400_000;

/** `day` shifted by `n` calendar days (UTC). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

const STEM: Record<Cadence, RegExp> = {
  'half-yearly': /^(\d{4})-h([12])$/,
  quarterly: /^(\d{4})-q([1-4])$/,
  yearly: /^(\d{4})$/,
};

export const STEM_EXAMPLE: Record<Cadence, string> = {
  'half-yearly': 'YYYY-h1 or YYYY-h2, e.g. 2025-h1',
  quarterly: 'YYYY-q1 to YYYY-q4, e.g. 2025-q3',
  yearly: 'YYYY, e.g. 2025',
};

const MONTHS: Record<Cadence, number> = { 'half-yearly': 6, quarterly: 3, yearly: 12 };

const pad = (n: number): string => String(n).padStart(2, '0');
/** Last day of the months a period can end in (never February). */
const LAST_DAY: Record<number, number> = { 3: 31, 6: 30, 9: 30, 12: 31 };

/** The period a file stem stands for under `cadence`, or undefined when the stem does not fit. */
export function periodOfStem(stem: string, cadence: Cadence): Period | undefined {
  const match = STEM[cadence].exec(stem);
  if (!match) return undefined;
  const year = match[1]!;
  const months = MONTHS[cadence];
  const first = (Number(match[2] ?? 1) - 1) * months + 1;
  const last = first + months - 1;
  // Built as text, not with Date.UTC, which maps years 0-99 to 1900-1999.
  return { start: `${year}-${pad(first)}-01`, end: `${year}-${pad(last)}-${pad(LAST_DAY[last]!)}` };
}

/**
 * The first report covers the half-year we are in and is due a month after it ends, the
 * convention of `candor report new` for the next one (src/cli/commands/report.ts). candor
 * init writes it into service.yml (transparency.firstReportDue).
 */
export function firstReportDue(today: string): string {
  const year = Number(today.slice(0, 4));
  return Number(today.slice(5, 7)) <= 6 ? `${year}-07-31` : `${year + 1}-01-31`;
}
