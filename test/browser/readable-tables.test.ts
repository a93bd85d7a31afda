/**
 * Issue 14, item 5: tables read at a phone's width and a desktop's, and dates are written
 * for people. On every page of the demo site, at 390 px and 1280 px: no word in a table
 * cell is split across lines (a word whose range has line boxes at two heights is
 * broken; long tokens the CSS lets break anywhere, such as fingerprints, URLs and code,
 * are the exception), and every date a reader sees is "31 January 2027" or "31 January
 * 2027, 01:03 UTC" in a <time> whose datetime is the exact value. Screenshots of the
 * pages with tables (the whole page, and its first table alone) go to
 * test-artifacts/screenshots/tables-<width>/.
 */
import path from 'node:path';
import { mkdir, rm } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, htmlPaths, repo, requireBrowser, serveDemoSite, startBrowser, type BrowserHandle, type ServedSite } from '../helpers/browser.ts';

let browser: BrowserHandle | undefined;
let site: ServedSite | undefined;
let paths: string[];

beforeAll(async () => {
  [browser, site] = await Promise.all([startBrowser(), serveDemoSite('tables')]);
  paths = await htmlPaths(site.site);
}, BUILD_TIMEOUT);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach((ctx) => requireBrowser(ctx, browser));

const WIDTHS = [390, 1280] as const;

interface Measured {
  /** Words measured in table cells. */
  words: number;
  cells: number;
  broken: string[];
}

/** Runs in the page: every word (a run of letters and digits) of every table cell, and whether it spans two lines. */
function measureCells(page: Page): Promise<Measured> {
  return page.evaluate(() => {
    const out = { words: 0, cells: 0, broken: [] as string[] };
    for (const cell of Array.from(document.querySelectorAll('main th, main td'))) {
      out.cells++;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement!;
        // Long tokens may break anywhere on purpose (Base.astro says so for these only).
        if (parent.closest('code, .token, .fpr, .hash') || parent.getClientRects().length === 0) continue;
        for (const m of (node.textContent ?? '').matchAll(/[\p{L}\p{N}]+/gu)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
          out.words++;
          if (tops.size > 1) out.broken.push(`"${m[0]}" in "${(cell.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60)}"`);
        }
      }
    }
    return out;
  });
}

interface Dates {
  raw: string[];
  times: { datetime: string; text: string }[];
}

/** Runs in the page: ISO dates left in the visible text (outside code, pre and the verify box), and every <time>. */
function readDates(page: Page): Promise<Dates> {
  return page.evaluate(() => {
    const main = document.querySelector('main');
    const raw: string[] = [];
    if (main) {
      const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement!;
        if (parent.closest('pre, code, textarea, script, style, a[href$=".txt"], a[href$=".asc"], a[href$=".json"], a[href$=".csv"]')) continue;
        if (parent.getClientRects().length === 0) continue;
        for (const m of (node.textContent ?? '').matchAll(/(?<![\w-])\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?(?![\w-])/g)) raw.push(m[0]);
      }
    }
    const times = Array.from(document.querySelectorAll('main time'), (t) => ({
      datetime: t.getAttribute('datetime') ?? '',
      text: (t.textContent ?? '').replace(/\s+/g, ' ').trim(),
    }));
    return { raw, times };
  });
}

const DAY = /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/;
const INSTANT = /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{2}:\d{2} UTC$/;

describe.each(WIDTHS)('at %i px', (width) => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = (await browser?.browser?.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1, isMobile: width < 500 }))!;
  });
  afterAll(async () => {
    await context?.close();
  });

  it('the measure sees a broken word: a narrow table under the old rule (overflow-wrap: anywhere)', async () => {
    const page = await context.newPage();
    const cells = '<tr><th>Jurisdiction</th><td>Data collected</td></tr>';
    await page.setContent(`<main style="overflow-wrap: anywhere; width: 6rem"><table><tbody>${cells}</tbody></table></main>`);
    const old = await measureCells(page);
    await page.setContent(`<main style="overflow-wrap: break-word; width: 6rem"><table><tbody>${cells}</tbody></table></main>`);
    const fixed = await measureCells(page);
    await page.close();
    expect(old.words).toBe(3);
    expect(old.broken.length).toBeGreaterThan(0);
    expect(fixed).toEqual({ words: 3, cells: 2, broken: [] });
  });

  it('no word in a table cell is broken across lines; screenshots of every page with a table', { timeout: 180_000 }, async () => {
    const dir = path.join(repo, 'test-artifacts', 'screenshots', `tables-${width}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const page = await context.newPage();
    const broken: string[] = [];
    let words = 0;
    const withTables: string[] = [];
    for (const p of paths) {
      await page.goto(site!.url(p));
      const m = await measureCells(page);
      if (m.cells === 0) continue;
      withTables.push(p);
      words += m.words;
      broken.push(...m.broken.map((b) => `${p}: ${b}`));
      const name = p.replace(/^\/|\/$/g, '').replace(/[^\w.-]+/g, '_') || 'home';
      await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true, animations: 'disabled' });
      // The first table on its own, at a size a reviewer can read.
      await page
        .locator('main table')
        .first()
        .screenshot({ path: path.join(dir, `${name}.table.png`), animations: 'disabled' });
    }
    await page.close();
    // Not a vacuous pass: the facts tables, the compare grid and the report tables were measured.
    expect(withTables).toEqual(expect.arrayContaining(['/policies/privacy/', '/policies/privacy/compare/', '/transparency/']));
    expect(withTables.some((p) => /^\/transparency\/\d{4}/.test(p))).toBe(true);
    expect(words).toBeGreaterThan(500);
    expect(broken).toEqual([]);
  });

  if (width !== 390) return;

  it('every date a reader sees is written for people, with the exact value in <time datetime>', { timeout: 180_000 }, async () => {
    const page = await context.newPage();
    const raw: string[] = [];
    const bad: string[] = [];
    let times = 0;
    for (const p of paths) {
      await page.goto(site!.url(p));
      const d = await readDates(page);
      raw.push(...d.raw.map((r) => `${p}: ${r}`));
      for (const t of d.times) {
        times++;
        const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(t.datetime);
        const valid = !Number.isNaN(Date.parse(dayOnly ? `${t.datetime}T00:00:00Z` : t.datetime));
        // A day is written as a day; an instant as a day and time, or as its day alone (a key's creation).
        const readable = dayOnly ? DAY.test(t.text) : INSTANT.test(t.text) || DAY.test(t.text);
        if (!valid || !readable) bad.push(`${p}: <time datetime="${t.datetime}">${t.text}</time>`);
      }
    }
    await page.close();
    expect(times).toBeGreaterThan(20);
    expect(raw).toEqual([]);
    expect(bad).toEqual([]);
  });
});
