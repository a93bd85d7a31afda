/**
 * The rules of transparency reports (pure; the clock is a parameter): the figures of each
 * row must agree with one another, suppression must really hide what it suppresses, and
 * the reports must cover time without gaps or overlaps and keep their promised dates.
 */
import { problem, type Problem } from '../policy/problems.ts';
import { addTotals, countRange, countTotal, isExact, totalRange, type Range } from './count.ts';
import { OUTCOME_KEYS, type Count, type Report, type RequestRow } from './model.ts';
import { addDays, daysBetween } from './period.ts';

export { reportHistoryProblems } from './history.ts';

export interface ReportCheckOptions {
  now: Date;
  /** A note is shown when the next report is due within this many days (default 14). */
  dueSoonDays?: number;
  /**
   * Report files that did not parse: the periods are then not checked for gaps, which
   * the missing report would cause (the cause is reported once, by the file itself).
   */
  unreadable?: string[];
}

const fileOf = (r: Report): string => `content/${r.path}`;

/** Every count of a row with its field path, for the per-count checks. */
function rowCounts(row: RequestRow, at: string): [string, Count][] {
  return [
    [`${at}.received`, row.received],
    [`${at}.accountsSpecified`, row.accountsSpecified],
    [`${at}.accountsAffected`, row.accountsAffected],
    ...OUTCOME_KEYS.map((k): [string, Count] => [`${at}.outcomes.${k}`, row.outcomes[k]]),
    ...row.rejectionReasons.map((r, i): [string, Count] => [`${at}.rejectionReasons[${i}].count`, r.count]),
    [`${at}.usersNotified`, row.usersNotified],
    [`${at}.gagOrders`, row.gagOrders],
  ];
}

function reportCounts(r: Report): [string, Count][] {
  return [
    ...r.requests.flatMap((row, i) => rowCounts(row, `requests[${i}]`)),
    ...r.nationalSecurity.flatMap((ns, i): [string, Count][] => [
      [`nationalSecurity[${i}].received`, ns.received],
      [`nationalSecurity[${i}].accountsAffected`, ns.accountsAffected],
    ]),
  ];
}

/** BAND_INVALID and SUPPRESSED_INVALID (threshold), which the schema cannot express. */
function countProblems(r: Report): Problem[] {
  return reportCounts(r).flatMap(([field, c]): Problem[] => {
    if (typeof c === 'number') return [];
    if ('band' in c && c.band[0] > c.band[1])
      return [
        problem('error', 'BAND_INVALID', fileOf(r), `band ${c.band[0]}-${c.band[1]}: the lower bound is above the upper bound`, {
          field,
          hint: 'Write a band as [lower, upper], e.g. [0, 249].',
        }),
      ];
    if ('suppressed' in c && c.threshold < 1)
      return [problem('error', 'SUPPRESSED_INVALID', fileOf(r), `suppression threshold ${c.threshold} is below 1`, { field })];
    return [];
  });
}

const disjoint = (a: Range, b: Range): boolean => a.upper < b.lower || b.upper < a.lower;
const show = (x: Range): string => (x.lower === x.upper ? String(x.lower) : `${x.lower}-${x.upper}`);

/**
 * A whole and its parts disagree when no value the whole allows equals a sum the parts
 * allow: for exact counts that is plain inequality; with bands or suppressed counts it is
 * only flagged when decidable. Unreadable counts are left to countProblems.
 */
function sumMismatch(whole: Count, parts: Count[]): string | undefined {
  const w = countRange(whole);
  const p = totalRange(addTotals(parts.map(countTotal)));
  if (!w || !p || !disjoint(w, p)) return undefined;
  return `${show(p)} against ${show(w)}`;
}

/**
 * A suppressed count that is the only non-exact member of a sum can be recovered by
 * subtraction, so its suppression hides nothing.
 */
function recoverable(members: Count[]): boolean {
  const inexact = members.filter((c) => !isExact(c));
  return inexact.length === 1 && typeof inexact[0] === 'object' && 'suppressed' in inexact[0];
}

function rowProblems(r: Report, row: RequestRow, i: number): Problem[] {
  const out: Problem[] = [];
  const at = `requests[${i}]`;
  const outcomes = OUTCOME_KEYS.map((k) => row.outcomes[k]);
  const reasons = row.rejectionReasons.map((x) => x.count);
  const outcomeGap = sumMismatch(row.received, outcomes);
  if (outcomeGap)
    out.push(
      problem('error', 'OUTCOMES_MISMATCH', fileOf(r), `outcomes add up to ${outcomeGap} received`, {
        field: `${at}.outcomes`,
        hint: 'Each request ends in exactly one outcome; pending counts those not yet answered.',
      }),
    );
  const reasonGap = reasons.length > 0 ? sumMismatch(row.outcomes.rejected, reasons) : undefined;
  if (reasonGap)
    out.push(
      problem('error', 'REJECTION_REASONS_MISMATCH', fileOf(r), `rejection reasons add up to ${reasonGap} rejected`, { field: `${at}.rejectionReasons` }),
    );
  if (recoverable([row.received, ...outcomes]) || (reasons.length > 0 && recoverable([row.outcomes.rejected, ...reasons]))) {
    out.push(
      problem('error', 'SUPPRESSED_INVALID', fileOf(r), 'a suppressed count can be worked out from the exact counts beside it', {
        field: at,
        hint: 'Suppress a second figure of the same sum, or publish the exact count.',
      }),
    );
  }
  const affected = countRange(row.accountsAffected);
  const specified = countRange(row.accountsSpecified);
  if (affected && specified && affected.lower > specified.upper)
    out.push(
      problem('warning', 'ACCOUNTS_INCONSISTENT', fileOf(r), `${show(affected)} accounts affected but only ${show(specified)} specified`, {
        field: `${at}.accountsAffected`,
      }),
    );
  return out;
}

