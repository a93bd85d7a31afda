/**
 * Headless Chromium for the browser tests (test/browser/): playwright-core driving the
 * Chromium of @sparticuz/chromium (or $CHROMIUM_PATH), and the demo site built and
 * served on 127.0.0.1. A browser that cannot start skips the tests locally, with a
 * warning, but fails them in CI: CI must never go green by testing nothing.
 *
 *   let browser: BrowserHandle; let site: ServedSite;
 *   beforeAll(async () => { [browser, site] = await Promise.all([startBrowser(), serveDemoSite('crawl')]); }, BUILD_TIMEOUT);
 *   afterAll(async () => { await browser?.close(); await site?.close(); });
 *   beforeEach((ctx) => requireBrowser(ctx, browser));
 */
import path from 'node:path';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { makeDemoSite, type DemoSite } from '../../scripts/demo-site.ts';
import { serveStatic } from '../../scripts/serve.ts';

export const repo = path.resolve(import.meta.dirname, '../..');
/** beforeAll budget: the demo build (keys, signatures, Astro) plus a browser start. */
export const BUILD_TIMEOUT = 180_000;

/**
 * Our own flags, not @sparticuz/chromium's `args`: those are for AWS Lambda and include
 * --single-process (flaky with several contexts), --disable-web-security and
 * --allow-running-insecure-content (which would switch off the very protections the
 * tests check). Playwright adds its own quiet-browser switches; the network ones are
 * repeated here so that a $CHROMIUM_PATH browser gets them whatever Playwright does.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox', // CI containers and root users have no user namespaces for the sandbox
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-domain-reliability',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--no-pings',
  '--font-render-hinting=none', // steadier screenshots
];

export interface BrowserHandle {
  browser: Browser | null;
  /** Why there is no browser. */
  reason: string | null;
  close(): Promise<void>;
}

/**
 * @sparticuz/chromium unpacks its binary to /tmp/chromium on first use; two test files
 * starting at once must not both write it (one would launch a half-written file).
 */
async function withUnpackLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(tmpdir(), 'candor-chromium-unpack.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than two minutes belongs to a process that died while unpacking.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000 || Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function chromiumExecutable(): Promise<string> {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const chromium = (await import('@sparticuz/chromium')).default;
  return withUnpackLock(() => chromium.executablePath());
}

/** Starts the browser, or says why it could not; never throws. */
export async function startBrowser(): Promise<BrowserHandle> {
  try {
    const executablePath = await chromiumExecutable();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
    return { browser, reason: null, close: () => browser.close() };
  } catch (error) {
    return { browser: null, reason: `headless Chromium did not start: ${(error as Error).message.split('\n')[0]}`, close: async () => undefined };
  }
}

const warned = new Set<string>();

/**
 * Call in beforeEach. Without a browser: locally the test is skipped (said once on
 * stderr); with CI set it throws, so the run fails.
 */
export function requireBrowser(
  ctx: { skip: (note?: string) => void },
  handle: BrowserHandle | undefined,
): asserts handle is BrowserHandle & { browser: Browser } {
  if (handle?.browser) return;
  const reason = handle?.reason ?? 'headless Chromium was not started';
  if (process.env['CI']) throw new Error(`${reason}; CI must run the browser tests`);
  if (!warned.has(reason)) console.warn(`browser tests: ${reason}: skipping them (set CHROMIUM_PATH to use another Chromium)`);
  warned.add(reason);
  ctx.skip(reason);
}

// ------------------------------------------------------------------ the site

export interface ServedSite extends DemoSite {
  origin: string;
  /** The demo is served at the root (its service.yml has no base). */
  base: '/';
  /** An absolute URL on the served site. */
  url(pathname: string): string;
  /** Stops the server and deletes the build. */
  close(): Promise<void>;
}

