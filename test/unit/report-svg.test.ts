/**
 * Build-time report charts: escaping, bands, nulls, ticks, determinism, well-formed
 * XML and nothing a CSP of default-src 'none' would block or a page would run.
 */
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ContentError } from '../../src/core/errors.ts';
import { niceScale } from '../../src/core/report/chart-scale.ts';
import { AXIS, MUTED, PALETTE, TEXT } from '../../src/core/report/chart-style.ts';
import { labelXml, formatNumber, formatTotal } from '../../src/core/report/chart-text.ts';
import {
  barChart,
  chartDataTable,
  lineChart,
  stackedBarChart,
  type BarChartInput,
  type ChartValue,
  type LineChartInput,
  type StackedBarInput,
} from '../../src/core/report/svg.ts';

const EVIL = `<script>alert("x")</script> & 'quoted' "double"`;

const bar = (bars: BarChartInput['bars'], over: Partial<BarChartInput> = {}): BarChartInput => ({
  id: 'c',
  title: 'T',
  description: 'D',
  unit: 'requests',
  bars,
  ...over,
});
const CATS = [
  { key: 'a', label: 'Alpha' },
  { key: 'b', label: 'Beta' },
  { key: 'c', label: 'Gamma' },
];
const stacked = (rows: [string, ChartValue[]][], over: Partial<StackedBarInput> = {}): StackedBarInput => ({
  id: 's',
  title: 'T',
  description: 'D',
  unit: 'requests',
  categories: CATS,
  bars: rows.map(([label, vs]) => ({ label, values: Object.fromEntries(CATS.map((c, i) => [c.key, vs[i] ?? null])) })),
  ...over,
});
const line = (series: [string, ChartValue[]][], over: Partial<LineChartInput> = {}): LineChartInput => ({
  id: 'l',
  title: 'T',
  description: 'D',
  unit: 'requests',
  series: series.map(([label, ys]) => ({ label, points: ys.map((y, i) => ({ x: `P${i + 1}`, y })) })),
  ...over,
});

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, trimValues: false });
/** Every element of a parsed document, depth first, as [name, attributes]. */
function elements(xml: string): [string, Record<string, string>][] {
  const out: [string, Record<string, string>][] = [];
  const walk = (nodes: Record<string, unknown>[]) => {
    for (const node of nodes) {
      const name = Object.keys(node).find((k) => k !== ':@');
      if (name === undefined || name === '#text') continue;
      out.push([name, (node[':@'] ?? {}) as Record<string, string>]);
      walk(node[name] as Record<string, unknown>[]);
    }
  };
  walk(parser.parse(xml) as Record<string, unknown>[]);
  return out;
}
/** The text content of every <text>, in document order, numeric references decoded (the only ones emitted). */
const texts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => (m[1] ?? '').replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))));
const rects = (svg: string) =>
  elements(svg)
    .filter(([n]) => n === 'rect')
    .map(([, a]) => a);

const examples = (): string[] => [
  barChart(
    bar([
      { label: 'DE', value: 412 },
      { label: 'US', value: { lower: 0, upper: 249 } },
      { label: 'NL', value: null },
    ]),
  ),
  stackedBarChart(
    stacked([
      ['2024 H1', [3, { lower: 10, upper: 19 }, null]],
      ['2024 H2', [40, 2, 7]],
    ]),
  ),
  lineChart(
    line([
      ['Received', [1, 2, null, 4]],
      ['NSL', [{ lower: 0, upper: 249 }, null, 3, 3]],
    ]),
  ),
];

