/**
 * Issue 5, readable by anyone: the demo site with JavaScript off (the policy text and the
 * canary are all there), screenshots of the main pages at phone and desktop widths
 * (test-artifacts/screenshots/, uploaded by CI), and no page wider than a phone.
 */
import { readableInstant } from '../../src/core/dates.ts';
import path from 'node:path';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { currentVersion } from '../../src/core/policy/changelog.ts';
import { markdown } from '../../src/core/markdown.ts';
import { readPolicies } from '../../src/io/read-policies.ts';
import { projectAt } from '../../src/io/project.ts';
import {
  BUILD_TIMEOUT,
  htmlPaths,
  mainPages,
  pngSize,
  repo,
  requireBrowser,
  serveDemoSite,
  startBrowser,
  type BrowserHandle,
  type ServedSite,
} from '../helpers/browser.ts';

let browser: BrowserHandle | undefined;
let site: ServedSite | undefined;
let pages: Record<string, string>;

beforeAll(async () => {
  [browser, site] = await Promise.all([startBrowser(), serveDemoSite('render')]);
  pages = await mainPages(site.site);
}, BUILD_TIMEOUT);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach((ctx) => requireBrowser(ctx, browser));

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The plain text of each heading and paragraph of a Markdown body, as markdown-it renders them. */
function blocks(body: string): { headings: string[]; paragraphs: string[] } {
  const tokens = markdown.parse(body, {});
  const out = { headings: [] as string[], paragraphs: [] as string[] };
  tokens.forEach((t, i) => {
    const inline = tokens[i + 1];
    if (!inline || inline.type !== 'inline' || (t.type !== 'heading_open' && t.type !== 'paragraph_open')) return;
    const text = squash((inline.children ?? []).map((c) => (c.type === 'softbreak' || c.type === 'hardbreak' ? ' ' : c.content)).join(''));
    (t.type === 'heading_open' ? out.headings : out.paragraphs).push(text);
  });
  return out;
}

describe('with JavaScript off', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = (await browser?.browser?.newContext({ javaScriptEnabled: false }))!;
  });
  afterAll(async () => {
    await context?.close();
  });

  it('the current privacy policy page shows the policy text', async () => {
    const versions = (await readPolicies(projectAt(site!.project))).policies.get('privacy') ?? [];
    const current = currentVersion(versions, new Date());
    expect(current, 'the demo has a privacy policy in force').toBeDefined();
    const { headings, paragraphs } = blocks(current!.body);
    expect(headings.length).toBeGreaterThan(2);
    const page = await context.newPage();
    // Scripts really are off: <noscript> content renders.
    await page.setContent('<noscript><p id="off">off</p></noscript>');
    expect(await page.locator('#off').isVisible()).toBe(true);
    await page.goto(site!.url(pages['policy-current']!));
    const main = squash(await page.locator('main').innerText());
    expect(await page.locator('h1').innerText()).toBe(current!.title);
    expect(main).toContain(`Version ${current!.version}`);
    for (const h of headings) expect(main).toContain(h);
    for (const p of paragraphs.slice(0, 3)) expect(main).toContain(p);
    await page.close();
  });

  it('/canary/ shows every statement of /canary.txt and its expiry', async () => {
    const page = await context.newPage();
    const signed = await (await context.request.get(site!.url('/canary.txt'))).text();
    const json = signed.slice(signed.indexOf('\n{', signed.indexOf('MACHINE-READABLE DATA')), signed.indexOf('-----BEGIN PGP SIGNATURE-----'));
    const data = JSON.parse(json) as { expires: string; statements: { id: string; text: string }[] };
    expect(signed).toContain(`Expires: ${data.expires}`);
    expect(data.statements.length).toBeGreaterThan(0);
    await page.goto(site!.url('/canary/'));
    const main = squash(await page.locator('main').innerText());
    // Written for people on the page; the exact instant is the <time>'s datetime.
    expect(main).toContain(readableInstant(data.expires));
    expect(await page.locator(`main time[datetime="${data.expires}"]`).count()).toBeGreaterThan(0);
    for (const s of data.statements) expect(main).toContain(`${s.id} ${squash(s.text)}`);
    await page.close();
  });

  it('every main page has its heading and content in the HTML', async () => {
    const page = await context.newPage();
    for (const [name, p] of Object.entries(pages)) {
      expect((await page.goto(site!.url(p)))?.status(), name).toBe(200);
      expect(await page.locator('main h1').count(), `${name} (${p}): one h1 in main`).toBe(1);
      expect(squash(await page.locator('main').innerText()).length, `${name} (${p}): text in main`).toBeGreaterThan(200);
    }
    await page.close();
  });
});

