/**
 * A policy with more versions than get a page per pair: its compare page compares any
 * two versions in the browser, with the core code that renders the pre-built pages, and
 * says what to do without JavaScript.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSite } from '../../scripts/build-site.ts';
import { serveStatic } from '../../scripts/serve.ts';
import { ALL_PAIRS_MAX, comparePolicyVersions } from '../../src/core/policy/site.ts';
import { axeSummary, axeViolations, guardedContext, requireBrowser, startBrowser, type BrowserHandle, type PageProblems } from '../helpers/browser.ts';
import { version, versionSource, type VersionSpec } from '../helpers/policy.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

const COUNT = ALL_PAIRS_MAX + 3;
const SPECS: VersionSpec[] = Array.from({ length: COUNT }, (_, i) => ({
  version: `1.${i}`,
  effective: `2025-${String(1 + (i % 12)).padStart(2, '0')}-01`.replace(/^2025/, String(2020 + Math.floor(i / 12))),
  change: 'minor',
  summary: `Change number ${i}.`,
  facts: { retention: [{ what: 'deleted-mail backups', period: `${60 - i} days`, after: 'deletion' }] },
  body: `## 1. Who we are\n\nLumen Mail is a small mail service, version ${i}.\n\n## 2. Backups\n\nDeleted mail stays in backups for ${60 - i} days.${i % 3 === 0 ? ' <b>Bold</b> stays text.' : ''}\n`,
}));

const OUT = path.resolve('dist', 'test-sites', `compare-any-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
let p: TestProject;
let browser: BrowserHandle | undefined;
let server: { port: number; close: () => Promise<void> } | undefined;
let context: BrowserContext;
let problems: PageProblems;
let outside: string[] = [];
let origin: string;

beforeAll(async () => {
  p = await makeProject();
  await p.writeConfig();
  const dir = path.join(p.root, 'content', 'policies', 'privacy');
  await mkdir(dir, { recursive: true });
  for (const spec of SPECS) await writeFile(path.join(dir, `${spec.version}.md`), versionSource(spec, 'Test privacy policy'));
  const [site, handle] = await Promise.all([buildSite({ root: p.root, out: OUT }), startBrowser()]);
  browser = handle;
  server = await serveStatic(site, 0);
  origin = `http://127.0.0.1:${server.port}`;
  if (!browser.browser) return;
  ({ context, problems, outside } = await guardedContext(browser.browser));
}, 240_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await rm(OUT, { recursive: true, force: true });
  await p?.cleanup();
});
beforeEach((ctx) => requireBrowser(ctx, browser));

/** The diff as the core renders it, serialised by the page's own parser for comparison. */
const expected = (a: number, b: number) => comparePolicyVersions(version(SPECS[a]!), version(SPECS[b]!));

describe(`a policy with ${COUNT} versions (more than ${ALL_PAIRS_MAX})`, () => {
  it('has no page for a distant pair, but compares it in the browser with the core diff', async () => {
    const [a, b] = [2, 11];
    expect(existsSync(path.join(OUT, 'policies', 'privacy', 'compare', `1.${a}...1.${b}`))).toBe(false);
    const page = await context.newPage();
    await page.goto(`${origin}/policies/privacy/compare/`);
    await page.getByLabel('From version').selectOption(`1.${a}`);
    await page.getByLabel('to version').selectOption(`1.${b}`);
    await page.getByRole('button', { name: 'Compare' }).click();
    const diff = page.locator(`[data-diff="1.${a}...1.${b}"]`);
    await diff.waitFor({ timeout: 20_000 });
    const want = expected(a, b);
    const normalised = await page.evaluate((html) => {
      const t = document.createElement('template');
      t.innerHTML = html;
      return t.innerHTML;
    }, want.html);
    expect(await diff.evaluate((el) => el.innerHTML)).toBe(normalised);
    expect(await diff.locator('ins').count()).toBeGreaterThan(0);
    expect(await diff.locator('b').count()).toBe(0);
    const facts = await page.locator('[data-compare-result] .fact-changes li').allInnerTexts();
    expect(facts).toEqual(want.facts.map((f) => f.text));
    expect(page.url()).toMatch(new RegExp(`#from=1\\.${a}&to=1\\.${b}$`));
    await page.close();
  });

  it('a shared address (#from=…&to=…) compares that pair on opening, older first whatever the order', async () => {
    const page = await context.newPage();
    await page.goto(`${origin}/policies/privacy/compare/#from=1.13&to=1.1`);
    await page.locator('[data-diff="1.1...1.13"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-compare-result] h3').innerText()).toBe('Version 1.1 compared with version 1.13');
    await page.close();
  });

  it('each version is published as JSON, and nothing is fetched from elsewhere; no console error', async () => {
    const response = await fetch(`${origin}/policies/privacy/1.4.json`);
    const json = (await response.json()) as { version: string; body: string; source?: string };
    expect(json.version).toBe('1.4');
    expect(json.body).toBe(version(SPECS[4]!).body);
    expect(json.source).toBeUndefined();
    expect(outside).toEqual([]);
    expect(problems.messages).toEqual([]);
  });

  it('without JavaScript the page says how to compare other pairs, and still links the pre-built pages', async () => {
    const noJs = await browser!.browser!.newContext({ javaScriptEnabled: false });
    const page = await noJs.newPage();
    await page.goto(`${origin}/policies/privacy/compare/`);
    expect(await page.locator('[data-compare-any] noscript').count()).toBe(1);
    expect(await page.locator('main').innerText()).toContain('Comparing any other pair needs JavaScript here');
    expect(await page.getByRole('button', { name: 'Compare' }).isVisible()).toBe(false);
    expect(await page.locator('a[href$="/compare/1.0...1.1/"]').count()).toBe(1);
    await noJs.close();
  });

  it('the compare page with a result has no axe-core violation (WCAG 2.2 AA, best practice)', async () => {
    const page = await context.newPage();
    await page.goto(`${origin}/policies/privacy/compare/#from=1.0&to=1.14`);
    await page.locator('[data-diff="1.0...1.14"]').waitFor({ timeout: 20_000 });
    expect(axeSummary(await axeViolations(page))).toEqual([]);
    await page.close();
  });

  it('the policy pages themselves run no script', async () => {
    const page = await context.newPage();
    for (const url of ['/policies/privacy/', '/policies/privacy/1.3/', '/policies/privacy/changelog/', '/policies/privacy/compare/1.2...1.3/']) {
      await page.goto(`${origin}${url}`);
      expect(await page.locator('script').count(), url).toBe(0);
    }
    await page.close();
  });
});