describe('the SVG root', () => {
  it('is an image named by its title and description, responsive by viewBox', () => {
    const svg = barChart(bar([{ label: 'DE', value: 4 }], { id: 'by-country' }));
    const [[name, attrs] = ['', {}]] = elements(svg);
    expect(name).toBe('svg');
    expect(attrs).toMatchObject({ role: 'img', 'aria-labelledby': 'by-country-title by-country-desc', width: '100%' });
    expect(attrs.viewBox).toMatch(/^0 0 640 \d+(\.\d+)?$/);
    expect(attrs.height).toBeUndefined();
    expect(svg).toContain('<title id="by-country-title">T</title>');
    expect(svg).toContain('<desc id="by-country-desc">D</desc>');
  });

  it('uses the system font stack and no web font', () => {
    for (const svg of examples()) expect(svg).toMatch(/font-family="system-ui, [^"]*sans-serif"/);
  });

  it('is well-formed XML, with nothing to run, load or link', () => {
    for (const svg of examples()) {
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg).not.toMatch(/<script|<style|<image|<foreignObject|<filter|<a[\s>]|href|base64|@import/i);
      for (const [, attrs] of elements(svg)) {
        expect(Object.keys(attrs).filter((k) => /^on/i.test(k) || k === 'style')).toEqual([]);
        for (const v of Object.values(attrs)) if (v.includes('url(')) expect(v).toMatch(/^url\(#[A-Za-z][\w-]*\)$/);
      }
    }
  });

  it('rounds every number to two decimals', () => {
    const svg = barChart(
      bar([
        { label: 'A', value: 1 / 3 },
        { label: 'B', value: 2 / 3 },
        { label: 'C', value: 7 },
      ]),
    );
    expect(svg).not.toMatch(/\d\.\d{3}/);
    expect(texts(svg)).toContain('0.33');
  });
});

describe('escaping', () => {
  it('escapes every label, title, description and unit in the SVG', () => {
    const charts = [
      barChart(bar([{ label: EVIL, value: 1 }], { title: EVIL, description: EVIL, unit: EVIL, nullLabel: EVIL })),
      stackedBarChart({
        ...stacked([[EVIL, [1, null, 2]]]),
        categories: [
          { key: 'a', label: EVIL },
          { key: 'b', label: 'B' },
          { key: 'c', label: 'C' },
        ],
        title: EVIL,
      }),
      lineChart(
        line([[EVIL, [1, null, 2]]], {
          unit: EVIL,
          nullLabel: EVIL,
          series: [
            {
              label: EVIL,
              points: [
                { x: EVIL, y: 1 },
                { x: 'b', y: null },
              ],
            },
          ],
        }),
      ),
    ];
    for (const svg of charts) {
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg).not.toContain('<script');
      expect(svg).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;quoted&#39;');
      expect(texts(svg).some((t) => t.startsWith('<script>alert("x")'))).toBe(true);
    }
  });

  it('escapes the data table', () => {
    const html = chartDataTable(bar([{ label: EVIL, value: 1 }], { title: EVIL, unit: EVIL, labelHeading: EVIL }));
    expect(XMLValidator.validate(html)).toBe(true);
    expect(html).not.toContain('<script');
    expect(html.match(/&#60;script&#62;/g)).toHaveLength(4);
  });

  it('keeps the XML well-formed whatever the characters', () => {
    const label = 'a\u0000b\u0007c\td\ne\uD800f\uFFFEg';
    expect(labelXml(label)).toBe('a\uFFFDb\uFFFDc d e\uFFFDf\uFFFDg');
    expect(XMLValidator.validate(barChart(bar([{ label, value: 1 }], { title: label })))).toBe(true);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => XMLValidator.validate(barChart(bar([{ label: s, value: 1 }], { title: s, unit: s }))) === true),
      { numRuns: 200 },
    );
  });
});

describe('bands', () => {
  it('draw a solid bar to the lower bound and an outlined hatched part to the upper, labelled', () => {
    const svg = barChart(
      bar(
        [
          { label: 'US', value: { lower: 250, upper: 499 } },
          { label: 'DE', value: 1000 },
        ],
        { id: 'b' },
      ),
    );
    const [solid, hatched, full] = rects(svg).filter((r) => r.height === '18' || r.height === '17');
    expect(solid?.fill).toBe(PALETTE[0]);
    expect(hatched).toMatchObject({ fill: 'url(#b-hatch-0)', stroke: PALETTE[0] });
    expect(Number(hatched?.x)).toBeCloseTo(Number(solid?.x) + Number(solid?.width) + 0.5, 1);
    expect(Number(solid?.width) / Number(full?.width)).toBeCloseTo(0.25, 2);
    expect(texts(svg)).toContain('250–499');
    expect(svg).toContain('<pattern id="b-hatch-0"');
  });

  it('from zero are only the hatched part', () => {
    const svg = barChart(bar([{ label: 'US', value: { lower: 0, upper: 249 } }]));
    expect(rects(svg).filter((r) => r.height === '18')).toEqual([]);
    expect(texts(svg)).toContain('0–249');
  });

  it('in a stacked bar push the next segment past the upper bound and make the total a range', () => {
    const svg = stackedBarChart(stacked([['2024', [{ lower: 0, upper: 249 }, 100, 50]]]));
    expect(texts(svg)).toEqual(expect.arrayContaining(['0–249', '100', '50', '150–399', 'range (exact figure not published)']));
  });

  it('in a line chart are a range bar the line does not pass through', () => {
    const svg = lineChart(line([['NSL', [{ lower: 0, upper: 249 }, { lower: 250, upper: 499 }, 10, 20]]]));
    expect(texts(svg)).toEqual(expect.arrayContaining(['0–249', '250–499']));
    const polylines = elements(svg).filter(([n]) => n === 'polyline');
    expect(polylines).toHaveLength(1);
    expect(polylines[0]?.[1].points?.split(' ')).toHaveLength(2);
  });
});

