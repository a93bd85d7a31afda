import { describe, expect, it } from 'vitest';
import { checkReports, firstReportProblems } from '../../src/core/report/checks.ts';
import type { Report } from '../../src/core/report/model.ts';
import { addDays, firstReportDue } from '../../src/core/report/period.ts';
import { fixtureReports, report, type ReportSpec } from '../helpers/report.ts';

const now = new Date('2026-03-01T12:00:00Z');
const codes = (reports: Report[], at = now): string[] => checkReports(reports, { now: at }).map((p) => p.code);
const rowCodes = (fields: Record<string, unknown>): string[] => codes([report({ id: '2025-h2', requests: [fields] })]);
const band = (lower: number, upper: number) => ({ band: [lower, upper], basis: '50 U.S.C. 1874(a)(3)' });
const few = (threshold = 5) => ({ suppressed: 'fewer than the threshold', threshold });

describe('checkReports: one row', () => {
  it('accepts the fixtures', () => {
    expect(checkReports(fixtureReports(), { now })).toEqual([]);
  });

  it('OUTCOMES_MISMATCH: exact outcomes add up to received', () => {
    expect(rowCodes({ received: 5, outcomes: { noData: 2, rejected: 3 } })).toEqual([]);
    expect(rowCodes({ received: 6, outcomes: { noData: 2, rejected: 3 } })).toEqual(['OUTCOMES_MISMATCH']);
    expect(rowCodes({ received: 4, outcomes: { noData: 2, rejected: 3 } })).toEqual(['OUTCOMES_MISMATCH']);
    expect(rowCodes({ received: 2, outcomes: { contested: 1, narrowed: 1 } })).toEqual([]);
  });

  it('OUTCOMES_MISMATCH: with bands only when no value fits', () => {
    expect(rowCodes({ received: band(0, 249), outcomes: { rejected: 249 } })).toEqual([]);
    expect(rowCodes({ received: band(0, 249), outcomes: { rejected: 250 } })).toEqual(['OUTCOMES_MISMATCH']);
    expect(rowCodes({ received: 10, outcomes: { rejected: band(10, 20) } })).toEqual([]);
    expect(rowCodes({ received: 9, outcomes: { rejected: band(10, 20) } })).toEqual(['OUTCOMES_MISMATCH']);
  });

  it('OUTCOMES_MISMATCH: a suppressed count stands for 0 to threshold-1', () => {
    expect(rowCodes({ received: 8, outcomes: { noData: few(), rejected: few() } })).toEqual([]);
    expect(rowCodes({ received: 9, outcomes: { noData: few(), rejected: few() } })).toEqual(['OUTCOMES_MISMATCH']);
  });

  it('REJECTION_REASONS_MISMATCH: given reasons add up to rejected', () => {
    const reasons = (a: number, b: number) => [
      { reason: 'no legal basis', count: a },
      { reason: 'sent unencrypted', count: b },
    ];
    expect(rowCodes({ received: 5, outcomes: { rejected: 5 }, rejectionReasons: reasons(3, 2) })).toEqual([]);
    expect(rowCodes({ received: 5, outcomes: { rejected: 5 }, rejectionReasons: reasons(3, 3) })).toEqual(['REJECTION_REASONS_MISMATCH']);
    expect(rowCodes({ received: 5, outcomes: { rejected: 5 }, rejectionReasons: reasons(2, 2) })).toEqual(['REJECTION_REASONS_MISMATCH']);
    expect(rowCodes({ received: 5, outcomes: { rejected: 5 } })).toEqual([]);
  });

  it('BAND_INVALID: lower above upper, in request and national-security rows', () => {
    expect(rowCodes({ received: band(5, 5), outcomes: { pending: 5 } })).toEqual([]);
    const problems = checkReports([report({ id: '2025-h2', requests: [{ received: band(6, 5), outcomes: { pending: 5 } }] })], { now });
    expect(problems.map((p) => [p.code, p.field])).toEqual([['BAND_INVALID', 'requests[0].received']]);
    const ns = report({ id: '2025-h2', nationalSecurity: [{ kind: 'NSL', received: band(0, 249), accountsAffected: band(250, 0) }] });
    expect(checkReports([ns], { now }).map((p) => [p.code, p.field])).toEqual([['BAND_INVALID', 'nationalSecurity[0].accountsAffected']]);
  });

  it('SUPPRESSED_INVALID: a threshold below 1 (only reachable by building a Report in code)', () => {
    const r = report({ id: '2025-h2', requests: [{ received: few(), outcomes: { pending: few() } }] });
    r.requests[0]!.received = { suppressed: 'few', threshold: 0 };
    expect(codes([r])).toEqual(['SUPPRESSED_INVALID']);
  });

  it('SUPPRESSED_INVALID: a suppressed count that subtraction recovers', () => {
    expect(rowCodes({ received: 5, outcomes: { noData: few(), rejected: 3 } })).toEqual(['SUPPRESSED_INVALID']);
    expect(rowCodes({ received: few(), outcomes: { rejected: 3 } })).toEqual(['SUPPRESSED_INVALID']);
    expect(rowCodes({ received: 5, outcomes: { noData: few(), rejected: few() } })).toEqual([]);
    expect(
      rowCodes({
        received: 5,
        outcomes: { rejected: 5 },
        rejectionReasons: [
          { reason: 'a', count: 3 },
          { reason: 'b', count: few() },
        ],
      }),
    ).toEqual(['SUPPRESSED_INVALID']);
    expect(rowCodes({ received: band(0, 249), outcomes: { noData: few(), rejected: 3 } })).toEqual([]);
  });

  it('ACCOUNTS_INCONSISTENT: more accounts affected than specified is a warning', () => {
    expect(rowCodes({ accountsSpecified: 4, accountsAffected: 4 })).toEqual([]);
    const problems = checkReports([report({ id: '2025-h2', requests: [{ accountsSpecified: 4, accountsAffected: 5 }] })], { now });
    expect(problems.map((p) => [p.level, p.code])).toEqual([['warning', 'ACCOUNTS_INCONSISTENT']]);
    expect(rowCodes({ accountsSpecified: 3, accountsAffected: band(0, 249) })).toEqual([]);
  });
});

