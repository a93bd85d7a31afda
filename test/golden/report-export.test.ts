/** Golden downloads of the fixture pair of reports: CSV, canonical JSON, the JSON Schema, the series. */
import { describe, expect, it } from 'vitest';
import { acrossReports, timeSeries } from '../../src/core/report/compute.ts';
import { REPORT_JSON_SCHEMA, reportsToCsv, reportToJson } from '../../src/core/report/export.ts';
import { fixtureReports } from '../helpers/report.ts';

describe('report downloads', () => {
  const reports = fixtureReports();

  it('CSV of both periods', async () => {
    await expect(reportsToCsv(reports)).toMatchFileSnapshot('./files/report-fixtures.csv');
  });

  it.each(reports.map((r) => [r.id, r] as const))('canonical JSON of %s', async (id, r) => {
    await expect(reportToJson(r)).toMatchFileSnapshot(`./files/report-${id}.json`);
  });

  it('JSON Schema', async () => {
    await expect(`${JSON.stringify(REPORT_JSON_SCHEMA, null, 2)}\n`).toMatchFileSnapshot('./files/report-schema.json');
  });

  it('time series and totals across reports', async () => {
    await expect(`${JSON.stringify({ timeSeries: timeSeries(reports), acrossReports: acrossReports(reports) }, null, 2)}\n`).toMatchFileSnapshot(
      './files/report-series.json',
    );
  });
});
