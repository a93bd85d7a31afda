/**
 * Issue 5, accessibility by construction, checked in headless Chromium: axe-core's
 * WCAG 2.0/2.1/2.2 A and AA rules and its best practices on every HTML page of the demo
 * site, with the site's own CSP in force, and the skip link by keyboard.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeSite } from '../helpers/crawl.ts';
import { AXE_TAGS, BUILD_TIMEOUT, mainPages, requireBrowser, serveDemoSite, startBrowser, type BrowserHandle, type ServedSite } from '../helpers/browser.ts';

let browser: BrowserHandle | undefined;
let site: ServedSite | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  [browser, site] = await Promise.all([startBrowser(), serveDemoSite('a11y')]);
  context = await browser.browser?.newContext({ viewport: { width: 1280, height: 800 } });
}, BUILD_TIMEOUT);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.close();
});
beforeEach((ctx) => requireBrowser(ctx, browser));

const TAGS = AXE_TAGS;

describe('axe-core on every page of the demo site', () => {
  it(`finds no violation of ${TAGS.join(', ')}`, { timeout: 120_000 }, async () => {
    const { pages, report } = await axeSite(browser!.browser!, site!);
    // Every template is among them.
    expect(pages).toEqual(expect.arrayContaining(Object.values(await mainPages(site!.site))));
    expect(report).toEqual([]);
  });
});

describe('the keyboard', () => {
  it('Tab first reaches the skip link, which shows; Enter takes focus to the main content', async () => {
    const page = await context!.newPage();
    try {
      await page.goto(site!.url('/'));
      const skip = page.locator('a[href="#main"]').first();
      const onScreen = async () => {
        const box = await skip.boundingBox();
        return box !== null && box.width > 0 && box.height > 0 && box.x >= 0 && box.y >= 0 && box.x + box.width <= 1280 && box.y + box.height <= 800;
      };
      expect(await onScreen()).toBe(false); // hidden until focused
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), href: document.activeElement?.getAttribute('href') }));
      expect(focused).toEqual({ text: 'Skip to the content', href: '#main' });
      expect(await onScreen()).toBe(true);

      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash === '#main');
      // Focus is on <main> itself, or, when <main> is not focusable, the browser's
      // sequential focus starting point is: the next Tab lands inside <main>, not in the nav.
      const onMain = await page.evaluate(() => document.activeElement === document.getElementById('main'));
      await page.keyboard.press('Tab');
      const next = await page.evaluate(() => ({
        inMain: document.getElementById('main')?.contains(document.activeElement) ?? false,
        what: `${document.activeElement?.tagName} "${document.activeElement?.textContent?.trim().slice(0, 40)}"`,
      }));
      expect(next.inMain, `after the skip link${onMain ? ' and <main>' : ''}, Tab went to ${next.what}`).toBe(true);
    } finally {
      await page.close();
    }
  });
});