describe('nulls', () => {
  it('are no bar, only a label, by default "not published"', () => {
    const svg = barChart(bar([{ label: 'NL', value: null }]));
    expect(rects(svg)).toEqual([]);
    expect(texts(svg)).toContain('not published');
    expect(texts(barChart(bar([{ label: 'NL', value: null }], { nullLabel: 'suppressed' })))).toContain('suppressed');
  });

  it('in a stacked bar are named under it and make the total "at least"', () => {
    const svg = stackedBarChart(stacked([['2024 H1', [30, null, 12]]], { nullLabel: 'suppressed' }));
    expect(texts(svg)).toEqual(expect.arrayContaining(['Beta: suppressed', 'at least 42']));
  });

  it('break a line, and neighbouring nulls share one label', () => {
    const svg = lineChart(line([['Received', [1, 2, null, null, 5, 6]]]));
    expect(elements(svg).filter(([n]) => n === 'polyline')).toHaveLength(2);
    expect(texts(svg).filter((t) => t === 'not published')).toHaveLength(1);
  });

  it('with several series carry the series marker, hollow', () => {
    const svg = lineChart(
      line([
        ['A', [1, 2, 3]],
        ['B', [null, 2, 3]],
      ]),
    );
    expect(svg).toMatch(/<rect [^>]*fill="#fff" stroke="#b35100"/);
  });
});

describe('niceScale', () => {
  it.each([
    [412, true, [0, 100, 200, 300, 400, 500]],
    [1204, true, [0, 250, 500, 750, 1000, 1250]],
    [7, true, [0, 2, 4, 6, 8]],
    [3, true, [0, 1, 2, 3]],
    [1, true, [0, 1]],
    [0, true, [0, 1]],
    [0.3, false, [0, 0.1, 0.2, 0.3]],
    [1.1, false, [0, 0.25, 0.5, 0.75, 1, 1.25]],
    [100, true, [0, 20, 40, 60, 80, 100]],
  ])('%d → %j', (max, integers, ticks) => {
    expect(niceScale(max, integers).ticks).toEqual(ticks);
  });

  it('always covers the maximum in at most five round intervals', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e9, noNaN: true }), fc.boolean(), (max, integers) => {
        const { ticks, step } = niceScale(max, integers);
        const mantissa = step / 10 ** Math.floor(Math.log10(step));
        return (
          ticks.length <= 6 &&
          (ticks.at(-1) ?? 0) >= max * (1 - 1e-9) &&
          step >= 0.01 &&
          [1, 2, 2.5, 5].some((m) => Math.abs(m - mantissa) < 1e-9) &&
          (!integers || Number.isInteger(step))
        );
      }),
    );
  });

  it('draws the ticks as labelled grid lines', () => {
    expect(texts(barChart(bar([{ label: 'DE', value: 412 }])))).toEqual(expect.arrayContaining(['0', '100', '200', '300', '400', '500']));
  });
});

describe('determinism', () => {
  it('gives the same bytes for the same input', () => {
    expect(examples()).toEqual(examples());
  });

  it('does not depend on the order of keys in a stacked bar', () => {
    const a = stacked([['x', [1, 2, 3]]]);
    const b = { ...a, bars: [{ label: 'x', values: { c: 3, a: 1, b: 2 } }] };
    expect(stackedBarChart(b)).toBe(stackedBarChart(a));
  });

  it('formats numbers without the locale', () => {
    expect([1234567, 1000, 999, 0.5, 12.345, 0].map(formatNumber)).toEqual(['1,234,567', '1,000', '999', '0.5', '12.35', '0']);
    expect(formatTotal([1, { lower: 0, upper: 249 }])).toBe('1–250');
  });
});

