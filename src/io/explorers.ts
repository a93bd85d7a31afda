/**
 * Bitcoin block explorers, in their real public API formats (see
 * test/fixtures/explorers/README.md). Every answer is checked before use: a source
 * that answers nonsense counts as failed, never as a witness.
 */
import { describeReceived, FreshnessError, isCandorError } from '../core/errors.ts';
import { agreeOnBlock, isBlockHash, toIsoUtc, type BitcoinProof, type BlockObservation } from '../core/freshness.ts';
import { fetchText, type FetchOptions, type TextResponse } from './http.ts';

export interface ExplorerSource {
  name: string;
  kind: 'esplora' | 'blockchain-info';
  url: string;
}

export const DEFAULT_EXPLORERS: ExplorerSource[] = [
  { name: 'mempool.space', kind: 'esplora', url: 'https://mempool.space/api' },
  { name: 'blockstream.info', kind: 'esplora', url: 'https://blockstream.info/api' },
  { name: 'blockchain.info', kind: 'blockchain-info', url: 'https://blockchain.info' },
];

export interface NetworkOptions {
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  fetchImpl?: typeof fetch;
}
type Net = Omit<FetchOptions, 'accept'> & { maxBytes: number };
type Block = Omit<BlockObservation, 'source'>;
interface Client {
  tip(): Promise<number>;
  blockAt(height: number): Promise<Block>;
  lookup(hash: string): Promise<Block | null>;
}
interface Entry {
  source: ExplorerSource;
  client: Client;
}

// Explorers that lag by more than this are broken or lying, not merely out of sync.
const MAX_TIP_SPREAD = 6;
// blockchain.info always includes every transaction, so a real block is megabytes.
const MAX_BYTES = 64 * 1024 * 1024;

function bad(url: string, expected: string, received: unknown): FreshnessError {
  return new FreshnessError('SOURCE_BAD_RESPONSE', 'unexpected answer from a block explorer', {
    file: url,
    expected,
    received,
    hint: 'the explorer may have changed its API or be misconfigured (kind, URL)',
  });
}

async function getOk(url: string, net: Net): Promise<TextResponse> {
  const res = await fetchText(url, net);
  if (res.status !== 200) throw bad(url, 'HTTP 200', `HTTP ${res.status}: ${res.text.slice(0, 120)}`);
  return res;
}

function parseJson(res: TextResponse): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(res.text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw bad(res.url, 'a JSON object', res.text.slice(0, 120));
}

function parseHeight(res: TextResponse): number {
  const text = res.text.trim();
  if (!/^\d{1,9}$/.test(text)) throw bad(res.url, 'a block height (digits)', text.slice(0, 120));
  return Number(text);
}

/** Checks the fields every explorer gives, under their own names. */
function toBlock(url: string, hash: unknown, height: unknown, seconds: unknown): Block {
  if (!isBlockHash(hash)) throw bad(url, 'a block hash', hash);
  if (!Number.isSafeInteger(height) || (height as number) < 0) throw bad(url, 'a block height', height);
  if (!Number.isSafeInteger(seconds) || (seconds as number) <= 0) throw bad(url, 'a Unix time in seconds', seconds);
  return { hash, height: height as number, time: toIsoUtc(new Date((seconds as number) * 1000)) };
}

function expectBlock(url: string, block: Block, want: { hash?: string; height?: number }): Block {
  if (want.hash !== undefined && block.hash !== want.hash) throw bad(url, `block ${want.hash}`, block.hash);
  if (want.height !== undefined && block.height !== want.height) throw bad(url, `height ${want.height}`, block.height);
  return block;
}

