/** The feed builders: stable tag: ids, order, dates, escaping, and what is left out. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildFeeds, feedItems, tagAuthority, tagId } from '../../src/core/feeds.ts';
import { escapeXml } from '../../src/core/escape.ts';
import { feedSource } from '../helpers/feeds.ts';

describe('feed ids', () => {
  it('are tag: URIs that name the thing, not its page or title', () => {
    expect(tagAuthority('https://Lumen-Mail.example/site/', '2024')).toBe('lumen-mail.example,2024');
    expect(tagId('lumen-mail.example,2024', 'policy/privacy/3.0')).toBe('tag:lumen-mail.example,2024:policy/privacy/3.0');
    expect(tagId('a.example,2024', 'policy/x y/1')).toBe('tag:a.example,2024:policy/x%20y/1');
    expect(() => tagAuthority('https://a.example', 'last year')).toThrow(/tag date/);
  });

  it('stay the same when a title or summary is corrected', () => {
    const src = feedSource();
    const before = feedItems(src).map((i) => i.id);
    const report = src.reports[0]!;
    src.reports[0] = { ...report, title: 'A corrected title' };
    expect(feedItems(src).map((i) => i.id)).toEqual(before);
  });
});

describe('feed items', () => {
  const items = feedItems(feedSource());

  it('are newest first and leave out what is not published yet', () => {
    const dates = items.map((i) => i.published);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(items.some((i) => i.id.endsWith('policy/privacy/2.1'))).toBe(false);
    expect(items.map((i) => i.kind).sort()).toEqual(['attestation', 'attestation', 'policy', 'policy', 'policy', 'report', 'report']);
  });

  it('carry the latest correction as their updated date', () => {
    const privacy = items.find((i) => i.id.endsWith('policy/privacy/2.0'))!;
    expect(privacy.published).toBe('2026-02-01T00:00:00Z');
    expect(privacy.updated).toBe('2026-02-05T00:00:00Z');
    expect(items.find((i) => i.id.endsWith('transparency/2025-h2'))!.updated).toBe('2026-02-10T00:00:00Z');
  });

  it('render a summary with markdown-it and never pass raw HTML through', () => {
    const privacy = items.find((i) => i.id.endsWith('policy/privacy/2.0'))!;
    expect(privacy.contentHtml).toContain('<strong>30 days</strong>');
    expect(privacy.contentHtml).not.toContain('<script>');
    expect(privacy.contentHtml).toContain('&lt;script&gt;');
  });

  it('say a duress signal in the title', () => {
    expect(items.find((i) => i.id.endsWith('canary/attestation/2'))!.title).toBe('Warrant canary DURESS (attestation 2)');
  });

  it('give report totals as ranges when a count is suppressed', () => {
    expect(items.find((i) => i.id.endsWith('transparency/2025-h1'))!.summary).toMatch(/15–19 requests received/);
  });
});

describe('feed documents', () => {
  const feeds = buildFeeds(feedSource());
  const parser = new XMLParser({ ignoreAttributes: false });

  it('are well-formed XML with the same ids in Atom and RSS', () => {
    expect(XMLValidator.validate(feeds.atom)).toBe(true);
    expect(XMLValidator.validate(feeds.rss)).toBe(true);
    const atom = parser.parse(feeds.atom).feed;
    const rss = parser.parse(feeds.rss).rss.channel;
    const json = JSON.parse(feeds.json);
    const atomIds = atom.entry.map((e: { id: string }) => e.id);
    expect(rss.item.map((i: { guid: { '#text': string } }) => i.guid['#text'])).toEqual(atomIds);
    expect(json.items.map((i: { id: string }) => i.id)).toEqual(atomIds);
    expect(atom.updated).toBe('2026-03-01T09:30:00Z');
  });

  it('escape text from content files', () => {
    expect(escapeXml('a < b & "c" \u0001')).toBe('a &#60; b &#38; &#34;c&#34; \uFFFD');
    expect(feeds.atom).toContain('for IMAP &#38; SMTP');
    expect(feeds.atom).not.toMatch(/<script/);
    expect(feeds.rss).not.toMatch(/<script/);
  });

  it('are the same bytes for the same input', () => {
    expect(buildFeeds(feedSource())).toEqual(feeds);
  });
});
