/**
 * Issue 5, privacy by construction, proven in a real browser: headless Chromium crawls
 * the whole demo site (every HTML file of the build, then every same-origin URL any page
 * links to or loads) with the CSP and scripts on, and records every request, response
 * header, cookie, console message and uncaught error on the way.
 */
import type { APIResponse, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BUILD_TIMEOUT,
  htmlPaths,
  isLocalUrl,
  requireBrowser,
  serveDemoSite,
  startBrowser,
  watchConsole,
  type BrowserHandle,
  type ServedSite,
} from '../helpers/browser.ts';

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

interface Requests {
  local: string[];
  /** Requests for anything not on this machine, aborted before they leave: "page → URL". */
  outside: string[];
  /** Requests still in flight, to know when a page has settled. */
  inFlight: () => number;
}

/** Lets through requests to this machine only; records both kinds. */
async function recordRequests(context: BrowserContext): Promise<Requests> {
  const r: Requests = { local: [], outside: [], inFlight: () => pending };
  let pending = 0;
  const from = (req: { frame: () => { url: () => string } }) => {
    try {
      return req.frame().url();
    } catch {
      return '(no frame)';
    }
  };
  await context.route('**/*', (route) => {
    const req = route.request();
    if (isLocalUrl(req.url())) {
      r.local.push(req.url());
      return route.continue();
    }
    r.outside.push(`${from(req)} → ${req.url()}`);
    return route.abort('blockedbyclient');
  });
  // Whatever the router might not see (a service worker's fetches, say) still shows here.
  context.on('request', (req) => {
    pending++;
    if (!isLocalUrl(req.url()) && !r.outside.some((o) => o.endsWith(` → ${req.url()}`))) r.outside.push(`${from(req)} → ${req.url()} (not routed)`);
  });
  context.on('requestfinished', () => pending--);
  context.on('requestfailed', () => pending--);
  context.on('page', (page) =>
    page.on('websocket', (ws) => {
      if (!isLocalUrl(ws.url())) r.outside.push(`${page.url()} → ${ws.url()} (WebSocket)`);
    }),
  );
  return r;
}

/** Waits until no request of the context has been in flight for 100 ms (at most 5 s). */
async function settle(page: Page, requests: Requests): Promise<void> {
  const deadline = Date.now() + 5_000;
  let quiet = 0;
  while (quiet < 4 && Date.now() < deadline) {
    await page.waitForTimeout(25);
    quiet = requests.inFlight() === 0 ? quiet + 1 : 0;
  }
}

interface PageFacts {
  /** Every URL an element refers to (href, src, srcset, data, action, poster, formaction), absolute. */
  urls: string[];
  ids: string[];
  /** Inline event handlers, inline scripts and javascript: URLs, each described. */
  inline: string[];
}

/**
 * Reads the facts of `html` (the bytes served) and of the live document (what any script
 * made of it). Runs in the page; needs no script permission from the CSP.
 */
function pageFacts(html: string): PageFacts {
  const facts: PageFacts = { urls: [], ids: [], inline: [] };
  const describe = (el: Element) => `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}>`;
  const scan = (root: Document, label: string) => {
    for (const el of Array.from(root.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on')) facts.inline.push(`${label}: ${describe(el)} has an inline event handler ${attr.name}="${attr.value.slice(0, 60)}"`);
        if (['href', 'src', 'srcset', 'data', 'action', 'poster', 'formaction', 'xlink:href'].includes(name)) {
          const values = name === 'srcset' ? attr.value.split(',').map((c) => c.trim().split(/\s+/)[0] ?? '') : [attr.value.trim()];
          for (const v of values.filter(Boolean)) {
            if (/^\s*javascript:/i.test(v)) facts.inline.push(`${label}: ${describe(el)} has a javascript: URL in ${attr.name}`);
            else if (label === 'served') {
              try {
                facts.urls.push(new URL(v, document.baseURI).href);
              } catch {
                facts.inline.push(`${label}: ${describe(el)} has an unparsable URL ${attr.name}="${v}"`);
              }
            }
          }
        }
      }
      if (el.tagName === 'SCRIPT' && !el.hasAttribute('src'))
        facts.inline.push(`${label}: an inline <script>${(el.textContent ?? '').trim().slice(0, 60)}</script>`);
    }
  };
  const served = new DOMParser().parseFromString(html, 'text/html');
  scan(served, 'served');
  scan(document, 'live');
  for (const el of Array.from(served.querySelectorAll('[id], a[name]'))) facts.ids.push(el.id || el.getAttribute('name')!);
  return facts;
}