function esplora(base: string, net: Net): Client {
  const lookup = async (hash: string): Promise<Block | null> => {
    const res = await fetchText(`${base}/block/${hash}`, net);
    // Esplora answers an unknown hash with 404 or 400 "Block not found".
    if (res.status === 404 || (res.status === 400 && /block not found/i.test(res.text))) return null;
    if (res.status !== 200) throw bad(res.url, 'HTTP 200 or "Block not found"', `HTTP ${res.status}`);
    const json = parseJson(res);
    return expectBlock(res.url, toBlock(res.url, json.id, json.height, json.timestamp), { hash });
  };
  return {
    tip: async () => parseHeight(await getOk(`${base}/blocks/tip/height`, net)),
    async blockAt(height) {
      const res = await getOk(`${base}/block-height/${height}`, net);
      const hash = res.text.trim();
      if (!isBlockHash(hash)) throw bad(res.url, 'a block hash', res.text.slice(0, 120));
      const block = await lookup(hash);
      if (!block) throw bad(`${base}/block/${hash}`, 'the block listed at its height', 'Block not found');
      return expectBlock(res.url, block, { height });
    },
    lookup,
  };
}

function blockchainInfoBlock(url: string, raw: Record<string, unknown>): Block {
  return toBlock(url, raw.hash, raw.height, raw.time);
}

function blockchainInfo(base: string, net: Net): Client {
  return {
    tip: async () => parseHeight(await getOk(`${base}/q/getblockcount`, net)),
    async blockAt(height) {
      const res = await getOk(`${base}/block-height/${height}?format=json`, net);
      const blocks = parseJson(res).blocks;
      // Orphaned blocks at the same height are listed too, with main_chain false.
      const main = Array.isArray(blocks)
        ? (blocks as (Record<string, unknown> | null)[]).filter((b): b is Record<string, unknown> => b?.main_chain === true)
        : [];
      if (main.length !== 1) throw bad(res.url, 'exactly one block with main_chain true', main.length);
      return expectBlock(res.url, blockchainInfoBlock(res.url, main[0]!), { height });
    },
    async lookup(hash) {
      const res = await fetchText(`${base}/rawblock/${hash}`, net);
      if (res.status === 404) return null;
      if (res.status !== 200) throw bad(res.url, 'HTTP 200 or 404', `HTTP ${res.status}`);
      const raw = parseJson(res);
      if (raw.main_chain !== true) return null; // Orphaned: not part of the chain.
      return expectBlock(res.url, blockchainInfoBlock(res.url, raw), { hash });
    },
  };
}

function connect(sources: ExplorerSource[], opts: NetworkOptions): Entry[] {
  const net: Net = {
    timeoutMs: opts.timeoutMs ?? 10_000,
    retries: opts.retries ?? 2,
    backoffMs: opts.backoffMs ?? 500,
    ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
    maxBytes: MAX_BYTES,
  };
  return sources.map((source) => {
    const base = source.url.replace(/\/+$/, '');
    return { source, client: source.kind === 'esplora' ? esplora(base, net) : blockchainInfo(base, net) };
  });
}

/** Runs one call per source; failures become lines for the error, bugs still throw. */
async function settle<T>(entries: Entry[], run: (e: Entry) => Promise<T>): Promise<{ ok: { entry: Entry; value: T }[]; failed: string[] }> {
  const results = await Promise.allSettled(entries.map(run));
  const ok: { entry: Entry; value: T }[] = [];
  const failed: string[] = [];
  results.forEach((result, i) => {
    const entry = entries[i] as Entry;
    if (result.status === 'fulfilled') ok.push({ entry, value: result.value });
    else if (isCandorError(result.reason)) failed.push(`${entry.source.name}: ${result.reason.code} (${describeReceived(result.reason.details.received)})`);
    else throw result.reason;
  });
  return { ok, failed };
}

function requireEnough(count: number, minSources: number, failed: string[]): void {
  if (count >= minSources) return;
  // The failures go in the summary, which is never shortened, so each one is visible.
  const summary = [`only ${count} block explorer(s) answered usefully:`, ...failed.map((f) => `  - ${f}`)].join('\n');
  throw new FreshnessError('NOT_ENOUGH_SOURCES', summary, {
    field: 'bitcoin.sources',
    expected: `at least ${minSources}`,
    received: failed,
    hint: 'check network access to the explorers, or configure more explorers',
  });
}

