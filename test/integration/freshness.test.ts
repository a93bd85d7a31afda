/**
 * The real fetching code (fetch, timeouts, retries, parsing) against local servers
 * replaying recorded explorer and feed responses.
 */
import { afterEach, describe, it, expect } from 'vitest';
import { FreshnessError } from '../../src/core/errors.ts';
import { fetchBlockProof, lookupBlock, type ExplorerSource } from '../../src/io/explorers.ts';
import { fetchHeadlines } from '../../src/io/headlines.ts';
import { fetchWithRetry } from '../../src/io/http.ts';
import { fixture, refusedUrl, sequence, startFixtureServer, type FixtureRoute, type FixtureServer } from '../helpers/fixture-server.ts';

const HASH = '00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054';
const FORK = '0000000000000000000355a3c4d1e7a0b2f6d9e8c7b5a4f3e2d1c0b9a8f7e6d5';
const UNKNOWN = '00000000000000000000ffffffffffffffffffffffffffffffffffffffffffff';
const FAST = { timeoutMs: 500, retries: 1, backoffMs: 10 };

let servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function serve(routes: Record<string, FixtureRoute>): Promise<FixtureServer> {
  const server = await startFixtureServer(routes);
  servers.push(server);
  return server;
}

const esploraBlock = fixture('explorers/esplora/block-800000.json');
const esploraRoutes = (tip: string, over: Record<string, FixtureRoute> = {}): Record<string, FixtureRoute> => ({
  '/api/blocks/tip/height': { body: tip },
  '/api/block-height/800000': { body: fixture('explorers/esplora/block-height-800000.txt') },
  [`/api/block/${HASH}`]: { body: esploraBlock },
  [`/api/block/${UNKNOWN}`]: { status: 404, body: fixture('explorers/esplora/block-not-found.txt') },
  ...over,
});
const bciRoutes = (tip: string, over: Record<string, FixtureRoute> = {}): Record<string, FixtureRoute> => ({
  '/q/getblockcount': { body: tip },
  '/block-height/800000?format=json': { body: fixture('explorers/blockchain-info/block-height-800000.json') },
  [`/rawblock/${HASH}`]: { body: fixture('explorers/blockchain-info/rawblock-800000.json') },
  [`/rawblock/${UNKNOWN}`]: { status: 404, body: fixture('explorers/blockchain-info/rawblock-not-found.json') },
  ...over,
});

const esplora = (name: string, server: FixtureServer | string): ExplorerSource => ({
  name,
  kind: 'esplora',
  url: `${typeof server === 'string' ? server : server.url}/api`,
});
const bci = (name: string, server: FixtureServer | string): ExplorerSource => ({
  name,
  kind: 'blockchain-info',
  url: typeof server === 'string' ? server : server.url,
});

async function threeSources(
  over: { mempool?: Record<string, FixtureRoute>; blockstream?: Record<string, FixtureRoute>; bci?: Record<string, FixtureRoute> } = {},
) {
  const mempool = await serve(esploraRoutes('800010', over.mempool));
  const blockstream = await serve(esploraRoutes('800011', over.blockstream));
  const blockchain = await serve(bciRoutes('800012', over.bci));
  return {
    mempool,
    blockstream,
    blockchain,
    sources: [esplora('mempool.space', mempool), esplora('blockstream.info', blockstream), bci('blockchain.info', blockchain)],
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FreshnessError);
  return (error as FreshnessError).code;
}