interface Crawl {
  /** Every same-origin URL (without fragment) and its status. */
  status: Map<string, number>;
  /** HTML pages and their ids. */
  ids: Map<string, Set<string>>;
  /** Same-origin links with a fragment: page, target URL, id. */
  fragments: { from: string; target: string; id: string }[];
  /** Which pages refer to each URL, for the failure messages. */
  referrers: Map<string, Set<string>>;
  requests: Requests;
  setCookies: string[];
  cookies: unknown[];
  console: string[];
  inline: string[];
}

let crawled: Promise<Crawl> | undefined;

async function crawl(): Promise<Crawl> {
  const s = site!;
  const context = await browser!.browser!.newContext();
  const requests = await recordRequests(context);
  const problems = watchConsole(context);
  const setCookies: string[] = [];
  const headerChecks: Promise<void>[] = [];
  context.on('response', (res) => {
    headerChecks.push(
      res.headerValue('set-cookie').then(
        (v) => {
          if (v) setCookies.push(`${res.url()}: ${v}`);
        },
        () => undefined,
      ),
    );
  });
  const page = await context.newPage();
  const result: Crawl = {
    status: new Map(),
    ids: new Map(),
    fragments: [],
    referrers: new Map(),
    requests,
    setCookies,
    cookies: [],
    console: problems.messages,
    inline: [],
  };
  const queue = (await htmlPaths(s.site)).map((p) => s.url(p));
  const queued = new Set(queue);
  const cookieHeaders = (res: APIResponse) =>
    res
      .headersArray()
      .filter((h) => h.name.toLowerCase() === 'set-cookie')
      .map((h) => `${res.url()}: ${h.value}`);
  try {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      const res = await context.request.get(url, { maxRedirects: 0, failOnStatusCode: false });
      result.status.set(url, res.status());
      setCookies.push(...cookieHeaders(res));
      if (res.status() !== 200 || !(res.headers()['content-type'] ?? '').startsWith('text/html')) continue;
      const html = await res.text();
      const nav = await page.goto(url, { waitUntil: 'load' });
      if (nav?.status() !== 200) result.status.set(url, nav?.status() ?? 0);
      await settle(page, requests);
      const facts = await page.evaluate(pageFacts, html);
      result.ids.set(url, new Set(facts.ids));
      result.inline.push(...facts.inline.map((i) => `${new URL(url).pathname}: ${i}`));
      for (const link of facts.urls) {
        const target = new URL(link);
        if (target.origin !== s.origin) continue;
        const id = decodeURIComponent(target.hash.slice(1));
        target.hash = '';
        const href = target.href;
        if (id) result.fragments.push({ from: new URL(url).pathname, target: href, id });
        if (!result.referrers.has(href)) result.referrers.set(href, new Set());
        result.referrers.get(href)!.add(new URL(url).pathname);
        if (!queued.has(href)) {
          queued.add(href);
          queue.push(href);
        }
      }
    }
    await Promise.all(headerChecks);
    result.cookies = await context.cookies();
  } finally {
    await context.close();
  }
  return result;
}

describe('the whole demo site, crawled in headless Chromium', () => {
  const get = () => (crawled ??= crawl());

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
    const broken = [...c.status]
      .filter(([, code]) => code !== 200)
      .map(([url, code]) => `${new URL(url).pathname} answers ${code}; linked from ${[...(c.referrers.get(url) ?? ['(the build)'])].join(', ')}`);
    expect(broken).toEqual([]);
    // The crawl followed links beyond the HTML files: feeds, signed texts, keys.
    expect(c.status.size).toBeGreaterThan(c.ids.size);
  });

  it('every fragment link points to an existing id on its target page', async () => {
    const c = await get();
    const dangling = c.fragments
      .filter((f) => !c.ids.get(f.target)?.has(f.id))
      .map((f) => `${f.from} links to ${new URL(f.target).pathname}#${f.id}${c.ids.has(f.target) ? ', which has no such id' : ', which is not an HTML page'}`);
    expect(dangling).toEqual([]);
    expect(c.fragments.length).toBeGreaterThan(0); // at least the skip link on every page
  });

  it('has no inline event handler, inline script or javascript: URL, served or live', async () => {
    const c = await get();
    expect(c.inline).toEqual([]);
  });
});
