/**
 * Horizontal bar charts, single and stacked. Horizontal because the labels (countries,
 * periods) then read left to right at any length, and the value sits at the bar's end.
 *
 * A band is a solid bar to its lower bound and a hatched, outlined part to its upper
 * bound, labelled "0–249": the reader sees both what is certain and how much is not.
 * A null has no bar at all, only its label, so a suppressed count is never drawn as 0.
 */
import {
  checkId,
  checkStacked,
  checkValue,
  DEFAULT_NULL_LABEL,
  lowerOf,
  upperOf,
  valueOf,
  type BarChartInput,
  type ChartValue,
  type StackedBarInput,
} from './chart-types.ts';
import { niceScale, project } from './chart-scale.ts';
import { colour, Defs, MUTED, TEXT } from './chart-style.ts';
import {
  baseline,
  bottomAxis,
  el,
  FONT,
  KEY_WIDTH,
  label,
  legend,
  noData,
  PAD,
  rangeLegendItem,
  SMALL,
  svgDocument,
  WIDTH,
  type LegendItem,
} from './chart-svg.ts';
import { fitText, formatTotal, formatValue, textWidth } from './chart-text.ts';

const ROW = 30;
const BAR = 18;
const NOTE = 14;
const AXIS_HEIGHT = 40;

interface Frame {
  x0: number;
  x1: number;
  labelWidth: number;
}

/** Room for the row labels on the left and the value labels on the right, each at most 30%. */
function frame(labels: string[], endLabels: string[]): Frame {
  const labelWidth = Math.min(Math.max(0, ...labels.map((l) => textWidth(l, FONT))), WIDTH * 0.3);
  const endWidth = Math.min(Math.max(0, ...endLabels.map((l) => textWidth(l, FONT))) + 8, WIDTH * 0.3);
  return { x0: PAD + labelWidth + 8, x1: WIDTH - PAD - endWidth, labelWidth };
}

function rowLabel(f: Frame, barTop: number, text: string): string {
  return label(f.x0 - 8, baseline(barTop + BAR / 2, FONT), fitText(text, FONT, f.labelWidth), { 'text-anchor': 'end' });
}

interface Piece {
  value: ChartValue;
  start: number;
  colourIndex: number;
  fill: string;
  /** White lines between stacked segments, so neighbours do not rely on colour to part. */
  separate: boolean;
}

/** The solid part to the lower bound and, for a band, the hatched part to the upper. */
function segment(x: (v: number) => number, top: number, p: Piece, defs: Defs): string[] {
  const out: string[] = [];
  const [lower, upper] = [lowerOf(p.value), upperOf(p.value)];
  const stroke = p.separate ? { stroke: '#fff', 'stroke-width': 1 } : {};
  if (lower > 0) out.push(el('rect', { x: x(p.start), y: top, width: x(p.start + lower) - x(p.start), height: BAR, fill: p.fill, ...stroke }));
  if (upper > lower) {
    // Inset by half the outline, so the outline stays inside the band's extent.
    const [from, to] = [x(p.start + lower), x(p.start + upper)];
    out.push(
      el('rect', {
        x: from + 0.5,
        y: top + 0.5,
        width: Math.max(to - from - 1, 0),
        height: BAR - 1,
        fill: defs.hatch(p.colourIndex),
        stroke: colour(p.colourIndex),
        'stroke-width': 1,
      }),
    );
  }
  return out;
}

function integersOnly(values: ChartValue[]): boolean {
  return values.every((v) => v === null || (typeof v === 'number' ? Number.isInteger(v) : Number.isInteger(v.lower) && Number.isInteger(v.upper)));
}

/** Bars for one value each, e.g. requests by country. */
export function renderBarChart(input: BarChartInput): string {
  checkId(input.id);
  input.bars.forEach((b, i) => checkValue(b.value, `bars[${i}].value`));
  if (input.bars.length === 0) return noData(input);
  const nullLabel = input.nullLabel ?? DEFAULT_NULL_LABEL;
  const values = input.bars.map((b) => b.value);
  const f = frame(
    input.bars.map((b) => b.label),
    values.map((v) => (v === null ? '' : formatValue(v, nullLabel))),
  );
  const scale = niceScale(Math.max(...values.map(upperOf)), integersOnly(values));
  const x = project(scale, f.x0, f.x1);
  const defs = new Defs(input.id);
  const bottom = PAD + input.bars.length * ROW;
  const rows = input.bars.flatMap((bar, i) => {
    const top = PAD + i * ROW + (ROW - BAR) / 2;
    const bars = segment(x, top, { value: bar.value, start: 0, colourIndex: 0, fill: colour(0), separate: false }, defs);
    const text = formatValue(bar.value, nullLabel);
    const end =
      bar.value === null
        ? label(f.x0 + 6, baseline(top + BAR / 2, FONT), text, { fill: MUTED, 'font-style': 'italic' })
        : label(x(upperOf(bar.value)) + 6, baseline(top + BAR / 2, FONT), text);
    return [rowLabel(f, top, bar.label), ...bars, end];
  });
  return svgDocument(input, bottom + AXIS_HEIGHT, [defs.render(), ...bottomAxis(scale, x, PAD - 4, bottom, input.unit), ...rows]);
}

