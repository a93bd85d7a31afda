import { describe, expect, it } from 'vitest';
import { ContentError } from '../../src/core/errors.ts';
import { parseReport } from '../../src/core/report/parse.ts';
import { periodOfStem } from '../../src/core/report/period.ts';
import { isCountryCode, countryName } from '../../src/core/report/countries.ts';
import { report, reportSource, row, type ReportSpec } from '../helpers/report.ts';

function failure(spec: ReportSpec, path = `transparency/${spec.id}.md`): ContentError {
  try {
    parseReport(reportSource(spec), path);
  } catch (error) {
    if (error instanceof ContentError) return error;
    throw error;
  }
  throw new Error('expected a ContentError');
}

describe('parseReport', () => {
  it('takes the id from the file stem and fills in defaults', () => {
    const r = report({ id: '2025-h1', requests: [{ received: 2, outcomes: { noData: 2 } }] });
    expect(r).toMatchObject({ id: '2025-h1', path: 'transparency/2025-h1.md', cadence: 'half-yearly', period: { start: '2025-01-01', end: '2025-06-30' } });
    expect(r.requests[0]!.outcomes).toMatchObject({ noData: 2, rejected: 0, pending: 0 });
    expect(r.requests[0]!.rejectionReasons).toEqual([]);
    expect(r.nationalSecurity).toEqual([]);
    expect(r.body).toContain('No notable cases');
  });

  it('refuses a country code that is not an assigned ISO 3166-1 alpha-2 code, naming the row', () => {
    const error = failure({ id: '2025-h1', requests: [{}, { country: 'FR' }, { country: 'GB' }, { country: 'XX' }] });
    expect(error.code).toBe('SCHEMA_INVALID');
    expect(error.details.field).toBe('requests[3].country');
    expect(error.details.file).toBe('content/transparency/2025-h1.md');
    expect(failure({ id: '2025-h1', requests: [{ country: 'UK' }] }).details.field).toBe('requests[0].country');
    expect(failure({ id: '2025-h1', requests: [{ country: 'de' }] }).details.field).toBe('requests[0].country');
  });

  it.each([
    ['a negative count', { received: -1 }, 'requests[0].received'],
    ['a fractional count', { outcomes: { noData: 1.5 } }, 'requests[0].outcomes.noData'],
    ['a negative band bound', { accountsAffected: { band: [-1, 249], basis: 'law' } }, 'requests[0].accountsAffected.band[0]'],
    ['a suppression threshold of 0', { usersNotified: { suppressed: 'few', threshold: 0 } }, 'requests[0].usersNotified.threshold'],
    ['a negative rejection reason', { rejectionReasons: [{ reason: 'no legal basis', count: -2 }] }, 'requests[0].rejectionReasons[0].count'],
  ])('refuses %s in the schema', (_what, fields, field) => {
    const error = failure({ id: '2025-h1', requests: [fields] });
    expect(error.code).toBe('SCHEMA_INVALID');
    expect(error.details.field).toBe(field);
  });

  it('refuses a file name that does not fit the cadence', () => {
    const error = failure({ id: '2025-q1', cadence: 'half-yearly', period: { start: '2025-01-01', end: '2025-03-31' } });
    expect(error.code).toBe('SCHEMA_INVALID');
    expect(error.details.field).toBe('cadence');
    expect(failure({ id: '2025-H1', cadence: 'half-yearly' }).details.field).toBe('cadence');
    expect(failure({ id: 'report-2025', cadence: 'yearly' }).details.field).toBe('cadence');
  });

  it('refuses a period that is not exactly the one the file is named after', () => {
    for (const period of [
      { start: '2025-01-01', end: '2025-06-29' },
      { start: '2025-01-02', end: '2025-06-30' },
      { start: '2025-01-01', end: '2025-07-01' },
    ]) {
      const error = failure({ id: '2025-h1', period });
      expect([error.code, error.details.field]).toEqual(['SCHEMA_INVALID', 'period']);
    }
  });

  it('refuses unknown fields and files without front matter', () => {
    expect(failure({ id: '2025-h1', requests: [{ countryCode: 'DE' }] }).details.field).toBe('requests[0].countryCode');
    expect(() => parseReport('# Report\n', 'transparency/2025-h1.md')).toThrow(expect.objectContaining({ code: 'FRONT_MATTER_INVALID' }));
  });

  it('accepts every cadence with its own periods', () => {
    expect(report({ id: '2025-q3' }).period).toEqual({ start: '2025-07-01', end: '2025-09-30' });
    expect(report({ id: '2025' }).period).toEqual({ start: '2025-01-01', end: '2025-12-31' });
    expect(row()).toMatchObject({ country: 'DE' });
  });
});

describe('periods and countries', () => {
  it.each([
    ['2024-h1', 'half-yearly', '2024-01-01', '2024-06-30'],
    ['2024-h2', 'half-yearly', '2024-07-01', '2024-12-31'],
    ['2024-q1', 'quarterly', '2024-01-01', '2024-03-31'],
    ['2024-q2', 'quarterly', '2024-04-01', '2024-06-30'],
    ['2024-q3', 'quarterly', '2024-07-01', '2024-09-30'],
    ['2024-q4', 'quarterly', '2024-10-01', '2024-12-31'],
    ['2024', 'yearly', '2024-01-01', '2024-12-31'],
    ['0099', 'yearly', '0099-01-01', '0099-12-31'],
  ] as const)('%s (%s) is %s to %s', (stem, cadence, start, end) => {
    expect(periodOfStem(stem, cadence)).toEqual({ start, end });
  });

  it('refuses stems of another cadence', () => {
    expect(periodOfStem('2024-h3', 'half-yearly')).toBeUndefined();
    expect(periodOfStem('2024-q5', 'quarterly')).toBeUndefined();
    expect(periodOfStem('2024-h1', 'yearly')).toBeUndefined();
  });

  it('knows codes and English names without any locale registration', () => {
    expect(['DE', 'GB', 'US', 'CH'].every(isCountryCode)).toBe(true);
    expect(['XX', 'UK', 'EU', 'de', 'DEU', 'constructor'].some(isCountryCode)).toBe(false);
    expect(countryName('DE')).toBe('Germany');
    expect(countryName('US')).toBe('United States of America');
    expect(countryName('XX')).toBe('XX');
  });
});
