/**
 * The site's feeds: Atom (/feed.xml), RSS 2.0 (/rss.xml) and JSON Feed 1.1 (/feed.json)
 * of policy changes, transparency reports and canary attestations, newest first.
 *
 * Everything that reaches XML or JSON comes from content files (which arrive by pull
 * request) and is escaped here; the only HTML is what the one markdown-it (html: false)
 * renders from a summary, plus fixed tags around escaped text. Same input, same bytes:
 * nothing reads the clock (`now` is injected) and the feed's `updated` is the newest
 * entry's, so an unchanged site rebuilds to unchanged feeds.
 */
import { escapeHtml, escapeXml } from './escape.ts';
import type { AttestationData } from './canary/model.ts';
import { markdown } from './markdown.ts';
import { siteLink } from './notify/events.ts';
import { changelog } from './policy/changelog.ts';
import type { PolicyVersion } from './policy/model.ts';
import { totalsOf } from './report/compute.ts';
import type { Report } from './report/model.ts';
import type { Total } from './report/output.ts';
import { formatNumber } from './report/chart-text.ts';

export type FeedKind = 'policy' | 'report' | 'attestation' | 'watch';

export interface FeedItem {
  /** A tag: URI (RFC 4151) that never changes; see tagId. */
  id: string;
  kind: FeedKind;
  title: string;
  /** Absolute URL of the item's permalink. */
  url: string;
  /** RFC 3339 instants, UTC. */
  published: string;
  updated: string;
  /** Plain text. */
  summary: string;
  /** HTML: markdown-it output and escaped text only. */
  contentHtml: string;
}

export interface FeedMeta {
  id: string;
  title: string;
  description: string;
  /** The site's home page, with a trailing slash. */
  home: string;
  urls: { atom: string; rss: string; json: string };
  author: string;
  updated: string;
}

export interface FeedSource {
  service: { name: string; url: string };
  /**
   * The tag: authority, "<host>,<date>" (see tagAuthority). Part of every id: it must
   * never change, even if the site moves to another host.
   */
  tagAuthority: string;
  policies: Map<string, PolicyVersion[]>;
  reports: Report[];
  attestations: AttestationData[];
  /** Items dated after `now` (a policy version published in the future) are left out. */
  now: Date;
}

export const FEED_PATHS = { atom: '/feed.xml', rss: '/rss.xml', json: '/feed.json' } as const;

const KIND_LABEL: Record<FeedKind, string> = { policy: 'Policy change', report: 'Transparency report', attestation: 'Warrant canary', watch: 'Canary watch' };

/**
 * "<host>,<date>" for tag: URIs, e.g. "lumen-mail.example,2024". RFC 4151 asks for a
 * domain the publisher held on that date. Feed readers recognise an entry by its id
 * alone: once published, the authority must stay exactly as it was (even if the service
 * later moves to another domain, the old authority stays valid, being a name held
 * *on that date*), or every reader would show every entry again as new.
 */
export function tagAuthority(serviceUrl: string, date: string): string {
  if (!/^\d{4}(-\d{2}(-\d{2})?)?$/.test(date)) throw new TypeError(`tag date must be YYYY, YYYY-MM or YYYY-MM-DD, not ${JSON.stringify(date)}`);
  return `${new URL(serviceUrl).hostname.toLowerCase()},${date}`;
}

/**
 * tag:<authority>:<specific>, e.g. tag:lumen-mail.example,2024:policy/privacy/3.0.
 * The specific part names the thing, never where it is shown (no URL path, no title,
 * no date), so that moving pages or correcting a title keeps the id.
 */
export function tagId(authority: string, specific: string): string {
  // RFC 4151 allows pchar plus "/" "?" in the specific part; anything else is percent-encoded.
  const safe = specific.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/gu, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return `tag:${authority}:${safe}`;
}

const dayInstant = (day: string): string => `${day}T00:00:00Z`;
const latest = (days: string[]): string => [...days].sort().at(-1)!;
const seg = encodeURIComponent;

/** HTML inside a feed entry: escaped as HTML, then the whole as XML text (escapeXml at the element). */
const html = escapeHtml;

/** A total for people: exact, "3–5" for a range, "unknown" when a count could not be read. */
export function totalText(t: Total): string {
  if ('exact' in t) return formatNumber(t.exact);
  if ('unknown' in t) return 'unknown';
  return `${formatNumber(t.lower)}–${formatNumber(t.upper)}`;
}