/** Builds the demo site in a folder of its own under dist/test-sites/ and serves it on 127.0.0.1. */
export async function serveDemoSite(name: string): Promise<ServedSite> {
  const dir = path.join(repo, 'dist', 'test-sites', `browser-${name}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`);
  try {
    const demo = await makeDemoSite({ dir, quiet: true });
    const server = await serveStatic(demo.site, 0);
    const origin = `http://127.0.0.1:${server.port}`;
    return {
      ...demo,
      origin,
      base: '/',
      url: (pathname) => new URL(pathname, origin).href,
      close: async () => {
        await server.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The URL path of every HTML file of the build (`index.html` as its folder), sorted. */
export async function htmlPaths(site: string): Promise<string[]> {
  const files = (await readdir(site, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile() && d.name.endsWith('.html'))
    .map((d) => path.relative(site, path.join(d.parentPath, d.name)).split(path.sep).join('/'));
  return files.map((f) => `/${f.replace(/(^|\/)index\.html$/, '$1')}`).sort();
}

const dirs = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

const byVersion = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/**
 * The main pages, one of each template, found in the build: the privacy policy's
 * oldest version, its newest comparison, the newest report. Throws if one is missing.
 */
export async function mainPages(site: string): Promise<Record<string, string>> {
  const policy = path.join(site, 'policies', 'privacy');
  const versions = (await dirs(policy)).filter((d) => /^\d+(\.\d+)*$/.test(d)).sort(byVersion);
  const comparisons = (await dirs(path.join(policy, 'compare'))).filter((d) => d.includes('...')).sort(byVersion);
  const reports = (await dirs(path.join(site, 'transparency'))).filter((d) => /^\d{4}/.test(d)).sort();
  if (!versions[0] || !comparisons.at(-1) || !reports.at(-1))
    throw new Error(`the demo site lacks a privacy policy version, comparison or report under ${site}`);
  return {
    home: '/',
    policies: '/policies/',
    'policy-current': '/policies/privacy/',
    'policy-old-version': `/policies/privacy/${versions[0]}/`,
    'policy-changelog': '/policies/privacy/changelog/',
    'policy-compare': `/policies/privacy/compare/${comparisons.at(-1)}/`,
    changelog: '/policies/changelog/',
    transparency: '/transparency/',
    report: `/transparency/${reports.at(-1)}/`,
    canary: '/canary/',
    keys: '/keys/',
  };
}

// ------------------------------------------------------------------ pages

export const isLocalUrl = (url: string): boolean => {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
};

export interface PageProblems {
  /** Console errors and warnings (CSP violations among them) and uncaught exceptions, with the page. */
  messages: string[];
}

/** Records every console error or warning and uncaught exception of the context's pages. */
export function watchConsole(context: BrowserContext): PageProblems {
  const problems: PageProblems = { messages: [] };
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.messages.push(`${page.url()}: console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.messages.push(`${page.url()}: uncaught ${e.name}: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return problems;
}

/** The width and height of a PNG file; throws if the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 33 || signature.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw new Error('PNG without IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

// ------------------------------------------------------------------ checks in the page

/** Every WCAG 2.x A and AA rule, and the best practices. None is turned off. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string; summary: string; html: string }[];
}

/** axe-core's violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  // evaluate() runs through the DevTools protocol: the page's CSP (no inline script) does not block it.
  await page.evaluate(axe.source);
  return page.evaluate(async (tags) => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(), html: n.html.slice(0, 120) })),
    }));
  }, AXE_TAGS);
}

/** One line per violation: rule and elements. */
export const axeSummary = (findings: AxeFinding[]): string[] => findings.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`);

export interface GuardedContext {
  context: BrowserContext;
  problems: PageProblems;
  /** Every URL requested, in order. */
  requests: string[];
  /** Requests that would have left localhost (aborted). */
  outside: string[];
}

/** A context that records every request, aborts any that leaves localhost, and watches the console. */
export async function guardedContext(browser: Browser): Promise<GuardedContext> {
  const context = await browser.newContext();
  const guard: GuardedContext = { context, problems: watchConsole(context), requests: [], outside: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    guard.requests.push(url);
    if (isLocalUrl(url)) return route.continue();
    guard.outside.push(url);
    return route.abort();
  });
  return guard;
}
