/**
 * Golden feeds from fixed inputs (test/helpers/feeds.ts). The ids in these files are
 * public promises: a diff in an <id>, <guid> or "id" means every subscriber would see
 * old entries again as new, so it needs a very good reason.
 */
import { describe, expect, it } from 'vitest';
import { buildFeeds } from '../../src/core/feeds.ts';
import { feedSource } from '../helpers/feeds.ts';

describe('golden feeds', () => {
  const feeds = buildFeeds(feedSource());

  it('Atom', async () => {
    await expect(feeds.atom).toMatchFileSnapshot('./files/feed.atom.xml');
  });

  it('RSS 2.0', async () => {
    await expect(feeds.rss).toMatchFileSnapshot('./files/feed.rss.xml');
  });

  it('JSON Feed 1.1', async () => {
    await expect(feeds.json).toMatchFileSnapshot('./files/feed.json');
  });
});