function policyItems(src: FeedSource, today: string): FeedItem[] {
  const versions = new Map([...src.policies.values()].flat().map((v) => [`${v.policy}@${v.version}`, v]));
  return changelog(src.policies, src.now)
    .filter((e) => e.published <= today)
    .map((e) => {
      const corrections = versions.get(`${e.policy}@${e.version}`)?.corrections ?? [];
      const url = siteLink(src.service.url, `/policies/${seg(e.policy)}/${seg(e.version)}/`);
      const diff = e.previous ? siteLink(src.service.url, `/policies/${seg(e.policy)}/compare/${seg(e.previous)}...${seg(e.version)}/`) : null;
      const when = e.effective > e.published ? `takes effect ${e.effective}` : `effective ${e.effective}`;
      const facts = e.facts.length === 0 ? '' : `<ul>${e.facts.map((f) => `<li>${html(f.text)}</li>`).join('')}</ul>`;
      return {
        id: tagId(src.tagAuthority, `policy/${e.policy}/${e.version}`),
        kind: 'policy',
        title: `${e.title} ${e.version} (${e.change} change, ${when})`,
        url,
        published: dayInstant(e.published),
        updated: dayInstant(latest([e.published, ...corrections.map((c) => c.date)])),
        summary: e.summary,
        contentHtml: [
          markdown.render(e.summary).trim(),
          facts,
          `<p>${html(`${e.change[0]!.toUpperCase()}${e.change.slice(1)} change, published ${e.published}, ${when}.`)}</p>`,
          `<p><a href="${html(url)}">Read version ${html(e.version)}</a>${diff ? ` · <a href="${html(diff)}">what changed</a>` : ''}</p>`,
          ...corrections.map((c) => `<p>${html(`Corrected ${c.date}: ${c.reason}`)}</p>`),
        ]
          .filter(Boolean)
          .join('\n'),
      };
    });
}

function reportItems(src: FeedSource, today: string): FeedItem[] {
  return src.reports
    .filter((r) => r.published <= today)
    .map((r) => {
      const t = totalsOf(r.requests);
      const url = siteLink(src.service.url, `/transparency/${seg(r.id)}/`);
      const summary = `${r.period.start} to ${r.period.end}: ${totalText(t.received)} requests received; data disclosed in ${totalText(t.outcomes.contentDisclosed)} (content) and ${totalText(t.outcomes.nonContentDisclosed)} (non-content); ${totalText(t.outcomes.rejected)} rejected.`;
      return {
        id: tagId(src.tagAuthority, `transparency/${r.id}`),
        kind: 'report',
        title: r.title,
        url,
        published: dayInstant(r.published),
        updated: dayInstant(latest([r.published, ...r.corrections.map((c) => c.date)])),
        summary,
        contentHtml: [
          `<p>${html(summary)}</p>`,
          `<p><a href="${html(url)}">Read the report</a> · <a href="${html(siteLink(src.service.url, `/transparency/${seg(r.id)}.json`))}">JSON</a></p>`,
          ...r.corrections.map((c) => `<p>${html(`Corrected ${c.date}: ${c.reason}`)}</p>`),
        ].join('\n'),
      };
    });
}

function attestationItems(src: FeedSource): FeedItem[] {
  return src.attestations
    .filter((a) => Date.parse(a.issued) <= src.now.getTime())
    .map((a) => {
      const url = siteLink(src.service.url, `/archive/attestation-${String(a.sequence).padStart(6, '0')}.txt`);
      const signal = a.signal.kind === 'none' ? '' : `${a.signal.kind.toUpperCase()}: ${a.signal.message}`;
      const summary = `${signal ? `${signal} ` : ''}Attestation ${a.sequence} issued ${a.issued}, expires ${a.expires}; ${a.statements.length} statements, signed by at least ${a.signers.threshold} of ${a.signers.keys.length} people.`;
      return {
        id: tagId(src.tagAuthority, `canary/attestation/${a.sequence}`),
        kind: 'attestation',
        title: signal ? `Warrant canary ${a.signal.kind.toUpperCase()} (attestation ${a.sequence})` : `Warrant canary attestation ${a.sequence}`,
        url,
        published: a.issued,
        updated: a.issued,
        summary,
        contentHtml: [
          signal ? `<p><strong>${html(signal)}</strong></p>` : '',
          `<p>${html(`Attestation ${a.sequence} issued ${a.issued}, expires ${a.expires}.`)}</p>`,
          `<ol>${a.statements.map((s) => `<li>${html(`${s.id}: ${s.text}`)}</li>`).join('')}</ol>`,
          `<p><a href="${html(url)}">The signed text</a>; verify it with gpg or <code>candor verify</code> before trusting it.</p>`,
        ]
          .filter(Boolean)
          .join('\n'),
      };
    });
}

