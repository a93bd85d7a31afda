/**
 * The privacy crawl and the accessibility sweep of a built site, for any build: the demo
 * (test/browser/) or an operator repository made from the packed tarball (test/shipped/).
 * The folder is served on 127.0.0.1 under its base path, as `candor preview` serves it
 * (scripts/serve.ts), and headless Chromium, with the CSP and scripts on, visits every
 * HTML file of the build, then every same-origin URL any page links to or loads,
 * recording every request, response header, cookie, console message and uncaught error.
 *
 *   const site = await serveBuiltSite(dir, '/lumen/');
 *   const c = await crawlSite(browser, site);
 *   expect(crawlFindings(c)).toEqual(noFindings(c));
 */
import type { APIResponse, Browser, BrowserContext, Page } from 'playwright-core';
import { serveStatic } from '../../scripts/serve.ts';
import { axeViolations, htmlPaths, isLocalUrl, watchConsole } from './browser.ts';

export interface Served {
  /** The built folder. */
  site: string;
  origin: string;
  /** The path the site is served under, starting and ending with /. */
  base: string;
  /** The absolute URL of a path of the build ("/canary/" is origin + base + "canary/"). */
  url(pathname: string): string;
}

/** Serves a built folder on 127.0.0.1 under `base`, as `candor preview` does. */
export async function serveBuiltSite(site: string, base = '/'): Promise<Served & { close(): Promise<void> }> {
  const server = await serveStatic(site, 0, base);
  const origin = `http://127.0.0.1:${server.port}`;
  return { site, origin, base, url: (p) => new URL(`${base}${p.replace(/^\//, '')}`, origin).href, close: server.close };
}

export interface Requests {
  local: string[];
  /** Requests for anything not on this machine, aborted before they leave: "page → URL". */
  outside: string[];
  /** Requests still in flight, to know when a page has settled. */
  inFlight: () => number;
}

/** Lets through requests to this machine only; records both kinds. */
export async function recordRequests(context: BrowserContext): Promise<Requests> {
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
export async function settle(page: Page, requests: Requests): Promise<void> {
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

export interface Crawl {
  /** Every same-origin URL under the base (without fragment) and its status. */
  status: Map<string, number>;
  /** HTML pages and their ids. */
  ids: Map<string, Set<string>>;
  /** Same-origin links with a fragment: page, target URL, id. */
  fragments: { from: string; target: string; id: string }[];
  /** Which pages refer to each URL, for the failure messages. */
  referrers: Map<string, Set<string>>;
  /** Same-origin links outside the base path: "page → path" (a site under /lumen/ must not link to /canary/). */
  escapes: string[];
  requests: Requests;
  setCookies: string[];
  cookies: unknown[];
  console: string[];
  inline: string[];
}

/** Crawls the whole served site in a fresh context of `browser`. */
export async function crawlSite(browser: Browser, s: Served): Promise<Crawl> {
  const context = await browser.newContext();
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
    escapes: [],
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
      const from = new URL(url).pathname;
      result.ids.set(url, new Set(facts.ids));
      result.inline.push(...facts.inline.map((i) => `${from}: ${i}`));
      for (const link of facts.urls) {
        const target = new URL(link);
        if (target.origin !== s.origin) continue;
        if (!target.pathname.startsWith(s.base)) {
          result.escapes.push(`${from} → ${target.pathname}`);
          continue;
        }
        const id = decodeURIComponent(target.hash.slice(1));
        target.hash = '';
        const href = target.href;
        if (id) result.fragments.push({ from, target: href, id });
        if (!result.referrers.has(href)) result.referrers.set(href, new Set());
        result.referrers.get(href)!.add(from);
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

/** Same-origin URLs that did not answer 200, with the pages linking to them. */
export const brokenLinks = (c: Crawl): string[] =>
  [...c.status]
    .filter(([, code]) => code !== 200)
    .map(([url, code]) => `${new URL(url).pathname} answers ${code}; linked from ${[...(c.referrers.get(url) ?? ['(the build)'])].join(', ')}`);

/** Fragment links to an id their target page does not have. */
export const danglingFragments = (c: Crawl): string[] =>
  c.fragments
    .filter((f) => !c.ids.get(f.target)?.has(f.id))
    .map((f) => `${f.from} links to ${new URL(f.target).pathname}#${f.id}${c.ids.has(f.target) ? ', which has no such id' : ', which is not an HTML page'}`);

/** Everything the crawl must not find, each as a list of lines; all empty for a clean site. */
export function crawlFindings(c: Crawl): Record<string, string[]> {
  return {
    'requests leaving this machine': c.requests.outside,
    'Set-Cookie headers': c.setCookies,
    'cookies in the jar': c.cookies.map((x) => JSON.stringify(x)),
    'console errors and warnings': c.console,
    'broken links': brokenLinks(c),
    'links escaping the base path': c.escapes,
    'dangling fragment links': danglingFragments(c),
    'inline scripts and handlers': c.inline,
  };
}

/** What crawlFindings gives for a clean site: every list empty. */
export const noFindings = (c: Crawl): Record<string, string[]> => Object.fromEntries(Object.keys(crawlFindings(c)).map((k) => [k, []]));

/** axe-core (AXE_TAGS) on every HTML page of the build: one line per failing element; [] when clean. */
export async function axeSite(browser: Browser, s: Served): Promise<{ pages: string[]; report: string[] }> {
  const pages = await htmlPaths(s.site);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const report: string[] = [];
  try {
    const page = await context.newPage();
    for (const p of pages) {
      const res = await page.goto(s.url(p), { waitUntil: 'load' });
      if (res?.status() !== 200) report.push(`${p} answers ${res?.status()}`);
      for (const v of await axeViolations(page)) {
        for (const n of v.nodes) report.push(`${p} ${v.id} (${v.impact}): ${n.target} ${n.html} — ${v.help}. ${n.summary} [${v.helpUrl.split('?')[0]}]`);
      }
    }
  } finally {
    await context.close();
  }
  return { pages, report };
}
