/**
 * News headlines as a secondary proof of freshness, read from RSS 2.0, RSS 1.0 (RDF)
 * and Atom feeds. Every headline keeps its own date so a verifier can check it, and a
 * feed that has stopped updating is refused rather than quoted.
 */
import { XMLParser } from 'fast-xml-parser';
import { FreshnessError } from '../core/errors.ts';
import { toIsoUtc, type Headline } from '../core/freshness.ts';
import { fetchText } from './http.ts';

export interface Feed {
  name: string;
  url: string;
}
export interface HeadlineOptions {
  feeds: Feed[];
  /** At most this many headlines per feed, the newest ones. */
  perFeed: number;
  now: Date;
  /** Headlines older than now - maxAgeHours are not fresh. */
  maxAgeHours: number;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  fetchImpl?: typeof fetch;
}

interface Item {
  title: string;
  url: string;
  published: Date;
}
type XmlNode = Record<string, unknown>;

const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';
const MAX_FEED_BYTES = 4 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Titles such as "2026" must stay text.
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  isArray: (name) => name === 'item' || name === 'entry' || name === 'link',
});

const asNode = (value: unknown): XmlNode | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : undefined);

/** Element text whether the parser gave a string, an element with attributes, or a list. */
function textOf(value: unknown): string {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'string' || typeof value === 'number') return String(value).replace(/\s+/g, ' ').trim();
  const text = asNode(value)?.['#text'];
  return text === undefined ? '' : textOf(text);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Publishers put HTML-escaped titles inside CDATA (Atom type="html", and most RSS), where
 * the XML parser rightly leaves `&amp;` alone; the headline should read "&".
 */
function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
    const code = name.startsWith('#x') || name.startsWith('#X') ? parseInt(name.slice(2), 16) : name.startsWith('#') ? Number(name.slice(1)) : NaN;
    if (!Number.isNaN(code)) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function absoluteHttpUrl(href: string, base: string): string | undefined {
  // An empty href would resolve to the feed itself, which is not a headline's page.
  if (href === '') return undefined;
  try {
    const url = new URL(href, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Atom links are elements with href; the article is rel="alternate" (the default). */
function atomLink(links: unknown): string {
  const list = Array.isArray(links) ? links.map(asNode) : [];
  const alternate = list.find((l) => l && (l['@_rel'] === undefined || l['@_rel'] === 'alternate'));
  const href = alternate?.['@_href'];
  return typeof href === 'string' ? href : '';
}

function toItem(node: XmlNode, atom: boolean, feedUrl: string): Item | undefined {
  const title = decodeHtmlEntities(textOf(node.title)).replace(/\s+/g, ' ').trim();
  const href = atom ? atomLink(node.link) : textOf(node.link);
  // Atom's <published> is the article's date; <updated> moves on every edit.
  const date = atom ? textOf(node.published) || textOf(node.updated) : textOf(node.pubDate) || textOf(node['dc:date']);
  const url = absoluteHttpUrl(href, feedUrl);
  const published = new Date(date === '' ? Number.NaN : Date.parse(date));
  if (!title || !url || Number.isNaN(published.getTime())) return undefined;
  return { title, url, published };
}

function parseFeed(xml: string, feedUrl: string): Item[] {
  let doc: XmlNode;
  try {
    doc = parser.parse(xml, true) as XmlNode;
  } catch (error) {
    throw new FreshnessError('SOURCE_BAD_RESPONSE', 'the feed is not well-formed XML', {
      file: feedUrl,
      expected: 'an RSS or Atom feed',
      received: xml.slice(0, 120),
      cause: error,
      hint: "check that the URL is the feed itself, not the site's home page",
    });
  }
  const atom = asNode(doc.feed);
  const rss = asNode(asNode(doc.rss)?.channel) ?? asNode(doc['rdf:RDF']);
  if (!atom && !rss) {
    throw new FreshnessError('SOURCE_BAD_RESPONSE', 'the document is neither RSS nor Atom', {
      file: feedUrl,
      expected: '<rss><channel>, <rdf:RDF> or <feed>',
      received: Object.keys(doc).join(', '),
      hint: "check that the URL is the feed itself, not the site's home page",
    });
  }
  const nodes = atom ? atom.entry : rss?.item;
  const list = Array.isArray(nodes) ? nodes : [];
  return list.flatMap((n) => (asNode(n) ? [toItem(n as XmlNode, Boolean(atom), feedUrl)] : [])).filter((i) => i !== undefined);
}

function freshItems(feed: Feed, items: Item[], opts: HeadlineOptions): Item[] {
  const now = opts.now.getTime();
  // An item dated after now would make the proof look pre-dated, so it is not usable.
  const usable = items.filter((i) => i.published.getTime() <= now).sort((a, b) => b.published.getTime() - a.published.getTime());
  if (usable.length === 0) {
    throw new FreshnessError('HEADLINES_MISSING', 'the feed has no item with a title, a link and a past date', {
      file: feed.url,
      expected: 'at least one usable item',
      received: `${items.length} dated item(s)`,
      hint: 'check the feed URL, or remove this feed from the configuration',
    });
  }
  const oldest = now - opts.maxAgeHours * 3_600_000;
  const fresh = usable.filter((i) => i.published.getTime() >= oldest);
  if (fresh.length === 0) {
    throw new FreshnessError('HEADLINES_STALE', 'the feed has not been updated recently', {
      file: feed.url,
      field: 'published',
      expected: `an item published after ${toIsoUtc(new Date(oldest))}`,
      received: toIsoUtc((usable[0] as Item).published),
      hint: 'the feed may be abandoned: replace it with a live one',
    });
  }
  return fresh.slice(0, opts.perFeed);
}

async function readFeed(feed: Feed, opts: HeadlineOptions): Promise<Headline[]> {
  const res = await fetchText(feed.url, {
    timeoutMs: opts.timeoutMs ?? 10_000,
    retries: opts.retries ?? 2,
    backoffMs: opts.backoffMs ?? 500,
    ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
    accept: ACCEPT,
    maxBytes: MAX_FEED_BYTES,
  });
  if (res.status !== 200) {
    throw new FreshnessError('SOURCE_BAD_RESPONSE', 'the feed could not be read', {
      file: feed.url,
      expected: 'HTTP 200',
      received: `HTTP ${res.status}`,
      hint: 'the feed may have moved: check its URL in a browser',
    });
  }
  return freshItems(feed, parseFeed(res.text, feed.url), opts).map((item) => ({
    source: feed.name,
    title: item.title,
    url: item.url,
    published: toIsoUtc(item.published),
  }));
}

/**
 * Up to `perFeed` fresh headlines from every feed, grouped by feed in the order given,
 * newest first within each. Any feed that fails, is empty or is stale fails the call:
 * the caller decides whether headlines are worth a heartbeat.
 */
export async function fetchHeadlines(opts: HeadlineOptions): Promise<Headline[]> {
  if (!Number.isSafeInteger(opts.perFeed) || opts.perFeed < 1) throw new RangeError(`perFeed must be an integer >= 1, got ${opts.perFeed}`);
  const perFeed = await Promise.all(opts.feeds.map((feed) => readFeed(feed, opts)));
  return perFeed.flat();
}