/** Every item, newest first (then by id, so that equal dates keep one order). */
export function feedItems(src: FeedSource): FeedItem[] {
  const today = src.now.toISOString().slice(0, 10);
  return [...policyItems(src, today), ...reportItems(src, today), ...attestationItems(src)].sort(
    (a, b) => b.published.localeCompare(a.published) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export function feedMeta(src: FeedSource, items: FeedItem[]): FeedMeta {
  const home = src.service.url.replace(/\/*$/, '/');
  return {
    id: tagId(src.tagAuthority, 'feed'),
    title: `${src.service.name}: policy changes, transparency reports and warrant canary`,
    description: `Changes to ${src.service.name}'s policies, its transparency reports and its signed warrant canary attestations.`,
    home,
    urls: {
      atom: siteLink(src.service.url, FEED_PATHS.atom),
      rss: siteLink(src.service.url, FEED_PATHS.rss),
      json: siteLink(src.service.url, FEED_PATHS.json),
    },
    author: src.service.name,
    // The newest change, not the build time: rebuilding unchanged content gives the same feed.
    updated: latest([...items.map((i) => i.updated), ...(items.length === 0 ? [src.now.toISOString().replace(/\.\d{3}Z$/, 'Z')] : [])]),
  };
}

const el = (name: string, text: string, attrs = ''): string => `<${name}${attrs}>${escapeXml(text)}</${name}>`;

/** Atom (RFC 4287). */
export function atomFeed(meta: FeedMeta, items: FeedItem[]): string {
  const entries = items.map((i) =>
    [
      '  <entry>',
      `    ${el('id', i.id)}`,
      `    ${el('title', i.title, ' type="text"')}`,
      `    <link rel="alternate" type="${i.url.endsWith('.txt') ? 'text/plain' : 'text/html'}" href="${escapeXml(i.url)}"/>`,
      `    ${el('published', i.published)}`,
      `    ${el('updated', i.updated)}`,
      `    <category term="${i.kind}" label="${escapeXml(KIND_LABEL[i.kind])}"/>`,
      `    ${el('summary', i.summary, ' type="text"')}`,
      `    ${el('content', i.contentHtml, ' type="html"')}`,
      '  </entry>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  ${el('id', meta.id)}`,
    `  ${el('title', meta.title, ' type="text"')}`,
    `  ${el('subtitle', meta.description, ' type="text"')}`,
    `  ${el('updated', meta.updated)}`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(meta.urls.atom)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(meta.home)}"/>`,
    `  <author>${el('name', meta.author)}${el('uri', meta.home)}</author>`,
    '  <generator>Candor</generator>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** RFC 822 dates, as RSS 2.0 wants them ("Tue, 01 Jul 2025 00:00:00 GMT"); toUTCString has exactly this form. */
const rfc822 = (instant: string): string => new Date(instant).toUTCString();

/** RSS 2.0. guid carries the same tag: id as Atom and JSON, so a reader switching format sees nothing new. */
export function rssFeed(meta: FeedMeta, items: FeedItem[]): string {
  const entries = items.map((i) =>
    [
      '    <item>',
      `      ${el('title', i.title)}`,
      `      ${el('link', i.url)}`,
      `      ${el('guid', i.id, ' isPermaLink="false"')}`,
      `      ${el('pubDate', rfc822(i.published))}`,
      `      ${el('category', KIND_LABEL[i.kind])}`,
      `      ${el('description', i.contentHtml)}`,
      '    </item>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '  <channel>',
    `    ${el('title', meta.title)}`,
    `    ${el('link', meta.home)}`,
    `    ${el('description', meta.description)}`,
    '    <language>en</language>',
    `    ${el('lastBuildDate', rfc822(meta.updated))}`,
    `    <atom:link href="${escapeXml(meta.urls.rss)}" rel="self" type="application/rss+xml"/>`,
    '    <generator>Candor</generator>',
    ...entries,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). JSON.stringify does the escaping. */
export function jsonFeed(meta: FeedMeta, items: FeedItem[]): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: meta.title,
    home_page_url: meta.home,
    feed_url: meta.urls.json,
    description: meta.description,
    language: 'en',
    authors: [{ name: meta.author, url: meta.home }],
    items: items.map((i) => ({
      id: i.id,
      url: i.url,
      title: i.title,
      summary: i.summary,
      content_html: i.contentHtml,
      date_published: i.published,
      date_modified: i.updated,
      tags: [KIND_LABEL[i.kind]],
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

/** The three feeds from the content. */
export function buildFeeds(src: FeedSource): { atom: string; rss: string; json: string } {
  const items = feedItems(src);
  const meta = feedMeta(src, items);
  return { atom: atomFeed(meta, items), rss: rssFeed(meta, items), json: jsonFeed(meta, items) };
}
