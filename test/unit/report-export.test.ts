import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { isCanonical } from '../../src/core/canonical.ts';
import { CSV_COLUMNS, formatCount, REPORT_JSON_SCHEMA, reportJsonObject, reportsToCsv, reportToJson } from '../../src/core/report/export.ts';
import { reportJson } from '../../src/core/report/output.ts';
import { fixtureReports, report } from '../helpers/report.ts';

const validator = () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its function is the `default` of the module object.
  ajvFormats.default(ajv);
  return ajv.compile(REPORT_JSON_SCHEMA);
};

describe('reportsToCsv', () => {
  const csv = reportsToCsv(fixtureReports());

  it('writes RFC 4180: a header row, CRLF after every record, UTF-8 without BOM', () => {
    expect(csv.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\r|\n/);
    expect(csv.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('keeps its columns in a fixed order, so that periods can be appended', () => {
    expect(CSV_COLUMNS).toEqual([
      'period_start',
      'period_end',
      'report',
      'country',
      'requester_type',
      'legal_process',
      'channel',
      'data_category',
      'received',
      'accounts_specified',
      'accounts_affected',
      'content_disclosed',
      'non_content_disclosed',
      'no_data',
      'rejected',
      'contested',
      'narrowed',
      'withdrawn',
      'pending',
      'users_notified',
      'gag_orders',
      'suppressed',
    ]);
    const [h1, h2] = fixtureReports();
    const appended = reportsToCsv([h1!]) + reportsToCsv([h2!]).split('\r\n').slice(1).join('\r\n');
    expect(appended).toBe(csv);
  });

  it('parses back (csv-parse) to the same numbers, bands and suppressions', () => {
    const records = parse<Record<string, string>>(csv, { columns: true });
    const reports = fixtureReports();
    expect(records).toHaveLength(reports.reduce((n, r) => n + r.requests.length, 0));
    expect(records[0]).toMatchObject({
      report: '2025-h1',
      country: 'DE',
      received: '12',
      accounts_specified: '15',
      no_data: '2',
      rejected: '5',
      pending: '1',
      users_notified: '3',
      suppressed: '',
    });
    expect(records[1]!.legal_process).toBe('European Investigation Order, "EIO"');
    expect(records[2]).toMatchObject({ received: '', accounts_specified: '', rejected: '', suppressed: 'received<5;accounts_specified<5;rejected<5' });
  });

  it('writes exact counts as digits and bands as lower-upper', () => {
    expect([formatCount(12), formatCount({ band: [0, 249], basis: 'law' }), formatCount({ suppressed: 'few', threshold: 5 })]).toEqual(['12', '0-249', '']);
  });

  it('quotes a field with a line break, even a lone LF', () => {
    const r = report({ id: '2025-h1', requests: [{ legalProcess: 'production order\nsection 2, part "b"' }] });
    const out = reportsToCsv([r]);
    expect(out).toContain('"production order\nsection 2, part ""b"""');
    expect(parse<Record<string, string>>(out, { columns: true })[0]!.legal_process).toBe('production order\nsection 2, part "b"');
  });

  it('has only a header when there is nothing to report', () => {
    expect(reportsToCsv([])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });
});

describe('reportToJson', () => {
  it('is canonical text that parses back to the report object', () => {
    for (const r of fixtureReports()) {
      const json = reportToJson(r);
      expect(isCanonical(json)).toBe(true);
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(reportJsonObject(r))));
      expect(reportJson.safeParse(JSON.parse(json)).success).toBe(true);
    }
  });

  it('validates against REPORT_JSON_SCHEMA (ajv, 2020-12, strict)', () => {
    const validate = validator();
    for (const r of fixtureReports()) expect(validate(JSON.parse(reportToJson(r))), JSON.stringify(validate.errors)).toBe(true);
    expect(REPORT_JSON_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('the schema refuses what the format does not allow', () => {
    const validate = validator();
    const good = JSON.parse(reportToJson(fixtureReports()[0]!));
    expect(validate({ ...good, summary: { ...good.summary, totals: { ...good.summary.totals, received: { exact: -1 } } } })).toBe(false);
    expect(validate({ ...good, requests: [{ ...good.requests[0], received: 1.5 }] })).toBe(false);
    expect(validate({ ...good, extra: true })).toBe(false);
    expect(validate({ ...good, summary: { ...good.summary, rates: { ...good.summary.rates, disclosed: '50%' } } })).toBe(false);
  });
});
