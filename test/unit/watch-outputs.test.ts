/** The watcher's feed and status page (src/core/watch/outputs.ts): escaped, stable, deterministic. */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { statusHtml, statusJson, watchFeed } from '../../src/core/watch/outputs.ts';
import type { SiteState, WatchEvent } from '../../src/core/watch/transition.ts';

const page = { title: 'Canaries <we> watch', url: 'https://watch.example.org/', tagDate: '2026' };
const now = new Date('2026-12-01T00:00:00Z');
const hostile = '<script>alert("x")</script> & \u0007';
const events: WatchEvent[] = [
  { site: 'a', kind: 'watching', at: '2026-11-01T00:00:00.000Z', message: 'now watched', id: 'a/2026-11-01T00:00:00.000Z/watching' },
  { site: 'a', kind: 'tripped', at: '2026-11-08T00:00:00.000Z', message: hostile, id: 'a/2026-11-08T00:00:00.000Z/tripped' },
];
const state: SiteState = {
  status: 'tripped',
  since: '2026-11-08T00:00:00.000Z',
  checkedAt: '2026-11-08T00:00:00.000Z',
  failures: 0,
  accepted: [],
  signers: [],
  statements: [hostile],
  reasons: [{ code: 'STATEMENT_REMOVED', message: hostile }],
};
const views = [{ site: { name: 'a', url: 'https://a.example/?q="x"', kind: 'signed-text' as const, tofu: true as const }, state }];

describe('watch outputs', () => {
  it('the feed is well-formed Atom, newest first, with tag: ids from the event ids', () => {
    const feed = watchFeed(page, events, now);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(feed);
    const entries = parsed.feed.entry;
    expect(entries.map((e: { id: string }) => e.id)).toEqual([
      'tag:watch.example.org,2026:watch/a/2026-11-08T00:00:00.000Z/tripped',
      'tag:watch.example.org,2026:watch/a/2026-11-01T00:00:00.000Z/watching',
    ]);
    expect(feed).not.toContain('<script>');
    expect(feed).not.toContain('\u0007');
    expect(parsed.feed.updated).toBe('2026-11-08T00:00:00.000Z');
    expect(watchFeed(page, events, now)).toBe(feed);
  });

  it('the page escapes everything a site says, and has no script', () => {
    const html = statusHtml(page, views, events, now);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('href="https://a.example/?q=&#34;x&#34;"');
    expect(html).toContain('<title>Canaries &#60;we&#62; watch</title>');
    expect(html).toContain('keys trusted on first use');
  });

  it('the JSON says where each site stands, newest events first', () => {
    const json = JSON.parse(statusJson(views, events, now));
    expect(json.sites[0]).toMatchObject({ name: 'a', status: 'tripped', trust: 'trusted on first use', reasons: [{ code: 'STATEMENT_REMOVED' }] });
    expect(json.events[0].kind).toBe('tripped');
  });
});