describe('fetchBlockProof', () => {
  it('takes the block depth below the lowest tip, agreed by two esplora and one blockchain.info', async () => {
    const { sources, blockstream } = await threeSources();
    const proof = await fetchBlockProof({ sources, depth: 10, ...FAST });
    expect(proof).toEqual({
      chain: 'bitcoin',
      height: 800000,
      hash: HASH,
      depth: 10,
      time: '2023-07-24T03:17:09Z',
      sources: ['mempool.space', 'blockstream.info', 'blockchain.info'],
    });
    // blockstream's tip is 800011, yet it is asked for the height from the lowest tip.
    expect(blockstream.hits).toEqual(['/api/blocks/tip/height', '/api/block-height/800000', `/api/block/${HASH}`]);
  });

  it('refuses sources that disagree on the hash, even when two of three agree', async () => {
    const forked = JSON.stringify({ ...JSON.parse(esploraBlock), id: FORK });
    const { sources } = await threeSources({ blockstream: { '/api/block-height/800000': { body: FORK }, [`/api/block/${FORK}`]: { body: forked } } });
    expect(await codeOf(fetchBlockProof({ sources, depth: 10, ...FAST }))).toBe('SOURCES_DISAGREE');
  });

  it('reports a disagreement before a shortage of sources', async () => {
    const forked = JSON.stringify({ ...JSON.parse(esploraBlock), id: FORK });
    const { sources } = await threeSources({
      blockstream: { '/api/block-height/800000': { body: FORK }, [`/api/block/${FORK}`]: { body: forked } },
      bci: { '/q/getblockcount': { status: 503, body: 'Service Unavailable' } },
    });
    expect(await codeOf(fetchBlockProof({ sources, depth: 10, minSources: 3, ...FAST }))).toBe('SOURCES_DISAGREE');
  });

  it('refuses sources that disagree on the block time', async () => {
    const moved = JSON.stringify({ ...JSON.parse(esploraBlock), timestamp: 1690168630 });
    const { sources } = await threeSources({ mempool: { [`/api/block/${HASH}`]: { body: moved } } });
    expect(await codeOf(fetchBlockProof({ sources, depth: 10, ...FAST }))).toBe('SOURCES_DISAGREE');
  });

  it('refuses tips too far apart instead of trusting the laggard', async () => {
    const { sources } = await threeSources({ bci: { '/q/getblockcount': { body: '800100' } } });
    expect(await codeOf(fetchBlockProof({ sources, depth: 10, ...FAST }))).toBe('SOURCES_DISAGREE');
  });

  it('goes on with two sources when one refuses connections and another recovers from a 503', async () => {
    const mempool = await serve(
      esploraRoutes('800010', {
        '/api/blocks/tip/height': sequence({ status: 503, body: 'Service Unavailable' }, { body: '800010' }),
      }),
    );
    const blockchain = await serve(bciRoutes('800010'));
    const sources = [esplora('mempool.space', mempool), esplora('blockstream.info', await refusedUrl()), bci('blockchain.info', blockchain)];
    const proof = await fetchBlockProof({ sources, depth: 10, ...FAST });
    expect(proof.sources).toEqual(['mempool.space', 'blockchain.info']);
    expect(mempool.hits.filter((h) => h === '/api/blocks/tip/height')).toHaveLength(2);
  });

  it('fails with NOT_ENOUGH_SOURCES naming every failed source when one is left', async () => {
    const { sources } = await threeSources({
      mempool: { '/api/blocks/tip/height': { status: 500, body: 'Internal Server Error' } },
      bci: { '/q/getblockcount': { status: 403, body: '<html>Attention Required! | Cloudflare</html>', contentType: 'text/html' } },
    });
    const error = (await fetchBlockProof({ sources, depth: 10, ...FAST }).catch((e: unknown) => e)) as FreshnessError;
    expect(error).toBeInstanceOf(FreshnessError);
    expect(error.code).toBe('NOT_ENOUGH_SOURCES');
    const received = JSON.stringify(error.details.received);
    expect(received).toContain('mempool.space: SOURCE_UNREACHABLE');
    expect(received).toContain('blockchain.info: SOURCE_BAD_RESPONSE');
  });

  it('counts a source that hangs as failed, within the timeout', async () => {
    const { sources } = await threeSources({ blockstream: { '/api/block-height/800000': { body: HASH, delayMs: 10_000 } } });
    const proof = await fetchBlockProof({ sources, depth: 10, timeoutMs: 200, retries: 0, backoffMs: 0 });
    // Without the timeout the slow source would have answered (after 10 s) and been counted.
    expect(proof.sources).toEqual(['mempool.space', 'blockchain.info']);
  });

  it('picks the main-chain block when blockchain.info lists an orphan at the same height', async () => {
    const listed = JSON.parse(fixture('explorers/blockchain-info/block-height-800000.json')) as { blocks: Record<string, unknown>[] };
    const orphan = { ...listed.blocks[0], hash: FORK, main_chain: false };
    const { sources } = await threeSources({ bci: { '/block-height/800000?format=json': { body: JSON.stringify({ blocks: [orphan, ...listed.blocks] }) } } });
    expect((await fetchBlockProof({ sources, depth: 10, ...FAST })).hash).toBe(HASH);
  });
});

describe('lookupBlock', () => {
  it('finds a block with its height and time', async () => {
    const { sources } = await threeSources();
    expect(await lookupBlock(HASH, { sources, ...FAST })).toEqual({
      found: true,
      height: 800000,
      time: '2023-07-24T03:17:09Z',
      sources: ['mempool.space', 'blockstream.info', 'blockchain.info'],
    });
  });

  it('reports an unknown block, whether the explorer says 404 or 400 "Block not found"', async () => {
    const { sources } = await threeSources({ blockstream: { [`/api/block/${UNKNOWN}`]: { status: 400, body: 'Block not found' } } });
    expect(await lookupBlock(UNKNOWN, { sources, ...FAST })).toEqual({ found: false, sources: ['mempool.space', 'blockstream.info', 'blockchain.info'] });
  });

  it('treats an orphaned block as not found', async () => {
    const orphaned = JSON.stringify({ ...JSON.parse(fixture('explorers/blockchain-info/rawblock-800000.json')), main_chain: false });
    const blockchain = await serve(bciRoutes('800010', { [`/rawblock/${HASH}`]: { body: orphaned } }));
    expect(await lookupBlock(HASH, { sources: [bci('blockchain.info', blockchain)], minSources: 1, ...FAST })).toEqual({
      found: false,
      sources: ['blockchain.info'],
    });
  });

  it('refuses found on one explorer and unknown on another', async () => {
    const { sources } = await threeSources({ mempool: { [`/api/block/${HASH}`]: { status: 404, body: 'Block not found' } } });
    expect(await codeOf(lookupBlock(HASH, { sources, ...FAST }))).toBe('SOURCES_DISAGREE');
  });

  it('needs minSources answers', async () => {
    const { sources } = await threeSources({ mempool: { [`/api/block/${HASH}`]: { reset: true, body: '' } } });
    expect(await codeOf(lookupBlock(HASH, { sources, minSources: 3, ...FAST }))).toBe('NOT_ENOUGH_SOURCES');
  });

  it('asks nobody about something that is not a block hash', async () => {
    const { sources, mempool } = await threeSources();
    expect(await lookupBlock('../../blocks/tip/height', { sources, ...FAST })).toEqual({ found: false, sources: [] });
    expect(mempool.hits).toEqual([]);
  });
});

