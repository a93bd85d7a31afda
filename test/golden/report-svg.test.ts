/**
 * Golden charts for a fictional Lumen Mail transparency report: requests by country
 * (one band, one suppressed country), outcomes per half-year over four periods (one
 * suppressed outcome, one band) and requests over time (a series that starts a
 * period late). Any change to layout, escaping, palette or rounding shows up here as a diff.
 */
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  barChart,
  chartDataTable,
  lineChart,
  stackedBarChart,
  type BarChartInput,
  type LineChartInput,
  type StackedBarInput,
} from '../../src/core/report/svg.ts';

const byCountry: BarChartInput = {
  id: 'lumen-by-country',
  title: 'Requests by country, January to June 2025',
  description:
    'Government requests for user data received by Lumen Mail, by requesting country. United States national-security requests may only be published as a range; requests from the Netherlands were too few to publish.',
  unit: 'requests',
  labelHeading: 'Country',
  nullLabel: 'suppressed',
  bars: [
    { label: 'Germany (DE)', value: 412 },
    { label: 'France (FR)', value: 187 },
    { label: 'Luxembourg (LU)', value: 64 },
    { label: 'United States (US)', value: { lower: 0, upper: 249 } },
    { label: 'Netherlands (NL)', value: null },
  ],
};

const OUTCOMES = [
  ['contentDisclosed', 'Content disclosed'],
  ['nonContentDisclosed', 'Non-content disclosed'],
  ['noData', 'No data'],
  ['rejected', 'Rejected'],
  ['contested', 'Contested'],
  ['pending', 'Pending'],
] as const;

type OutcomeRow = [number | { lower: number; upper: number }, number, number, number, number | null, number];
const outcomeValues = (row: OutcomeRow) => Object.fromEntries(OUTCOMES.map(([key], i) => [key, row[i] ?? null]));

const outcomes: StackedBarInput = {
  id: 'lumen-outcomes',
  title: 'Outcomes per half-year',
  description:
    'What became of the requests Lumen Mail received in each half-year, from July 2023 to June 2025. Contested requests in the first half of 2024 were too few to publish.',
  unit: 'requests',
  labelHeading: 'Half-year',
  nullLabel: 'suppressed',
  categories: OUTCOMES.map(([key, label]) => ({ key, label })),
  bars: [
    { label: '2023 H2', values: outcomeValues([38, 121, 54, 97, 6, 12]) },
    { label: '2024 H1', values: outcomeValues([41, 133, 60, 112, null, 15]) },
    { label: '2024 H2', values: outcomeValues([{ lower: 0, upper: 24 }, 150, 71, 120, 9, 18]) },
    { label: '2025 H1', values: outcomeValues([44, 162, 66, 109, 11, 5]) },
  ],
};

const PERIODS = ['2022 H1', '2022 H2', '2023 H1', '2023 H2', '2024 H1', '2024 H2', '2025 H1'];
const overTime: LineChartInput = {
  id: 'lumen-over-time',
  title: 'Requests over time',
  description:
    'Requests received, and requests in which some data was disclosed, per half-year since Lumen Mail began publishing, January 2022 to June 2025. Disclosures were first counted this way in the second half of 2022.',
  unit: 'requests',
  labelHeading: 'Half-year',
  series: [
    { label: 'Requests received', points: PERIODS.map((x, i) => ({ x, y: [212, 254, 301, 328, 356, 403, 397][i] ?? null })) },
    { label: 'Some data disclosed', points: PERIODS.map((x, i) => ({ x, y: [null, 131, 148, 159, 174, 185, 206][i] ?? null })) },
  ],
};

const charts = [
  ['chart-lumen-by-country', byCountry, barChart(byCountry)],
  ['chart-lumen-outcomes', outcomes, stackedBarChart(outcomes)],
  ['chart-lumen-over-time', overTime, lineChart(overTime)],
] as const;

describe('golden report charts (Lumen Mail)', () => {
  for (const [name, input, svg] of charts) {
    it(`${name}.svg`, async () => {
      expect(XMLValidator.validate(svg)).toBe(true);
      await expect(svg).toMatchFileSnapshot(`./files/${name}.svg`);
    });

    it(`${name}.html (data table)`, async () => {
      const table = chartDataTable(input);
      expect(XMLValidator.validate(table)).toBe(true);
      await expect(table).toMatchFileSnapshot(`./files/${name}.html`);
    });
  }

  it('stays small: no embedded images, fonts or filters', () => {
    for (const [, , svg] of charts) {
      expect(svg.length).toBeLessThan(16_000);
      expect(svg).not.toMatch(/base64|<image|<filter|@font-face/);
    }
  });
});
