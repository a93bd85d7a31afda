/**
 * SVG building blocks shared by the charts: elements with escaped attributes, the
 * root element, axes, legend and the "No data" chart. One element a line, so that a
 * change shows up in a golden file as a readable diff.
 */
import { AXIS, colour, FONT_FAMILY, GRID, MUTED, TEXT, type Defs } from './chart-style.ts';
import { coord, labelXml, formatNumber, textWidth } from './chart-text.ts';
import type { Scale } from './chart-scale.ts';

export type Attrs = Record<string, string | number | undefined>;

/** The viewBox width; the SVG itself is 100% wide and keeps this aspect ratio. */
export const WIDTH = 640;
export const PAD = 12;
export const FONT = 13;
export const SMALL = 11;

function attributes(attrs: Attrs): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? coord(v) : labelXml(v)}"`)
    .join('');
}

/** An element; numbers are rounded to two decimals and strings escaped, undefined left out. */
export function el(name: string, attrs: Attrs, content?: string): string {
  const list = attributes(attrs);
  return content === undefined ? `<${name}${list}/>` : `<${name}${list}>${content}</${name}>`;
}

/** A line of text; `text` is data, so it is escaped here. */
export function label(x: number, y: number, text: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, labelXml(text));
}

/** Where a text's baseline goes to centre it on `middle` (no dominant-baseline: renderers differ). */
export function baseline(middle: number, fontSize: number): number {
  return middle + fontSize * 0.35;
}

interface Described {
  id: string;
  title: string;
  description: string;
}

/**
 * The root: role="img" named by its <title> and <desc>, as screen readers announce
 * inline SVG reliably only that way. No height: with a viewBox and width="100%" the
 * browser keeps the aspect ratio at any width.
 */
export function svgDocument(input: Described, height: number, parts: string[], extraDesc = ''): string {
  const root = `<svg${attributes({
    xmlns: 'http://www.w3.org/2000/svg',
    role: 'img',
    'aria-labelledby': `${input.id}-title ${input.id}-desc`,
    viewBox: `0 0 ${WIDTH} ${coord(height)}`,
    width: '100%',
    'font-family': FONT_FAMILY,
    'font-size': FONT,
    fill: TEXT,
  })}>`;
  const description = extraDesc === '' ? input.description : `${input.description} ${extraDesc}`;
  const head = [el('title', { id: `${input.id}-title` }, labelXml(input.title)), el('desc', { id: `${input.id}-desc` }, labelXml(description))];
  return [root, ...head, ...parts.filter((p) => p !== ''), '</svg>', ''].join('\n');
}

/** A small chart that says so, rather than an empty frame or an axis with nothing on it. */
export function noData(input: Described): string {
  return svgDocument(input, 48, [label(WIDTH / 2, baseline(24, FONT), 'No data', { 'text-anchor': 'middle', fill: MUTED })], 'No data.');
}

/** Vertical grid lines and tick labels under a horizontal-bar chart, with the unit below them. */
export function bottomAxis(scale: Scale, x: (v: number) => number, top: number, bottom: number, unit: string): string[] {
  const out = scale.ticks.map((t) => el('line', { x1: x(t), y1: top, x2: x(t), y2: bottom, stroke: t === 0 ? AXIS : GRID, 'stroke-width': 1 }));
  for (const t of scale.ticks) out.push(label(x(t), bottom + 15, formatNumber(t), { 'text-anchor': 'middle', 'font-size': SMALL, fill: MUTED }));
  out.push(label((x(0) + x(scale.max)) / 2, bottom + 32, unit, { 'text-anchor': 'middle', 'font-size': SMALL, fill: MUTED }));
  return out;
}

/** Horizontal grid lines and tick labels left of a line chart's plot. */
export function leftAxis(scale: Scale, y: (v: number) => number, left: number, right: number): string[] {
  const out = scale.ticks.map((t) => el('line', { x1: left, y1: y(t), x2: right, y2: y(t), stroke: t === 0 ? AXIS : GRID, 'stroke-width': 1 }));
  for (const t of scale.ticks) out.push(label(left - 6, baseline(y(t), SMALL), formatNumber(t), { 'text-anchor': 'end', 'font-size': SMALL, fill: MUTED }));
  return out;
}

export interface LegendItem {
  label: string;
  /** Draws the KEY_WIDTH × 12 key with its top-left corner at x, y. */
  key: (x: number, y: number) => string;
}

export const KEY_WIDTH = 22;
const LEGEND_ROW = 20;

/** What hatching means, in grey since every category's bands are hatched in its own colour. */
export function rangeLegendItem(defs: Defs): LegendItem {
  const grey = 5;
  return {
    label: 'range (exact figure not published)',
    key: (x, y) => el('rect', { x: x + 0.5, y: y + 0.5, width: KEY_WIDTH - 1, height: 11, fill: defs.hatch(grey), stroke: colour(grey), 'stroke-width': 1 }),
  };
}

/** The legend, left to right and wrapped to the width; returns its height. */
export function legend(items: LegendItem[], top: number): { parts: string[]; height: number } {
  const parts: string[] = [];
  let x = PAD;
  let y = top;
  for (const item of items) {
    const w = KEY_WIDTH + 6 + textWidth(item.label, SMALL) + 16;
    if (x > PAD && x + w > WIDTH - PAD) [x, y] = [PAD, y + LEGEND_ROW];
    parts.push(item.key(x, y + 2), label(x + KEY_WIDTH + 6, baseline(y + 8, SMALL), item.label, { 'font-size': SMALL }));
    x += w;
  }
  return { parts, height: items.length === 0 ? 0 : y - top + LEGEND_ROW };
}
