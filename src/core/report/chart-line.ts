/**
 * Line charts over a categorical x (periods). A line joins only neighbouring exact
 * values: drawing it through a band would invent a figure inside the range, and
 * through a null would invent the missing one. A band is a hatched range bar with its
 * label ("0–249"); a null (or a period a series has no point for) is a gap with a label.
 */
import { checkId, checkLine, DEFAULT_NULL_LABEL, lowerOf, upperOf, xValues, type ChartValue, type LineChartInput } from './chart-types.ts';
import { niceScale, project } from './chart-scale.ts';
import { colour, Defs, marker, MUTED, seriesStroke } from './chart-style.ts';
import { el, KEY_WIDTH, label, leftAxis, legend, noData, PAD, rangeLegendItem, SMALL, svgDocument, WIDTH, type LegendItem } from './chart-svg.ts';
import { coord, fitText, formatNumber, formatValue, textWidth } from './chart-text.ts';

const PLOT_HEIGHT = 200;
/** Keeps the first and last points (and their labels) off the axis and the edge. */
const INSET = 28;

interface Plot {
  xAt: (i: number) => number;
  y: (v: number) => number;
  /** Distance between neighbouring x positions: how wide a label under or at one may be. */
  spacing: number;
  left: number;
  right: number;
  bottom: number;
  defs: Defs;
  nullLabel: string;
  many: boolean;
}

/** Runs of neighbouring indices whose value passes `keep`. */
function runs(values: ChartValue[], keep: (v: ChartValue) => boolean): number[][] {
  const out: number[][] = [[]];
  values.forEach((v, i) => {
    if (keep(v)) out.at(-1)?.push(i);
    else if (out.at(-1)?.length !== 0) out.push([]);
  });
  return out.filter((r) => r.length > 0);
}

/**
 * A gap's label, once for neighbouring nulls, centred on them just above the x axis,
 * one line per series and kept inside the plot. With several series it follows the
 * series' marker, hollow, as the series name would not fit.
 */
function nullMark(p: Plot, series: number, run: number[]): string[] {
  const [from, to] = [p.xAt(run[0] ?? 0), p.xAt(run.at(-1) ?? 0)];
  const key = p.many ? 12 : 0;
  const text = fitText(p.nullLabel, SMALL, Math.max(to - from + p.spacing - 16 - key, 96));
  const half = (textWidth(text, SMALL) + key) / 2;
  const centre = Math.min(Math.max((from + to) / 2, p.left + half + 2), p.right - half);
  const y = p.bottom - 6 - series * 14;
  const out = [label(centre + key / 2, y, text, { 'text-anchor': 'middle', 'font-size': SMALL, 'font-style': 'italic', fill: colour(series) })];
  if (p.many) out.unshift(marker(series, centre - half + 4, y - 4, true));
  return out;
}

function bandMark(p: Plot, series: number, i: number, value: { lower: number; upper: number }): string[] {
  const [top, bottom] = [p.y(value.upper), p.y(value.lower)];
  return [
    el('rect', { x: p.xAt(i) - 5, y: top, width: 10, height: bottom - top, fill: p.defs.hatch(series), stroke: colour(series), 'stroke-width': 1 }),
    label(p.xAt(i), top - 6, formatValue(value, ''), { 'text-anchor': 'middle', 'font-size': SMALL }),
  ];
}

/** One series: its lines, then markers, bands and gaps on top; values shown when alone. */
function seriesParts(p: Plot, series: number, values: ChartValue[]): string[] {
  const out = runs(values, (v) => typeof v === 'number')
    .filter((run) => run.length > 1)
    .map((run) => {
      const points = run.map((i) => `${coord(p.xAt(i))},${coord(p.y(upperOf(values[i] ?? null)))}`).join(' ');
      return el('polyline', { points, ...seriesStroke(series) });
    });
  values.forEach((v, i) => {
    if (v === null) return;
    if (typeof v !== 'number') out.push(...bandMark(p, series, i, v));
    else {
      out.push(marker(series, p.xAt(i), p.y(v)));
      if (!p.many) out.push(label(p.xAt(i), p.y(v) - 9, formatNumber(v), { 'text-anchor': 'middle', 'font-size': SMALL }));
    }
  });
  for (const run of runs(values, (v) => v === null)) out.push(...nullMark(p, series, run));
  return out;
}

/** The x labels, every k-th one when they would otherwise run into each other. */
function xLabels(p: Plot, xs: string[]): string[] {
  const widest = Math.max(...xs.map((x) => textWidth(x, SMALL)));
  const every = Math.max(1, Math.ceil((widest + 8) / p.spacing));
  const limit = every * p.spacing - 4;
  return xs.flatMap((x, i) =>
    i % every === 0 ? [label(p.xAt(i), p.bottom + 16, fitText(x, SMALL, limit), { 'text-anchor': 'middle', 'font-size': SMALL, fill: MUTED })] : [],
  );
}

function lineLegend(input: LineChartInput, defs: Defs, bands: boolean): { parts: string[]; height: number } {
  const items: LegendItem[] = input.series.map((s, i) => ({
    label: s.label,
    key: (kx, ky) => `${el('line', { x1: kx, y1: ky + 6, x2: kx + KEY_WIDTH, y2: ky + 6, ...seriesStroke(i) })}${marker(i, kx + KEY_WIDTH / 2, ky + 6)}`,
  }));
  if (bands) items.push(rangeLegendItem(defs));
  return legend(items, PAD);
}

/** One or more series over the same periods, e.g. requests received over time. */
export function renderLineChart(input: LineChartInput): string {
  checkId(input.id);
  checkLine(input);
  const xs = xValues(input);
  if (xs.length === 0) return noData(input);
  const table = input.series.map((s) => xs.map((x) => s.points.find((pt) => pt.x === x)?.y ?? null));
  const flat = table.flat();
  const defs = new Defs(input.id);
  const key = lineLegend(
    input,
    defs,
    flat.some((v) => v !== null && typeof v !== 'number'),
  );
  const top = PAD + key.height + 36;
  const scale = niceScale(
    Math.max(...flat.map(upperOf)),
    flat.every((v) => Number.isInteger(upperOf(v)) && Number.isInteger(lowerOf(v))),
  );
  const left = PAD + Math.max(...scale.ticks.map((t) => textWidth(formatNumber(t), SMALL))) + 8;
  const spacing = xs.length > 1 ? (WIDTH - PAD - left - 2 * INSET) / (xs.length - 1) : WIDTH - PAD - left;
  const p: Plot = {
    xAt: (i) => (xs.length > 1 ? left + INSET + i * spacing : (left + WIDTH - PAD) / 2),
    y: project(scale, top + PLOT_HEIGHT, top),
    spacing,
    left,
    right: WIDTH - PAD,
    bottom: top + PLOT_HEIGHT,
    defs,
    nullLabel: input.nullLabel ?? DEFAULT_NULL_LABEL,
    many: input.series.length > 1,
  };
  const unit = label(PAD, top - 22, input.unit, { 'font-size': SMALL, fill: MUTED });
  const body = [...leftAxis(scale, p.y, left, p.right), ...xLabels(p, xs), ...table.flatMap((vs, s) => seriesParts(p, s, vs))];
  return svgDocument(input, p.bottom + 30, [defs.render(), ...key.parts, unit, ...body]);
}