function dateProblems(r: Report): Problem[] {
  const out: Problem[] = [];
  if (r.nextReportDue <= r.period.end)
    out.push(
      problem('error', 'NEXT_DUE_INVALID', fileOf(r), `next report due ${r.nextReportDue}, not after the period ends (${r.period.end})`, {
        field: 'nextReportDue',
      }),
    );
  if (r.published <= r.period.end)
    out.push(
      problem('error', 'PUBLISHED_TOO_EARLY', fileOf(r), `published ${r.published}, before the period is over (${r.period.end})`, {
        field: 'published',
        hint: 'A report is published after the last day it covers.',
      }),
    );
  return out;
}

/**
 * Reports sorted by period start: each starts the day after the furthest end so far
 * (not just the previous report's, so a yearly report overlapping two halves is caught).
 */
function sequenceProblems(sorted: Report[]): Problem[] {
  const out: Problem[] = [];
  let reach = sorted[0];
  for (const r of sorted.slice(1)) {
    const expected = addDays(reach!.period.end, 1);
    if (r.period.start > expected)
      out.push(
        problem(
          'error',
          'PERIOD_GAP',
          fileOf(r),
          `starts ${r.period.start}, but ${reach!.id} ends ${reach!.period.end}: ${expected} to ${addDays(r.period.start, -1)} is not covered`,
          { field: 'period.start', hint: 'Publish a report for the missing period, even if it has no requests.' },
        ),
      );
    if (r.period.start < expected)
      out.push(
        problem('error', 'PERIOD_OVERLAP', fileOf(r), `starts ${r.period.start}, within ${reach!.id} (${reach!.period.start} to ${reach!.period.end})`, {
          field: 'period.start',
        }),
      );
    if (r.period.end > reach!.period.end) reach = r;
  }
  return out;
}

/** The latest report's promise: note when the next is due soon, warn when it is overdue. */
function dueProblems(latest: Report, opts: ReportCheckOptions): Problem[] {
  const left = daysBetween(opts.now.toISOString().slice(0, 10), latest.nextReportDue);
  if (left < 0)
    return [
      problem('warning', 'REPORT_OVERDUE', fileOf(latest), `the next report was due ${latest.nextReportDue}, ${-left} days ago`, {
        field: 'nextReportDue',
        hint: 'Publish the next report, or correct nextReportDue with a corrections entry.',
      }),
    ];
  if (left <= (opts.dueSoonDays ?? 14))
    return [
      problem('note', 'REPORT_UPCOMING_DUE', fileOf(latest), `the next report is due ${latest.nextReportDue}, in ${left} days`, { field: 'nextReportDue' }),
    ];
  return [];
}

export function checkReports(reports: Report[], opts: ReportCheckOptions): Problem[] {
  const sorted = [...reports].sort((a, b) => a.period.start.localeCompare(b.period.start) || a.period.end.localeCompare(b.period.end));
  const perReport = sorted.flatMap((r) => [...countProblems(r), ...r.requests.flatMap((row, i) => rowProblems(r, row, i)), ...dateProblems(r)]);
  const latest = sorted.at(-1);
  const unreadable = opts.unreadable ?? [];
  const sequence =
    unreadable.length === 0
      ? sequenceProblems(sorted)
      : [
          problem(
            'note',
            'PERIODS_NOT_CHECKED',
            unreadable[0]!,
            `periods not checked for gaps or overlaps until ${unreadable.join(', ')} ${unreadable.length === 1 ? 'reads' : 'read'} without errors`,
          ),
        ];
  return [...perReport, ...sequence, ...(latest ? dueProblems(latest, opts) : [])];
}

/** The half-year the first report covers: the one ending before its due day, else the one we are in. */
function firstPeriod(due: string | undefined, now: Date): string {
  const [year, month] = due ? [Number(due.slice(0, 4)), Number(due.slice(5, 7))] : [now.getUTCFullYear(), now.getUTCMonth() + 1];
  if (!due) return `${year}-h${month <= 6 ? 1 : 2}`;
  return month <= 6 ? `${year - 1}-h2` : `${year}-h1`;
}

/**
 * Reports chosen and none written yet (decision 0022): a note while the first is not due
 * (with its day when service.yml promises one), a warning once that day has passed.
 */
export function firstReportProblems(firstReportDue: string | undefined, now: Date): Problem[] {
  const hint = `Start it with candor report new ${firstPeriod(firstReportDue, now)} (docs/content.md#transparency-reports).`;
  if (firstReportDue === undefined)
    return [problem('note', 'REPORTS_NONE_YET', 'content/transparency', 'no report published yet: the transparency page says so until the first', { hint })];
  const left = daysBetween(now.toISOString().slice(0, 10), firstReportDue);
  if (left < 0)
    return [
      problem('warning', 'REPORT_OVERDUE', 'content/service.yml', `the first report was due ${firstReportDue}, ${-left} days ago, and none is published`, {
        field: 'transparency.firstReportDue',
        hint,
      }),
    ];
  return [
    problem(
      'note',
      'REPORTS_NONE_YET',
      'content/transparency',
      `no report published yet; the first is due ${firstReportDue}, in ${left} days (the transparency page says so)`,
      {
        hint,
      },
    ),
  ];
}