describe('checkReports: dates and sequence', () => {
  const h2 = (extra: Partial<ReportSpec> = {}) => report({ id: '2025-h2', ...extra });

  it('NEXT_DUE_INVALID: the next report is due after the period ends', () => {
    expect(codes([h2({ nextReportDue: '2025-12-31', published: '2026-01-01' })], new Date('2025-12-01T00:00:00Z'))).toEqual(['NEXT_DUE_INVALID']);
    expect(codes([h2({ nextReportDue: '2026-01-01', published: '2026-01-01' })], new Date('2025-12-01T00:00:00Z'))).toEqual([]);
  });

  it('PUBLISHED_TOO_EARLY: published on or before the last day it covers', () => {
    expect(codes([h2({ published: '2025-12-31' })])).toEqual(['PUBLISHED_TOO_EARLY']);
    expect(codes([h2({ published: '2026-01-01' })])).toEqual([]);
  });

  it('PERIOD_GAP and PERIOD_OVERLAP: each period starts the day after the previous one ends', () => {
    expect(codes([report({ id: '2025-h2' }), report({ id: '2025-h1' })])).toEqual([]);
    expect(codes([report({ id: '2025-q4' }), report({ id: '2026-h1' })], new Date('2026-08-01T00:00:00Z'))).toEqual([]);
    expect(codes([report({ id: '2024-h2' }), report({ id: '2025-h2' })])).toEqual(['PERIOD_GAP']);
    expect(codes([report({ id: '2025' }), report({ id: '2025-h2' })])).toEqual(['PERIOD_OVERLAP']);
    expect(codes([report({ id: '2025' }), report({ id: '2025-h1' }), report({ id: '2025-h2' })])).toEqual(['PERIOD_OVERLAP', 'PERIOD_OVERLAP']);
  });

  it('REPORT_UPCOMING_DUE within 14 days, REPORT_OVERDUE after the due day', () => {
    const due = '2026-07-15';
    const at = (day: string, time = '12:00:00') => codes([h2({ nextReportDue: due })], new Date(`${day}T${time}Z`));
    expect(at(addDays(due, -15))).toEqual([]);
    expect(at(addDays(due, -14))).toEqual(['REPORT_UPCOMING_DUE']);
    expect(at(due, '23:59:59')).toEqual(['REPORT_UPCOMING_DUE']);
    expect(at(addDays(due, 1), '00:00:00')).toEqual(['REPORT_OVERDUE']);
    expect(checkReports([h2({ nextReportDue: due })], { now: new Date(`${addDays(due, 1)}T00:00:00Z`) })[0]!.level).toBe('warning');
  });

  it('only the latest report can be overdue', () => {
    const reports = [report({ id: '2025-h1', nextReportDue: '2025-12-01' }), report({ id: '2025-h2' })];
    expect(codes(reports, new Date('2026-03-01T00:00:00Z'))).toEqual([]);
  });
});