describe('fetchWithRetry', () => {
  it('returns a 404 at once, without retrying', async () => {
    const server = await serve({});
    const response = await fetchWithRetry(`${server.url}/missing`, { ...FAST, retries: 3 });
    expect(response.status).toBe(404);
    expect(server.hits).toHaveLength(1);
  });

  it('retries 429 and 5xx, then gives up with SOURCE_UNREACHABLE', async () => {
    const server = await serve({ '/busy': sequence({ status: 429, body: 'Too Many Requests' }, { status: 502, body: 'Bad Gateway' }) });
    expect(await codeOf(fetchWithRetry(`${server.url}/busy`, { ...FAST, retries: 2 }))).toBe('SOURCE_UNREACHABLE');
    expect(server.hits).toHaveLength(3);
  });

  it('refuses non-http URLs', async () => {
    expect(await codeOf(fetchWithRetry('file:///etc/passwd', FAST))).toBe('SOURCE_UNREACHABLE');
  });
});

describe('fetchHeadlines', () => {
  const NOW = new Date('2026-06-03T03:00:00Z');
  const options = { now: NOW, maxAgeHours: 48, perFeed: 5, ...FAST };

  it('reads RSS and Atom, newest first within each feed, dropping undated, unlinked, old and future items', async () => {
    const server = await serve({ '/bbc.rss': { body: fixture('feeds/bbc-world.rss.xml') }, '/verge.atom': { body: fixture('feeds/verge.atom.xml') } });
    const feeds = [
      { name: 'BBC News', url: `${server.url}/bbc.rss` },
      { name: 'The Verge', url: `${server.url}/verge.atom` },
    ];
    const headlines = await fetchHeadlines({ feeds, ...options });
    expect(headlines.map((h) => [h.source, h.published, h.title])).toEqual([
      ['BBC News', '2026-06-03T02:41:07Z', 'Ceasefire talks resume in Geneva as envoys meet for third day'],
      ['BBC News', '2026-06-03T01:12:45Z', 'Central bank holds rates & signals cut "later this year"'],
      ['BBC News', '2026-06-02T22:05:10Z', 'Monsoon floods displace thousands in northern Bangladesh'],
      ['The Verge', '2026-06-03T02:30:00Z', 'The best laptops for students, tested & ranked'],
      ['The Verge', '2026-06-02T22:15:42Z', 'Open-source router firmware ships its first stable release in two years'],
      ['The Verge', '2026-06-02T13:00:00Z', 'A relative link still resolves against the feed'],
    ]);
    expect(headlines[0]?.url).toBe('https://www.bbc.com/news/articles/c0l4xk2p7g1o');
    expect(headlines[4]?.url).toBe('https://www.theverge.com/news/123457/router-firmware-release');
    expect(headlines[5]?.url).toBe(`${server.url}/news/123458/relative-link`);
  });

  it('keeps at most perFeed headlines per feed', async () => {
    const server = await serve({ '/bbc.rss': { body: fixture('feeds/bbc-world.rss.xml') } });
    const headlines = await fetchHeadlines({ feeds: [{ name: 'BBC News', url: `${server.url}/bbc.rss` }], ...options, perFeed: 2 });
    expect(headlines.map((h) => h.published)).toEqual(['2026-06-03T02:41:07Z', '2026-06-03T01:12:45Z']);
  });

  it.each([
    ['a stale feed', { body: fixture('feeds/cnn-stale.rss.xml') }, 'HEADLINES_STALE'],
    ['a feed without items', { body: fixture('feeds/empty.rss.xml') }, 'HEADLINES_MISSING'],
    ['an HTML page', { body: '<!DOCTYPE html><html><body><p>Subscribe!</p></body></html>', contentType: 'text/html' }, 'SOURCE_BAD_RESPONSE'],
    ['a 404', { status: 404, body: 'Not found' }, 'SOURCE_BAD_RESPONSE'],
  ])('refuses %s', async (_label, route, code) => {
    const server = await serve({ '/feed': route });
    const good = await serve({ '/bbc.rss': { body: fixture('feeds/bbc-world.rss.xml') } });
    const feeds = [
      { name: 'BBC News', url: `${good.url}/bbc.rss` },
      { name: 'Other', url: `${server.url}/feed` },
    ];
    expect(await codeOf(fetchHeadlines({ feeds, ...options }))).toBe(code);
  });
});
