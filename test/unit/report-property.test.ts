/** Properties: totals of exact rows are plain sums, and the CSV round-trips every row. */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/core/report/compute.ts';
import { reportsToCsv } from '../../src/core/report/export.ts';
import { report } from '../helpers/report.ts';

const n = fc.nat({ max: 10_000 });
const outcomes = fc.record({ contentDisclosed: n, nonContentDisclosed: n, noData: n, rejected: n, contested: n, narrowed: n, withdrawn: n, pending: n });
const legalProcess = fc
  .string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r\n', 'é', '=', ';'), minLength: 1, maxLength: 20 })
  .filter((s) => s.trim().length > 0);
const exactRow = fc
  .record({
    country: fc.constantFrom('DE', 'FR', 'US', 'CH', 'BR'),
    requesterType: fc.constantFrom('law-enforcement', 'court', 'regulator'),
    legalProcess,
    outcomes,
    accountsSpecified: n,
    accountsAffected: n,
    usersNotified: n,
    gagOrders: n,
  })
  .map((row) => ({ ...row, received: Object.values(row.outcomes).reduce((a, b) => a + b, 0) }));

describe('exact rows', () => {
  it('total received is the sum of the rows', () => {
    fc.assert(
      fc.property(fc.array(exactRow, { maxLength: 8 }), (rows) => {
        const s = summarize(report({ id: '2025-q2', requests: rows }));
        expect(s.totals.received).toEqual({ exact: rows.reduce((a, r) => a + r.received, 0) });
        expect(s.byCountry.reduce((a, g) => a + ('exact' in g.totals.received ? g.totals.received.exact : NaN), 0)).toBe(
          rows.reduce((a, r) => a + r.received, 0),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('CSV parses back to the same rows', () => {
    fc.assert(
      fc.property(fc.array(exactRow, { minLength: 1, maxLength: 8 }), (rows) => {
        const r = report({ id: '2025-q2', requests: rows });
        const records = parse<Record<string, string>>(reportsToCsv([r]), { columns: true });
        expect(records.map((c) => [c.country, c.legal_process, Number(c.received), Number(c.no_data), Number(c.gag_orders), c.suppressed])).toEqual(
          r.requests.map((row) => [row.country, row.legalProcess, row.received, row.outcomes.noData, row.gagOrders, '']),
        );
      }),
      { numRuns: 60 },
    );
  });
});