describe('colour', () => {
  const luminance = (hex: string) => {
    const [r = 0, g = 0, b = 0] = [1, 3, 5]
      .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (hex: string) => 1.05 / (luminance(hex) + 0.05);

  it('has at least 4.5:1 against white for every palette colour and text colour', () => {
    for (const c of [...PALETTE, TEXT, MUTED, AXIS]) expect(contrast(c)).toBeGreaterThanOrEqual(4.5);
    expect(Math.min(...PALETTE.map(contrast))).toBeCloseTo(5.13, 2);
  });

  it('does not rely on colour alone: stacked categories get patterns and a legend', () => {
    const svg = stackedBarChart(stacked([['x', [10, 20, 30]]]));
    const fills = rects(svg)
      .filter((r) => r.height === '18')
      .map((r) => r.fill);
    expect(new Set(fills).size).toBe(3);
    expect(fills.filter((f) => f?.startsWith('url(#s-fill-'))).toHaveLength(2);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Alpha', 'Beta', 'Gamma']));
  });

  it('scopes pattern ids to the chart, so two charts on a page do not collide', () => {
    const one = stackedBarChart(stacked([['x', [1, { lower: 0, upper: 9 }, 3]]], { id: 'one' }));
    const two = stackedBarChart(stacked([['x', [1, { lower: 0, upper: 9 }, 3]]], { id: 'two' }));
    const ids = (svg: string) =>
      elements(svg)
        .map(([, a]) => a.id)
        .filter((id) => id !== undefined);
    expect(ids(one).filter((id) => ids(two).includes(id))).toEqual([]);
    expect(new Set(ids(one)).size).toBe(ids(one).length);
  });
});

describe('empty input', () => {
  it.each([
    ['bar', barChart(bar([]))],
    ['stacked', stackedBarChart(stacked([]))],
    ['stacked without categories', stackedBarChart({ ...stacked([]), categories: [], bars: [{ label: 'x', values: {} }] })],
    ['line', lineChart(line([]))],
    ['line without points', lineChart(line([['A', []]]))],
  ])('%s says "No data"', (_, svg) => {
    expect(texts(svg)).toEqual(['No data']);
    expect(svg).toContain('role="img"');
    expect(XMLValidator.validate(svg)).toBe(true);
  });

  it('gives a table with a "No data" row', () => {
    expect(chartDataTable(bar([]))).toContain('<tr><td colspan="2">No data</td></tr>');
  });
});

describe('invalid input', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof ContentError ? e.code : 'other';
    }
    return 'none';
  };

  it.each([
    ['a negative count', () => barChart(bar([{ label: 'x', value: -1 }]))],
    ['NaN', () => barChart(bar([{ label: 'x', value: Number.NaN }]))],
    ['a band upside down', () => barChart(bar([{ label: 'x', value: { lower: 9, upper: 1 } }]))],
    ['an id that is not a token', () => barChart(bar([], { id: 'a" onload="x' }))],
    ['a missing category', () => stackedBarChart({ ...stacked([]), bars: [{ label: 'x', values: { a: 1, b: 2 } }] })],
    ['an undeclared category', () => stackedBarChart({ ...stacked([]), bars: [{ label: 'x', values: { a: 1, b: 2, c: 3, d: 4 } }] })],
    [
      'two points at one x',
      () =>
        lineChart({
          ...line([]),
          series: [
            {
              label: 'A',
              points: [
                { x: 'P', y: 1 },
                { x: 'P', y: 2 },
              ],
            },
          ],
        }),
    ],
    ['a table of a negative count', () => chartDataTable(bar([{ label: 'x', value: -1 }]))],
  ])('%s is refused', (_, f) => {
    expect(code(f)).toBe('SCHEMA_INVALID');
  });
});

describe('chartDataTable', () => {
  it('has a caption, column and row headers and the values as the chart labels them', () => {
    const html = chartDataTable(
      bar(
        [
          { label: 'DE', value: 1204 },
          { label: 'US', value: { lower: 0, upper: 249 } },
          { label: 'NL', value: null },
        ],
        { title: 'By country', labelHeading: 'Country', nullLabel: 'suppressed' },
      ),
    );
    expect(html).toContain('<caption>By country</caption>');
    expect(html).toContain('<thead><tr><th scope="col">Country</th><th scope="col">requests</th></tr></thead>');
    expect(html).toContain('<tr><th scope="row">DE</th><td>1,204</td></tr>');
    expect(html).toContain('<tr><th scope="row">US</th><td>0–249</td></tr>');
    expect(html).toContain('<tr><th scope="row">NL</th><td>suppressed</td></tr>');
  });

  it('gives a stacked chart a total column and a line chart a column per series', () => {
    const s = chartDataTable(stacked([['2024', [1, null, { lower: 0, upper: 9 }]]]));
    expect(s).toContain('<th scope="col">Total</th>');
    expect(s).toContain('<tr><th scope="row">2024</th><td>1</td><td>not published</td><td>0–9</td><td>at least 1</td></tr>');
    const l = chartDataTable({
      ...line([['A', [1, 2]]]),
      series: [
        {
          label: 'A',
          points: [
            { x: 'P1', y: 1 },
            { x: 'P2', y: 2 },
          ],
        },
        { label: 'B', points: [{ x: 'P2', y: 5 }] },
      ],
    });
    expect(l).toContain('<tr><th scope="row">P1</th><td>1</td><td>not published</td></tr>');
    expect(l).toContain('<tr><th scope="row">P2</th><td>2</td><td>5</td></tr>');
  });
});
