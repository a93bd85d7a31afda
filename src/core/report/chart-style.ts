/**
 * Colours, patterns and markers. Everything is a presentation attribute (fill=…,
 * stroke=…), not a <style> block or style="": an inline SVG's <style> applies to the
 * whole page (it would leak into the site's CSS and collide between two charts), and
 * presentation attributes are not governed by CSP at all, so the charts need not even
 * the style-src 'unsafe-inline' the site allows.
 *
 * Palette, contrast against white (#ffffff) by the WCAG 2 formula
 * (L1 + 0.05) / (L2 + 0.05) with sRGB relative luminance:
 *   #0a5ea8 blue     6.60 : 1      #7b3f99 purple   6.97 : 1
 *   #b35100 orange   5.13 : 1      #5c5c5c grey     6.69 : 1
 *   #0f7257 green    5.89 : 1      #8b5a00 brown    5.90 : 1
 *   #b01561 magenta  6.72 : 1      #006d77 teal     6.08 : 1
 * All are ≥ 4.5 : 1, more than the 3 : 1 bars need (WCAG 1.4.11), so that white value
 * labels inside a segment (the same ratios) and coloured text both pass 1.4.3 too.
 * Dark colours are hard to tell apart from each other, so adjacent stacked segments are
 * separated by a white line (≥ 5.13 : 1 against either) and each category also has its
 * own pattern; line series have their own marker shape and dash.
 *   text   #1a1a1a 17.40 : 1      muted text #4d4d4d 8.45 : 1
 *   axis   #595959  7.00 : 1      grid lines #d9d9d9 1.41 : 1 (decorative: every
 *   value is labelled or in the data table, so grid lines carry no information alone)
 */
import type { Attrs } from './chart-svg.ts';
import { coord as p } from './chart-text.ts';

export const PALETTE = ['#0a5ea8', '#b35100', '#0f7257', '#b01561', '#7b3f99', '#5c5c5c', '#8b5a00', '#006d77'] as const;
export const TEXT = '#1a1a1a';
export const MUTED = '#4d4d4d';
export const AXIS = '#595959';
export const GRID = '#d9d9d9';

/** No web font may be loaded (no third-party request, nothing to fetch under CSP). */
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

export function colour(index: number): string {
  return PALETTE[index % PALETTE.length] ?? PALETTE[0];
}

/**
 * Overlays for the category patterns, drawn in translucent white on a 6×6 tile: none,
 * "/", dots, "—", "\", cross, "|". Seven against eight colours, so colour and pattern
 * together stay unique for 56 categories.
 */
const OVERLAYS = [
  '',
  '<path d="M-1 1L1-1M0 6L6 0M5 7L7 5" stroke="#fff" stroke-opacity="0.6" stroke-width="1.5"/>',
  '<circle cx="3" cy="3" r="1.3" fill="#fff" fill-opacity="0.7"/>',
  '<path d="M0 3H6" stroke="#fff" stroke-opacity="0.6" stroke-width="1.5"/>',
  '<path d="M-1 5L1 7M0 0L6 6M5-1L7 1" stroke="#fff" stroke-opacity="0.6" stroke-width="1.5"/>',
  '<path d="M0 3H6M3 0V6" stroke="#fff" stroke-opacity="0.6" stroke-width="1.2"/>',
  '<path d="M3 0V6" stroke="#fff" stroke-opacity="0.6" stroke-width="1.5"/>',
];

/**
 * The <pattern>s a chart uses, each defined once under an id that starts with the
 * chart's id (ids in inline SVG are global to the page). Fills point at them with
 * url(#…), a reference inside the document, which CSP does not treat as a request.
 */
export class Defs {
  readonly #prefix: string;
  readonly #patterns = new Map<string, string>();

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** The fill of category `index`: its colour, with its pattern from the second on. */
  category(index: number): string {
    const overlay = OVERLAYS[index % OVERLAYS.length] ?? '';
    if (overlay === '') return colour(index);
    return this.#pattern(`fill-${index}`, `<rect width="6" height="6" fill="${colour(index)}"/>${overlay}`);
  }

  /** The fill of the uncertain part of a band: stripes of the colour on white. */
  hatch(index: number): string {
    const c = colour(index);
    return this.#pattern(
      `hatch-${index % PALETTE.length}`,
      `<rect width="6" height="6" fill="#fff"/><path d="M-1 1L1-1M0 6L6 0M5 7L7 5" stroke="${c}" stroke-width="2"/>`,
    );
  }

  #pattern(name: string, tile: string): string {
    const id = `${this.#prefix}-${name}`;
    if (!this.#patterns.has(id)) this.#patterns.set(id, `<pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse">${tile}</pattern>`);
    return `url(#${id})`;
  }

  render(): string {
    return this.#patterns.size === 0 ? '' : `<defs>${[...this.#patterns.values()].join('')}</defs>`;
  }
}

/** Line series differ by marker shape and dash as well as colour. */
const DASHES = [undefined, '7 4', '2 3', '9 3 2 3'];

export function seriesStroke(index: number): Attrs {
  return { fill: 'none', stroke: colour(index), 'stroke-width': 2, 'stroke-dasharray': DASHES[index % DASHES.length], 'stroke-linejoin': 'round' };
}

/**
 * Marker `index` (circle, square, triangle, diamond) centred on x, y: white-edged to
 * stand off the line, or hollow to mark a series' gap next to its label.
 */
export function marker(index: number, x: number, y: number, hollow = false): string {
  const c = colour(index);
  const edge = hollow ? `fill="#fff" stroke="${c}" stroke-width="1.5"` : `fill="${c}" stroke="#fff" stroke-width="1"`;
  switch (index % 4) {
    case 0:
      return `<circle cx="${p(x)}" cy="${p(y)}" r="4.5" ${edge}/>`;
    case 1:
      return `<rect x="${p(x - 4)}" y="${p(y - 4)}" width="8" height="8" ${edge}/>`;
    case 2:
      return `<path d="M${p(x)} ${p(y - 5)}L${p(x + 5)} ${p(y + 4)}H${p(x - 5)}Z" ${edge}/>`;
    default:
      return `<path d="M${p(x)} ${p(y - 5.5)}L${p(x + 5.5)} ${p(y)}L${p(x)} ${p(y + 5.5)}L${p(x - 5.5)} ${p(y)}Z" ${edge}/>`;
  }
}
