/**
 * Charts for the transparency reports, rendered at build time as inline SVG strings:
 * the site works without JavaScript, calls no third party and sends a CSP of
 * default-src 'none', so there is no chart library, script, web font, image, link or
 * <style> in them (see chart-style.ts), only shapes, text and local patterns.
 *
 * Each chart is an <svg role="img"> named by its <title> and <desc>, and each has a
 * data table (chartDataTable) with the same figures, to put next to it or in its
 * place. Same input, same bytes: numbers are rounded to two decimals, nothing depends
 * on the clock, the locale or the machine. Input is checked (ContentError
 * SCHEMA_INVALID) and every label escaped.
 */
import { renderBarChart, renderStackedBarChart } from './chart-bar.ts';
import { renderLineChart } from './chart-line.ts';
import { renderChartDataTable } from './chart-table.ts';
import type { BarChartInput, LineChartInput, StackedBarInput } from './chart-types.ts';

export type { BarChartInput, ChartInput, ChartValue, LineChartInput, StackedBarInput } from './chart-types.ts';
export { PALETTE } from './chart-style.ts';

/** Horizontal bars, one value each, e.g. requests by country. */
export function barChart(input: BarChartInput): string {
  return renderBarChart(input);
}

/** Horizontal bars split into categories with a legend, e.g. outcomes per period. */
export function stackedBarChart(input: StackedBarInput): string {
  return renderStackedBarChart(input);
}

/** One line per series over shared x values (periods), e.g. requests received over time. */
export function lineChart(input: LineChartInput): string {
  return renderLineChart(input);
}

/** The HTML <table> with a <caption>: the fallback and the accessible equivalent of a chart. */
export function chartDataTable(input: BarChartInput | StackedBarInput | LineChartInput): string {
  return renderChartDataTable(input);
}
