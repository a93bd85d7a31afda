/**
 * Issue 5, privacy by construction, proven in a real browser: headless Chromium crawls
 * the whole demo site (every HTML file of the build, then every same-origin URL any page
 * links to or loads) with the CSP and scripts on, and records every request, response
 * header, cookie, console message and uncaught error on the way.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, requireBrowser, serveDemoSite, startBrowser, type BrowserHandle, type ServedSite } from '../helpers/browser.ts';
import { brokenLinks, crawlFindings, crawlSite, danglingFragments, recordRequests, serveBuiltSite, settle, type Crawl } from '../helpers/crawl.ts';

let browser: BrowserHandle | undefined;
let site: ServedSite | undefined;

beforeAll(async () => {
  [browser, site] = await Promise.all([startBrowser(), serveDemoSite('crawl')]);
}, BUILD_TIMEOUT);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach((ctx) => requireBrowser(ctx, browser));

let crawled: Promise<Crawl> | undefined;

describe('the whole demo site, crawled in headless Chromium', () => {
  const get = () => (crawled ??= crawlSite(browser!.browser!, site!));

  it('sends no request anywhere but this machine (the recorder saw every local one)', async () => {
    const c = await get();
    expect(c.requests.outside).toEqual([]);
    const pages = [...c.ids.keys()];
    expect(pages.length).toBeGreaterThan(10);
    // Each page was requested through the router: it saw the traffic and let it through.
    for (const p of pages) expect(c.requests.local, p).toContain(p);
  });

  it('the recorder does catch and block a request for another host', async () => {
    const context = await browser!.browser!.newContext();
    try {
      const requests = await recordRequests(context);
      const page = await context.newPage();
      await page.setContent('<img src="http://192.0.2.1/pixel.png" alt="">');
      await settle(page, requests);
      expect(requests.outside.some((o) => o.endsWith('→ http://192.0.2.1/pixel.png'))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('the crawl does find a link out of the base path, a broken link and a dangling fragment (a site made to fail)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'candor-crawl-control-'));
    await writeFile(
      path.join(dir, 'index.html'),
      '<!doctype html><html lang="en"><title>x</title><a href="/elsewhere/">out</a> <a href="/x/gone/">gone</a> <a href="/x/#nowhere">frag</a> <a href="/x/">home</a></html>',
    );
    const served = await serveBuiltSite(dir, '/x/');
    try {
      const c = crawlSite(browser!.browser!, served);
      const found = crawlFindings(await c);
      expect(found['links escaping the base path']).toEqual(['/x/ → /elsewhere/']);
      expect(found['broken links']).toEqual(['/x/gone/ answers 404; linked from /x/']);
      expect(found['dangling fragment links']).toEqual(['/x/ links to /x/#nowhere, which has no such id']);
    } finally {
      await served.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sets no cookie: no Set-Cookie header anywhere, no cookie in the jar', async () => {
    const c = await get();
    expect(c.setCookies).toEqual([]);
    expect(c.cookies).toEqual([]);
  });

  it('logs no console error or warning (CSP violations included) and throws no uncaught exception', async () => {
    const c = await get();
    expect(c.console).toEqual([]);
  });

  it('has no broken internal link: every same-origin URL any page refers to answers 200', async () => {
    const c = await get();
    expect(brokenLinks(c)).toEqual([]);
    expect(c.escapes).toEqual([]);
    // The crawl followed links beyond the HTML files: feeds, signed texts, keys.
    expect(c.status.size).toBeGreaterThan(c.ids.size);
  });

  it('every fragment link points to an existing id on its target page', async () => {
    const c = await get();
    expect(danglingFragments(c)).toEqual([]);
    expect(c.fragments.length).toBeGreaterThan(0); // at least the skip link on every page
  });

  it('has no inline event handler, inline script or javascript: URL, served or live', async () => {
    const c = await get();
    expect(c.inline).toEqual([]);
  });
});