/** The legend: each category's colour and pattern, and what the hatching means. */
function stackedLegend(input: StackedBarInput, defs: Defs, bands: boolean, top: number): { parts: string[]; height: number } {
  const items: LegendItem[] = input.categories.map((c, i) => ({
    label: c.label,
    key: (kx, ky) => el('rect', { x: kx, y: ky, width: KEY_WIDTH, height: 12, fill: defs.category(i) }),
  }));
  if (bands) items.push(rangeLegendItem(defs));
  return legend(items, top);
}

interface StackContext {
  input: StackedBarInput;
  x: (v: number) => number;
  defs: Defs;
  frame: Frame;
  nullLabel: string;
}

/**
 * A value inside its segment when it fits: white on the colour (≥ 5.13 : 1), with a
 * halo of the colour so the pattern does not cut through it; for the hatched part of
 * a band, dark on a white halo. Otherwise it goes in the note under the bar.
 */
function insideLabel(ctx: StackContext, p: Piece, top: number): string | undefined {
  const { x } = ctx;
  const band = p.value !== null && typeof p.value !== 'number';
  const [from, to] = band ? [x(p.start + lowerOf(p.value)), x(p.start + upperOf(p.value))] : [x(p.start), x(p.start + upperOf(p.value))];
  const text = formatValue(p.value, ctx.nullLabel);
  if (p.value === null || p.value === 0 || textWidth(text, SMALL) + 6 > to - from) return undefined;
  const look = band ? { fill: TEXT, stroke: '#fff' } : { fill: '#fff', stroke: colour(p.colourIndex) };
  return label((from + to) / 2, baseline(top + BAR / 2, SMALL), text, {
    'text-anchor': 'middle',
    'font-size': SMALL,
    ...look,
    'stroke-width': 3,
    'paint-order': 'stroke',
    'stroke-linejoin': 'round',
  });
}

/** One stacked bar, its label, total and note; returns its height, taller with a note. */
function stackedRow(ctx: StackContext, bar: StackedBarInput['bars'][number], rowTop: number): { parts: string[]; height: number } {
  const top = rowTop + (ROW - BAR) / 2;
  const parts = [rowLabel(ctx.frame, top, bar.label)];
  const notes: string[] = [];
  let start = 0;
  ctx.input.categories.forEach((c, i) => {
    const value = valueOf(bar.values, c.key);
    const piece: Piece = { value, start, colourIndex: i, fill: ctx.defs.category(i), separate: true };
    parts.push(...segment(ctx.x, top, piece, ctx.defs));
    const inside = insideLabel(ctx, piece, top);
    if (inside !== undefined) parts.push(inside);
    else if (value === null || typeof value !== 'number') notes.push(`${c.label}: ${formatValue(value, ctx.nullLabel)}`);
    start += upperOf(value);
  });
  const values = ctx.input.categories.map((c) => valueOf(bar.values, c.key));
  parts.push(label(ctx.x(start) + 6, baseline(top + BAR / 2, FONT), formatTotal(values)));
  if (notes.length === 0) return { parts, height: ROW };
  const note = fitText(notes.join('; '), SMALL, WIDTH - PAD - ctx.frame.x0 - 4);
  parts.push(label(ctx.frame.x0 + 4, top + BAR + 12, note, { 'font-size': SMALL, fill: MUTED }));
  return { parts, height: ROW + NOTE };
}

/** Bars split into categories, e.g. outcomes per period. */
export function renderStackedBarChart(input: StackedBarInput): string {
  checkId(input.id);
  checkStacked(input);
  if (input.bars.length === 0 || input.categories.length === 0) return noData(input);
  const all = input.bars.map((b) => input.categories.map((c) => valueOf(b.values, c.key)));
  const defs = new Defs(input.id);
  const key = stackedLegend(
    input,
    defs,
    all.flat().some((v) => v !== null && typeof v !== 'number'),
    PAD,
  );
  const f = frame(
    input.bars.map((b) => b.label),
    all.map(formatTotal),
  );
  const scale = niceScale(Math.max(...all.map((vs) => vs.reduce((s: number, v) => s + upperOf(v), 0))), integersOnly(all.flat()));
  const ctx: StackContext = { input, x: project(scale, f.x0, f.x1), defs, frame: f, nullLabel: input.nullLabel ?? DEFAULT_NULL_LABEL };
  const top = PAD + key.height + 8;
  let y = top;
  const rows = input.bars.flatMap((bar) => {
    const row = stackedRow(ctx, bar, y);
    y += row.height;
    return row.parts;
  });
  return svgDocument(input, y + AXIS_HEIGHT, [defs.render(), ...key.parts, ...bottomAxis(scale, ctx.x, top - 4, y, input.unit), ...rows]);
}