function targetHeight(tips: { entry: Entry; value: number }[], depth: number): number {
  const heights = tips.map((t) => t.value);
  const lowest = Math.min(...heights);
  if (Math.max(...heights) - lowest > MAX_TIP_SPREAD) {
    throw new FreshnessError('SOURCES_DISAGREE', 'the block explorers are too far apart on the chain tip', {
      field: 'bitcoin.height',
      expected: `tips within ${MAX_TIP_SPREAD} blocks`,
      received: tips.map((t) => `${t.entry.source.name}: ${t.value}`),
      hint: 'retry later; an explorer that keeps lagging should be removed',
    });
  }
  if (lowest - depth < 0) throw bad(tips[0]?.entry.source.url ?? '', `a tip of at least ${depth}`, lowest);
  return lowest - depth;
}

/** A block `depth` below the lowest tip, agreed by at least `minSources` explorers. */
export async function fetchBlockProof(opts: NetworkOptions & { sources: ExplorerSource[]; depth: number; minSources?: number }): Promise<BitcoinProof> {
  const minSources = Math.max(1, opts.minSources ?? 2);
  if (!Number.isSafeInteger(opts.depth) || opts.depth < 1) throw new RangeError(`depth must be an integer >= 1, got ${opts.depth}`);
  const entries = connect(opts.sources, opts);
  const tips = await settle(entries, (e) => e.client.tip());
  // Go on with too few tips: the blocks may still reveal a disagreement, reported first.
  if (tips.ok.length === 0) requireEnough(0, minSources, tips.failed);
  const height = targetHeight(tips.ok, opts.depth);
  const blocks = await settle(
    tips.ok.map((t) => t.entry),
    (e) => e.client.blockAt(height),
  );
  const observations = blocks.ok.map(({ entry, value }) => ({ source: entry.source.name, ...value }));
  // A disagreement may be an attack, so it outranks a shortage of answers.
  if (observations.length > 1) agreeOnBlock(observations, { minSources: 1 });
  requireEnough(blocks.ok.length, minSources, [...tips.failed, ...blocks.failed]);
  return { ...agreeOnBlock(observations, { minSources }), depth: opts.depth };
}

export type LookupResult = { found: true; height: number; time: string; sources: string[] } | { found: false; sources: string[] };

/** Whether `hash` is a main-chain block, as at least `minSources` explorers agree. */
export async function lookupBlock(hash: string, opts: NetworkOptions & { sources: ExplorerSource[]; minSources?: number }): Promise<LookupResult> {
  const minSources = Math.max(1, opts.minSources ?? 2);
  // Not a block hash, so no explorer could know it (and it must not reach a URL path).
  if (!isBlockHash(hash)) return { found: false, sources: [] };
  const answers = await settle(connect(opts.sources, opts), (e) => e.client.lookup(hash));
  const found: BlockObservation[] = [];
  for (const { entry, value } of answers.ok) if (value) found.push({ source: entry.source.name, ...value });
  const names = answers.ok.map((a) => a.entry.source.name);
  if (found.length > 0 && found.length < answers.ok.length) {
    throw new FreshnessError('SOURCES_DISAGREE', 'some explorers know the block and others do not', {
      field: 'bitcoin.hash',
      expected: 'the same answer from every source',
      received: names.map((n) => `${n}: ${found.some((f) => f.source === n) ? 'found' : 'not found'}`),
      hint: 'retry later; a block some explorers do not know may have been orphaned',
    });
  }
  if (found.length > 1) agreeOnBlock(found, { minSources: 1 });
  requireEnough(answers.ok.length, minSources, answers.failed);
  if (found.length === 0) return { found: false, sources: names };
  const agreed = agreeOnBlock(found, { minSources });
  return { found: true, height: agreed.height, time: agreed.time, sources: agreed.sources };
}