/** The pages photographed: one of each main template. */
const SCREENSHOTS = ['home', 'policy-current', 'policy-changelog', 'policy-compare', 'transparency', 'report', 'canary', 'keys'];

const VIEWPORTS = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
} as const;

describe.each(Object.entries(VIEWPORTS))('at %s width', (name, options) => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = (await browser?.browser?.newContext(options))!;
  });
  afterAll(async () => {
    await context?.close();
  });

  it('full-page screenshots of the main pages land in test-artifacts/screenshots/', { timeout: 60_000 }, async () => {
    const dir = path.join(repo, 'test-artifacts', 'screenshots', name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const page = await context.newPage();
    for (const pageName of SCREENSHOTS) {
      await page.goto(site!.url(pages[pageName]!));
      const file = path.join(dir, `${pageName}.png`);
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      const bytes = await readFile(file);
      const size = pngSize(bytes);
      expect(size.width, file).toBeGreaterThanOrEqual(options.viewport.width * options.deviceScaleFactor);
      expect(size.height, file).toBeGreaterThanOrEqual(options.viewport.height * options.deviceScaleFactor);
      expect((await stat(file)).size, `${file}: a blank page compresses to almost nothing`).toBeGreaterThan(10_000);
    }
    await page.close();
  });

  if (name !== 'phone') return;

  it('no page is wider than the phone', { timeout: 60_000 }, async () => {
    const page = await context.newPage();
    const wide: string[] = [];
    for (const p of await htmlPaths(site!.site)) {
      await page.goto(site!.url(p));
      // clientWidth, not innerWidth: with isMobile, Chromium zooms out to fit wide content
      // and innerWidth grows with it, hiding the overflow.
      const found = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const scrollWidth = document.scrollingElement!.scrollWidth;
        if (scrollWidth <= width + 1) return null;
        const describe = (el: Element) => {
          const id = el.id ? `#${el.id}` : '';
          const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
          return `${el.tagName.toLowerCase()}${id}${cls} "${(el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`;
        };
        // An element inside a box that scrolls or clips sideways does not widen the page.
        const contained = (el: Element) => {
          for (let a = el.parentElement; a; a = a.parentElement) {
            if (a === document.body || a === document.documentElement) return false;
            if (getComputedStyle(a).overflowX !== 'visible') return true;
          }
          return false;
        };
        const sticksOut = (el: Element) => el.getBoundingClientRect().right > width + 1 && !contained(el);
        const all = Array.from(document.body.querySelectorAll('*'));
        // The outermost elements that stick out (the box to fix), or, when the text itself
        // spills out of a box that fits, the deepest such box.
        let culprits = all.filter((el) => sticksOut(el) && !(el.parentElement && sticksOut(el.parentElement) && el.parentElement !== document.body));
        if (culprits.length === 0)
          culprits = all.filter(
            (el) =>
              el.scrollWidth > el.clientWidth + 1 &&
              getComputedStyle(el).overflowX === 'visible' &&
              !contained(el) &&
              !Array.from(el.children).some((c) => c.scrollWidth > c.clientWidth + 1),
          );
        return `${scrollWidth}px wide in a ${width}px viewport: ${culprits.slice(0, 5).map(describe).join('; ') || 'no element found'}`;
      });
      if (found) wide.push(`${p}: ${found}`);
    }
    await page.close();
    expect(wide).toEqual([]);
  });
});
