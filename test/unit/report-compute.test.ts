import { describe, expect, it } from 'vitest';
import { acrossReports, ratesOf, summarize, timeSeries, totalsOf } from '../../src/core/report/compute.ts';
import { addTotals, countTotal, sumCounts } from '../../src/core/report/count.ts';
import type { RequestRow } from '../../src/core/report/model.ts';
import { fixtureReports, report } from '../helpers/report.ts';

const band = (lower: number, upper: number, basis = '50 U.S.C. 1874(a)(3)') => ({ band: [lower, upper] as [number, number], basis });
const few = (threshold = 5, suppressed = 'small number') => ({ suppressed, threshold });
const rows = (...specs: Record<string, unknown>[]): RequestRow[] => report({ id: '2025-h1', requests: specs }).requests;

describe('counts add up as ranges', () => {
  it('exact counts add up exactly, and nothing is exactly 0', () => {
    expect(sumCounts([1, 2, 3])).toEqual({ exact: 6 });
    expect(sumCounts([])).toEqual({ exact: 0 });
  });

  it('bands add up as ranges, with each basis once', () => {
    expect(sumCounts([band(0, 249), band(0, 249), 3])).toEqual({ lower: 3, upper: 501, basis: ['50 U.S.C. 1874(a)(3)'] });
    expect(sumCounts([band(0, 999, 'A'), band(250, 499, 'B')])).toEqual({ lower: 250, upper: 1498, basis: ['A', 'B'] });
  });

  it('a suppressed count is 0 to threshold-1', () => {
    expect(countTotal(few(10, 'fewer than ten'))).toEqual({ lower: 0, upper: 9, basis: ['fewer than ten (fewer than 10)'] });
    expect(sumCounts([4, few(5), few(5)])).toEqual({ lower: 4, upper: 12, basis: ['small number (fewer than 5)'] });
  });

  it('an unreadable count makes the total unknown', () => {
    expect(sumCounts([1, band(9, 3)])).toEqual({ unknown: true, reasons: ['band 9-3 has its lower bound above its upper bound'] });
    expect(sumCounts([band(0, 249), { suppressed: 'x', threshold: 0 }])).toMatchObject({ unknown: true });
    expect(addTotals([{ unknown: true, reasons: ['a'] }, { unknown: true, reasons: ['a'] }, { exact: 1 }])).toEqual({ unknown: true, reasons: ['a'] });
  });
});

describe('summarize', () => {
  it('totals every kind of count of the rows', () => {
    const t = totalsOf(
      rows(
        { received: 4, accountsSpecified: 5, accountsAffected: 2, outcomes: { nonContentDisclosed: 2, rejected: 2 }, usersNotified: 1, gagOrders: 1 },
        { country: 'FR', received: band(0, 249), accountsSpecified: band(0, 249), accountsAffected: few(), outcomes: { pending: band(0, 249) } },
      ),
    );
    expect(t.rows).toBe(2);
    expect(t.received).toEqual({ lower: 4, upper: 253, basis: ['50 U.S.C. 1874(a)(3)'] });
    expect(t.accountsAffected).toEqual({ lower: 2, upper: 6, basis: ['small number (fewer than 5)'] });
    expect(t.outcomes.nonContentDisclosed).toEqual({ exact: 2 });
    expect(t.outcomes.contentDisclosed).toEqual({ exact: 0 });
    expect([t.usersNotified, t.gagOrders]).toEqual([{ exact: 1 }, { exact: 1 }]);
  });

  it('computes percentages only from exact counts', () => {
    const exact = ratesOf(totalsOf(rows({ received: 3, outcomes: { contentDisclosed: 1, nonContentDisclosed: 1, rejected: 1 } })));
    expect(exact).toMatchObject({ contentDisclosed: 33.3, nonContentDisclosed: 33.3, rejected: 33.3, disclosed: 66.7, pending: 0 });
    expect(ratesOf(totalsOf(rows({ received: 0 }))).disclosed).toBeNull();
    const banded = ratesOf(totalsOf(rows({ received: 3, outcomes: { rejected: few(), noData: few() } })));
    expect([banded.rejected, banded.disclosed, banded.contentDisclosed]).toEqual([null, 0, 0]);
    expect(ratesOf(totalsOf(rows({ received: band(0, 249), outcomes: { pending: band(0, 249) } }))).pending).toBeNull();
  });

  it('breaks down by country (with English names), requester type, channel and data category', () => {
    const s = summarize(
      report({
        id: '2025-h1',
        requests: [
          { country: 'US', requesterType: 'court', received: 1, outcomes: { noData: 1 } },
          { country: 'DE', requesterType: 'prosecutor', received: 2, outcomes: { noData: 2 } },
          { country: 'DE', requesterType: 'law-enforcement', dataCategory: 'traffic', received: 3, outcomes: { noData: 3 } },
        ],
      }),
    );
    expect(s.byCountry.map((g) => [g.country, g.name, g.totals.received])).toEqual([
      ['DE', 'Germany', { exact: 5 }],
      ['US', 'United States of America', { exact: 1 }],
    ]);
    expect(s.byRequesterType.map((g) => g.requesterType)).toEqual(['law-enforcement', 'prosecutor', 'court']);
    expect(s.byChannel.map((g) => [g.channel, g.totals.rows])).toEqual([['direct', 3]]);
    expect(s.byDataCategory.map((g) => [g.dataCategory, g.totals.received])).toEqual([
      ['subscriber', { exact: 3 }],
      ['traffic', { exact: 3 }],
    ]);
  });

  it('adds up rejection reasons by wording and keeps national-security rows as published', () => {
    const [h1, h2] = fixtureReports();
    const s = summarize(h1!);
    expect(s.rejectionReasons).toEqual([
      { reason: 'no legal basis', total: { exact: 3 } },
      { reason: 'sent unencrypted', total: { exact: 2 } },
    ]);
    expect(s.nationalSecurity).toEqual(h1!.nationalSecurity);
    expect(acrossReports([h1!, h2!]).rejectionReasons[0]).toEqual({ reason: 'no legal basis', total: { exact: 7 } });
  });
});

describe('across reports', () => {
  it('gives the totals of each period, oldest first', () => {
    const [h1, h2] = fixtureReports();
    const series = timeSeries([h2!, h1!]);
    expect(series.map((p) => [p.report, p.period.start, p.cadence])).toEqual([
      ['2025-h1', '2025-01-01', 'half-yearly'],
      ['2025-h2', '2025-07-01', 'half-yearly'],
    ]);
    expect(series[1]!.totals.received).toEqual({ exact: 11 });
    expect(series[0]!.totals.received).toEqual({ lower: 15, upper: 19, basis: ['to protect the people concerned (fewer than 5)'] });
  });

  it('adds up all reports', () => {
    const all = acrossReports(fixtureReports());
    expect(all.reports).toEqual(['2025-h1', '2025-h2']);
    expect(all.period).toEqual({ start: '2025-01-01', end: '2025-12-31' });
    expect(all.totals.received).toEqual({ lower: 26, upper: 30, basis: ['to protect the people concerned (fewer than 5)'] });
    expect(all.totals.outcomes.noData).toEqual({ exact: 4 });
    expect(acrossReports([])).toMatchObject({ reports: [], period: null, totals: { rows: 0, received: { exact: 0 } } });
  });
});
