/**
 * Chart inputs: plain data, independent of any report type, so the same charts can
 * show requests by country, outcomes per period or anything else a report adds later.
 * Invalid input throws rather than drawing something misleading (a negative bar, a
 * band upside down, a value under a category nobody declared).
 */
import { ContentError } from '../errors.ts';

/** An exact count, a band (the law allows only a range), or null: suppressed or unknown. */
export type ChartValue = number | { lower: number; upper: number } | null;

interface ChartBase {
  /** Prefix for the SVG's ids (title, desc, patterns): unique on the page, e.g. "by-country". */
  id: string;
  title: string;
  description: string;
  /** What is counted, e.g. "requests": the axis caption and value column heading. */
  unit: string;
  /** What a null is shown as; "not published" unless the caller knows it was suppressed. */
  nullLabel?: string;
  /** Heading of the data table's first column, e.g. "Country". */
  labelHeading?: string;
}

export interface BarChartInput extends ChartBase {
  bars: { label: string; value: ChartValue }[];
}

export interface StackedBarInput extends ChartBase {
  categories: { key: string; label: string }[];
  bars: { label: string; values: Record<string, ChartValue> }[];
}

export interface LineChartInput extends ChartBase {
  series: { label: string; points: { x: string; y: ChartValue }[] }[];
}

export type ChartInput = BarChartInput | StackedBarInput | LineChartInput;

export const DEFAULT_NULL_LABEL = 'not published';

function invalid(field: string, expected: string, received: unknown): ContentError {
  return new ContentError('SCHEMA_INVALID', 'Chart input is not valid', { field, expected, received });
}

/** Ids end up in `id` and `url(#…)`, so only a plain token is accepted. */
export function checkId(id: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(id)) throw invalid('id', 'a letter then letters, digits, - or _', id);
}

export function checkValue(value: ChartValue, field: string): void {
  if (value === null) return;
  const ok = (n: number) => Number.isFinite(n) && n >= 0;
  if (typeof value === 'number' ? ok(value) : ok(value.lower) && ok(value.upper) && value.lower <= value.upper) return;
  throw invalid(field, 'a finite number ≥ 0, a band { lower ≤ upper }, or null', value);
}

/** Every bar names each category once and nothing else: a typo must not become a gap. */
export function checkStacked(input: StackedBarInput): void {
  const keys = input.categories.map((c) => c.key);
  if (new Set(keys).size !== keys.length) throw invalid('categories', 'unique keys', keys);
  input.bars.forEach((bar, i) => {
    const given = Object.keys(bar.values);
    const extra = given.filter((k) => !keys.includes(k));
    if (extra.length > 0 || given.length !== keys.length) throw invalid(`bars[${i}].values`, `exactly the keys ${keys.join(', ')}`, given);
    for (const k of keys) checkValue(bar.values[k] ?? null, `bars[${i}].values.${k}`);
  });
}

/** One point per x in a series: two would be drawn on top of each other. */
export function checkLine(input: LineChartInput): void {
  input.series.forEach((s, i) => {
    const xs = s.points.map((p) => p.x);
    if (new Set(xs).size !== xs.length) throw invalid(`series[${i}].points`, 'each x at most once', xs);
    s.points.forEach((p, j) => checkValue(p.y, `series[${i}].points[${j}].y`));
  });
}

/** The value of a category in a bar; checkStacked has made sure it is there. */
export function valueOf(values: Record<string, ChartValue>, key: string): ChartValue {
  return Object.hasOwn(values, key) ? (values[key] ?? null) : null;
}

/** The largest value to draw: a band counts with its upper bound. */
export function upperOf(value: ChartValue): number {
  if (value === null) return 0;
  return typeof value === 'number' ? value : value.upper;
}

export function lowerOf(value: ChartValue): number {
  if (value === null) return 0;
  return typeof value === 'number' ? value : value.lower;
}

/** The x values of all series in order of first appearance: the line chart's categories. */
export function xValues(input: LineChartInput): string[] {
  return [...new Set(input.series.flatMap((s) => s.points.map((p) => p.x)))];
}
