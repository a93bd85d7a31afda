/**
 * Totals, rates and breakdowns, computed from the request rows and never typed in
 * (docs/content.md): what the site renders and the JSON download carries.
 */
import { addTotals, sumCounts } from './count.ts';
import { countryName } from './countries.ts';
import { channel, dataCategory, OUTCOME_KEYS, requesterType, type Count, type Outcomes, type Report, type RequestRow } from './model.ts';
import type { AcrossSummary, Breakdown, PeriodTotals, Rates, ReportSummary, Total, Totals } from './output.ts';

const sum = (rows: RequestRow[], pick: (row: RequestRow) => Count): Total => sumCounts(rows.map(pick));

export function totalsOf(rows: RequestRow[]): Totals {
  const outcomes = Object.fromEntries(OUTCOME_KEYS.map((k) => [k, sum(rows, (r) => r.outcomes[k])])) as Record<keyof Outcomes, Total>;
  return {
    rows: rows.length,
    received: sum(rows, (r) => r.received),
    accountsSpecified: sum(rows, (r) => r.accountsSpecified),
    accountsAffected: sum(rows, (r) => r.accountsAffected),
    outcomes,
    usersNotified: sum(rows, (r) => r.usersNotified),
    gagOrders: sum(rows, (r) => r.gagOrders),
  };
}

/** Percent with one decimal; a rate of a range would suggest a precision the data does not have. */
function percent(part: Total, whole: Total): number | null {
  if (!('exact' in part) || !('exact' in whole) || whole.exact === 0) return null;
  return Math.round((part.exact * 1000) / whole.exact) / 10;
}

export function ratesOf(t: Totals): Rates {
  const byOutcome = Object.fromEntries(OUTCOME_KEYS.map((k) => [k, percent(t.outcomes[k], t.received)])) as Record<keyof Outcomes, number | null>;
  const disclosed = addTotals([t.outcomes.contentDisclosed, t.outcomes.nonContentDisclosed]);
  return { ...byOutcome, disclosed: percent(disclosed, t.received) };
}

const tally = (rows: RequestRow[]): { totals: Totals; rates: Rates } => {
  const totals = totalsOf(rows);
  return { totals, rates: ratesOf(totals) };
};

/** Rows grouped by `key`, groups in the order of `order` (or sorted when none is given). */
function groupBy(rows: RequestRow[], key: (row: RequestRow) => string, order?: readonly string[]): [string, RequestRow[]][] {
  const groups = new Map<string, RequestRow[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  const keys = order ? order.filter((k) => groups.has(k)) : [...groups.keys()].sort();
  return keys.map((k) => [k, groups.get(k)!]);
}

/** Rejection reasons added up by their wording, in order of first appearance. */
function rejectionReasons(rows: RequestRow[]): Breakdown['rejectionReasons'] {
  const byReason = new Map<string, Count[]>();
  for (const { reason, count } of rows.flatMap((r) => r.rejectionReasons)) byReason.set(reason, [...(byReason.get(reason) ?? []), count]);
  return [...byReason].map(([reason, counts]) => ({ reason, total: sumCounts(counts) }));
}

export function breakdownOf(rows: RequestRow[]): Breakdown {
  return {
    ...tally(rows),
    rejectionReasons: rejectionReasons(rows),
    byCountry: groupBy(rows, (r) => r.country).map(([country, group]) => ({ country, name: countryName(country), ...tally(group) })),
    byRequesterType: groupBy(rows, (r) => r.requesterType, requesterType.options).map(([key, group]) => ({ requesterType: key, ...tally(group) })),
    byChannel: groupBy(rows, (r) => r.channel, channel.options).map(([key, group]) => ({ channel: key, ...tally(group) })),
    byDataCategory: groupBy(rows, (r) => r.dataCategory, dataCategory.options).map(([key, group]) => ({ dataCategory: key, ...tally(group) })),
  };
}

/** One report's totals and breakdowns; national-security rows stay as published (bands by law). */
export function summarize(report: Report): ReportSummary {
  return { ...breakdownOf(report.requests), nationalSecurity: report.nationalSecurity };
}

const byStart = (reports: Report[]): Report[] => [...reports].sort((a, b) => a.period.start.localeCompare(b.period.start));

/** Totals per period, oldest first: the data of the site's charts. */
export function timeSeries(reports: Report[]): PeriodTotals[] {
  return byStart(reports).map((r) => ({ report: r.id, period: r.period, cadence: r.cadence, ...tally(r.requests) }));
}

/**
 * All reports added up. Overlapping periods would count requests twice; checkReports
 * refuses them, so this does not look again.
 */
export function acrossReports(reports: Report[]): AcrossSummary {
  const sorted = byStart(reports);
  const period =
    sorted.length === 0
      ? null
      : {
          start: sorted[0]!.period.start,
          end: sorted
            .map((r) => r.period.end)
            .sort()
            .at(-1)!,
        };
  return { reports: sorted.map((r) => r.id), period, ...breakdownOf(sorted.flatMap((r) => r.requests)) };
}