describe('a report that does not parse causes no second error', () => {
  it('skips the period sequence, with one note naming the file', () => {
    const [h1, h2] = fixtureReports() as [Report, Report];
    const next: Report = {
      ...h2,
      id: '2026-h1',
      path: 'transparency/2026-h1.md',
      period: { start: '2026-01-01', end: '2026-06-30' },
      published: '2026-07-15',
      nextReportDue: '2027-01-31',
    };
    const reports = [h1, h2, next];
    const withoutMiddle = [h1, next];
    expect(checkReports(withoutMiddle, { now: new Date('2030-01-01T00:00:00Z') }).map((p) => p.code)).toContain('PERIOD_GAP');
    const problems = checkReports(withoutMiddle, { now: new Date('2030-01-01T00:00:00Z'), unreadable: [`content/${reports[1]!.path}`] });
    expect(problems.map((p) => p.code)).not.toContain('PERIOD_GAP');
    expect(problems.filter((p) => p.code === 'PERIODS_NOT_CHECKED')).toEqual([expect.objectContaining({ level: 'note', file: `content/${reports[1]!.path}` })]);
  });
});

describe('before the first report (decision 0022)', () => {
  const line = (p: { level: string; code: string; file: string; field?: string; message: string; hint?: string }) =>
    `${p.level} ${p.code} ${p.file}${p.field ? ` ${p.field}` : ''}: ${p.message} | ${p.hint}`;

  it('without a promised day: a note, and the half-year we are in to start', () => {
    expect(firstReportProblems(undefined, new Date('2026-12-01T09:00:00Z')).map(line)).toEqual([
      'note REPORTS_NONE_YET content/transparency: no report published yet: the transparency page says so until the first | Start it with candor report new 2026-h2 (docs/content.md#transparency-reports).',
    ]);
    expect(firstReportProblems(undefined, new Date('2027-03-01T00:00:00Z'))[0]!.hint).toContain('candor report new 2027-h1');
  });

  it('with a promised day: a note with the days left up to that day, a warning from the day after', () => {
    const at = (day: string) => firstReportProblems('2027-01-31', new Date(`${day}T12:00:00Z`)).map(line);
    expect(at('2026-12-01')).toEqual([
      'note REPORTS_NONE_YET content/transparency: no report published yet; the first is due 2027-01-31, in 61 days (the transparency page says so) | Start it with candor report new 2026-h2 (docs/content.md#transparency-reports).',
    ]);
    expect(at('2027-01-31')[0]).toMatch(/^note REPORTS_NONE_YET .* in 0 days/);
    expect(at('2027-02-01')).toEqual([
      'warning REPORT_OVERDUE content/service.yml transparency.firstReportDue: the first report was due 2027-01-31, 1 days ago, and none is published | Start it with candor report new 2026-h2 (docs/content.md#transparency-reports).',
    ]);
  });

  it('candor init promises the first report a month after the half-year it is started in', () => {
    expect(firstReportDue('2026-01-01')).toBe('2026-07-31');
    expect(firstReportDue('2026-06-30')).toBe('2026-07-31');
    expect(firstReportDue('2026-07-01')).toBe('2027-01-31');
    expect(firstReportDue('2026-12-31')).toBe('2027-01-31');
  });
});
