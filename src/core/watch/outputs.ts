/**
 * What `candor watch --out DIR` publishes: an Atom feed of the events (the project's feed
 * writer, src/core/feeds.ts), and a static status page as HTML and JSON. Everything a site
 * says (names, URLs, reasons, statements) is escaped with the one escaper of each language
 * (escapeXml for the feed, escapeHtml for the page); JSON is JSON.stringify's. Pure: the
 * same state and clock give the same bytes. The page needs no script and loads nothing.
 */
import { escapeHtml } from '../escape.ts';
import { atomFeed, tagAuthority, tagId, type FeedItem } from '../feeds.ts';
import type { WatchConfig, WatchSite } from './config.ts';
import type { SiteState, Status, WatchEvent } from './transition.ts';

export interface SiteView {
  site: Pick<WatchSite, 'name' | 'url' | 'kind' | 'tofu'>;
  state: SiteState | undefined;
}

export const OUT_FILES = { feed: 'feed.xml', html: 'index.html', json: 'status.json' } as const;

const home = (page: WatchConfig['page']) => page.url ?? 'http://localhost/';
const absolute = (page: WatchConfig['page'], file: string) => new URL(file, home(page).replace(/\/?$/, '/')).toString();

/** The feed: the newest events first. Entry ids are tag: URIs from the event's stable id, so a rerun shows nothing new. */
export function watchFeed(page: WatchConfig['page'], events: WatchEvent[], now: Date): string {
  const authority = tagAuthority(home(page), page.tagDate);
  const items: FeedItem[] = [...events].reverse().map((e) => ({
    id: tagId(authority, `watch/${e.id}`),
    kind: 'watch',
    title: `${e.site}: ${e.kind}`,
    url: `${absolute(page, OUT_FILES.html)}#site-${e.site}`,
    published: e.at,
    updated: e.at,
    summary: e.message,
    contentHtml: `<p>${escapeHtml(e.message)}</p>`,
  }));
  return atomFeed(
    {
      id: tagId(authority, 'watch'),
      title: page.title,
      description: 'Changes of the warrant canaries this page watches',
      home: absolute(page, ''),
      urls: { atom: absolute(page, OUT_FILES.feed), rss: '', json: absolute(page, OUT_FILES.json) },
      author: page.title,
      updated: events.at(-1)?.at ?? now.toISOString(),
    },
    items,
  );
}

function siteJson(v: SiteView) {
  const s = v.state;
  return {
    name: v.site.name,
    url: v.site.url,
    kind: v.site.kind,
    trust: v.site.tofu ? 'trusted on first use' : 'pinned',
    status: s?.status ?? 'unknown',
    since: s?.since ?? null,
    checkedAt: s?.checkedAt ?? null,
    issued: s?.issued ?? null,
    expires: s?.expires ?? null,
    expiresFrom: s?.expiresFrom ?? null,
    signers: s?.signers ?? [],
    pending: s?.pending ?? [],
    reasons: s?.reasons ?? [],
    statements: s?.statements ?? [],
    /** A Candor site's log: the last checkpoint this watcher verified, which every later one must extend. */
    log: s?.log ? { origin: s.log.origin, key: s.log.key, size: s.log.size, root: s.log.root } : null,
  };
}

export function statusJson(views: SiteView[], events: WatchEvent[], now: Date): string {
  return `${JSON.stringify({ version: 1, generated: now.toISOString(), sites: views.map(siteJson), events: [...events].reverse().slice(0, 50) }, null, 2)}\n`;
}

const WORDS: Record<Status, string> = {
  alive: 'Alive',
  stale: 'Stale: past its expiry',
  tripped: 'Tripped',
  invalid: 'Invalid: cannot be trusted as served',
  held: 'Key change held',
  unknown: 'Unknown: could not be checked',
};

function siteHtml(v: SiteView): string {
  const j = siteJson(v);
  const since = j.since ? ` since <time datetime="${escapeHtml(j.since)}">${escapeHtml(j.since)}</time>` : '';
  const expiry = j.expires
    ? `<p>Expires <time datetime="${escapeHtml(j.expires)}">${escapeHtml(j.expires)}</time>${j.expiresFrom === 'rule' ? ' (by the watcher’s rule: this canary states no expiry)' : ''}.</p>`
    : '';
  const log = j.log
    ? `<p>Log <code>${escapeHtml(j.log.origin)}</code>: its checkpoint of ${j.log.size} entries verified, and every later one must extend it.</p>`
    : '';
  const reasons = j.reasons.length ? `<ul>${j.reasons.map((r) => `<li><code>${escapeHtml(r.code)}</code> ${escapeHtml(r.message)}</li>`).join('')}</ul>` : '';
  return [
    `<section id="site-${escapeHtml(j.name)}" class="site ${escapeHtml(j.status)}">`,
    `<h2>${escapeHtml(j.name)}</h2>`,
    `<p><a href="${escapeHtml(j.url)}">${escapeHtml(j.url)}</a> (${escapeHtml(j.kind)}, keys ${escapeHtml(j.trust)})</p>`,
    `<p class="status"><strong>${escapeHtml(WORDS[j.status])}</strong>${since}.</p>`,
    expiry,
    log,
    reasons,
    '</section>',
  ]
    .filter(Boolean)
    .join('\n');
}

export function statusHtml(page: WatchConfig['page'], views: SiteView[], events: WatchEvent[], now: Date): string {
  const recent = [...events].reverse().slice(0, 50);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<link rel="alternate" type="application/atom+xml" href="${OUT_FILES.feed}" title="${escapeHtml(page.title)}">`,
    '<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:auto;padding:1rem;color:#111;background:#fff}.site{border-left:.4rem solid #767676;padding-left:1rem}.alive{border-color:#1a7f37}.tripped,.invalid{border-color:#b00020}.stale,.held{border-color:#9a6700}</style>',
    '</head>',
    '<body>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<p>Checked by <code>candor watch</code>; generated <time datetime="${now.toISOString()}">${now.toISOString()}</time>. <a href="${OUT_FILES.feed}">Atom feed</a> · <a href="${OUT_FILES.json}">JSON</a></p>`,
    ...views.map(siteHtml),
    '<h2>Recent changes</h2>',
    recent.length
      ? `<ol>${recent.map((e) => `<li><time datetime="${escapeHtml(e.at)}">${escapeHtml(e.at)}</time> <a href="#site-${escapeHtml(e.site)}">${escapeHtml(e.site)}</a>: ${escapeHtml(e.message)}</li>`).join('')}</ol>`
      : '<p>None yet.</p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
