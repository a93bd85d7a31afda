/**
 * The data table behind a chart: what a screen reader, a text browser or anyone who
 * wants the exact figures reads instead. It holds everything the chart draws, and
 * more: values too small to label in a segment, full labels the chart had to shorten.
 */
import {
  checkId,
  checkLine,
  checkStacked,
  checkValue,
  DEFAULT_NULL_LABEL,
  valueOf,
  xValues,
  type BarChartInput,
  type ChartInput,
  type ChartValue,
  type LineChartInput,
  type StackedBarInput,
} from './chart-types.ts';
import { labelXml, formatTotal, formatValue } from './chart-text.ts';

/** A row: its label as a row header, then its cells, all escaped. */
function row(heading: string, cells: string[]): string {
  return `<tr><th scope="row">${labelXml(heading)}</th>${cells.map((c) => `<td>${labelXml(c)}</td>`).join('')}</tr>`;
}

/**
 * The table; an empty chart still gets its caption and headings, with one row
 * saying "No data", so the page reads the same whether or not there is data.
 */
function table(caption: string, headings: string[], rows: string[]): string {
  const head = `<tr>${headings.map((h) => `<th scope="col">${labelXml(h)}</th>`).join('')}</tr>`;
  const body = rows.length > 0 ? rows : [`<tr><td colspan="${headings.length}">No data</td></tr>`];
  return ['<table>', `<caption>${labelXml(caption)}</caption>`, `<thead>${head}</thead>`, '<tbody>', ...body, '</tbody>', '</table>', ''].join('\n');
}

function barTable(input: BarChartInput, nullLabel: string): string {
  input.bars.forEach((b, i) => checkValue(b.value, `bars[${i}].value`));
  const rows = input.bars.map((b) => row(b.label, [formatValue(b.value, nullLabel)]));
  return table(input.title, [input.labelHeading ?? 'Category', input.unit], rows);
}

/** One row per bar, one column per category and a total (see formatTotal). */
function stackedTable(input: StackedBarInput, nullLabel: string): string {
  checkStacked(input);
  const headings = [input.labelHeading ?? 'Category', ...input.categories.map((c) => c.label), 'Total'];
  const rows =
    input.categories.length === 0
      ? []
      : input.bars.map((b) => {
          const values = input.categories.map((c) => valueOf(b.values, c.key));
          return row(b.label, [...values.map((v) => formatValue(v, nullLabel)), formatTotal(values)]);
        });
  return table(`${input.title} (${input.unit})`, headings, rows);
}

/** One row per x, one column per series; a point a series lacks reads as the null label. */
function lineTable(input: LineChartInput, nullLabel: string): string {
  checkLine(input);
  const rows = xValues(input).map((x) => {
    const values: ChartValue[] = input.series.map((s) => s.points.find((p) => p.x === x)?.y ?? null);
    return row(
      x,
      values.map((v) => formatValue(v, nullLabel)),
    );
  });
  return table(`${input.title} (${input.unit})`, [input.labelHeading ?? 'Period', ...input.series.map((s) => s.label)], rows);
}

/**
 * The HTML <table> for any chart input, told apart by shape. The bar chart's unit
 * heads its value column; the others name it in the caption, as their columns are
 * categories or series.
 */
export function renderChartDataTable(input: ChartInput): string {
  checkId(input.id);
  const nullLabel = input.nullLabel ?? DEFAULT_NULL_LABEL;
  if ('series' in input) return lineTable(input, nullLabel);
  if ('categories' in input) return stackedTable(input, nullLabel);
  return barTable(input, nullLabel);
}
