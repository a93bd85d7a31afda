/**
 * Text for the build-time charts: escaping, number formatting and a width estimate.
 * Chart labels come from report files, which arrive by pull request, so every string
 * that reaches SVG or HTML goes through `labelXml` first. The output must also be the
 * same bytes on every machine, so numbers are formatted here by hand rather than with
 * `toLocaleString`, whose output depends on the ICU data Node was built with.
 */
import { escapeXml } from '../escape.ts';
import type { ChartValue } from './chart-types.ts';

/** A chart label or title for SVG or HTML: one line (tab and line breaks become spaces), escaped (src/core/escape.ts). */
export function labelXml(text: string): string {
  return escapeXml(text.replace(/[\t\n\r]/g, ' '));
}

/** Rounds to two decimals, the precision of every number in the output; never `-0`. */
export function round2(n: number): number {
  const r = Math.round(n * 100) / 100;
  return r === 0 ? 0 : r;
}

/** A coordinate or length for an attribute: at most two decimals, no trailing zeros. */
export function coord(n: number): string {
  return String(round2(n));
}

/** A count for people to read: 1,204 or 12.5 (comma thousands, as the site is in English). */
export function formatNumber(n: number): string {
  const [whole = '0', fraction] = round2(n)
    .toFixed(2)
    .replace(/\.?0+$/, '')
    .split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** An exact count, a band as "0–249" (en dash, as in the published reports), or the null label. */
export function formatValue(value: ChartValue, nullLabel: string): string {
  if (value === null) return nullLabel;
  if (typeof value === 'number') return formatNumber(value);
  return `${formatNumber(value.lower)}–${formatNumber(value.upper)}`;
}

/**
 * Roughly how wide a text is in a system sans-serif: 0.6 em a character (generous, so
 * that labels are given too much room rather than overlap), 1 em for wide scripts.
 * The charts have no font metrics at build time and must not load a font.
 */
export function textWidth(text: string, fontSize: number): number {
  let ems = 0;
  for (const ch of text) ems += (ch.codePointAt(0) ?? 0) >= 0x1100 ? 1 : 0.6;
  return ems * fontSize;
}

/** The text cut with "…" to fit `max`; the full text is always in the data table. */
export function fitText(text: string, fontSize: number, max: number): string {
  if (textWidth(text, fontSize) <= max) return text;
  const chars = [...text];
  while (chars.length > 0 && textWidth(`${chars.join('')}…`, fontSize) > max) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/**
 * The total of a stacked bar: exact, a band when any part is one, or "at least" the
 * known part when a part is not published (a suppressed count is never counted as 0).
 */
export function formatTotal(values: ChartValue[]): string {
  let [lower, upper] = [0, 0];
  for (const v of values) {
    lower += v === null ? 0 : typeof v === 'number' ? v : v.lower;
    upper += v === null ? 0 : typeof v === 'number' ? v : v.upper;
  }
  if (values.includes(null)) return `at least ${formatNumber(lower)}`;
  return lower === upper ? formatNumber(lower) : formatValue({ lower, upper }, '');
}
