/**
 * The raw 80-byte headers of a run of blocks, from esplora explorers (mempool.space,
 * blockstream.info): `GET /block-height/:h` gives the hash, `GET /block/:hash/header` the
 * header in hex. An explorer is trusted for nothing: each header must hash to the hash it
 * was listed under and link to the one before, and the bundle is verified (proof of work,
 * pinned floor) before anyone writes it.
 */
import { TimestampError } from '../core/ots/errors.ts';
import { displayHash, parseHeader, type BlockHeader } from '../core/ots/bitcoin.ts';
import { bytesEqual, fromHex } from '../core/ots/bytes.ts';
import { MAX_BUNDLE_HEADERS } from '../core/ots/verify.ts';
import { describeReceived, isCandorError } from '../core/errors.ts';
import type { ExplorerSource } from './explorers.ts';
import { fetchText } from './http.ts';

export interface HeaderFetchOptions {
  sources: ExplorerSource[];
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const HASH = /^[0-9a-f]{64}$/;
const HEADER = /^[0-9a-f]{160}$/;

async function getText(url: string, opts: HeaderFetchOptions): Promise<string> {
  const res = await fetchText(url, {
    timeoutMs: opts.timeoutMs ?? 10_000,
    retries: 2,
    backoffMs: 300,
    maxBytes: 4096,
    ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
  });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text.trim();
}

async function headerAt(base: string, height: number, opts: HeaderFetchOptions): Promise<BlockHeader> {
  const hash = await getText(`${base}/block-height/${height}`, opts);
  if (!HASH.test(hash)) throw new Error(`${base}/block-height/${height}: not a block hash: ${describeReceived(hash.slice(0, 80))}`);
  const hex = await getText(`${base}/block/${hash}/header`, opts);
  if (!HEADER.test(hex)) throw new Error(`${base}/block/${hash}/header: not an 80-byte header in hex`);
  const header = parseHeader(fromHex(hex));
  if (displayHash(header.hash) !== hash)
    throw new Error(`${base}/block/${hash}/header: the header hashes to ${displayHash(header.hash)}, not to the block it was asked for`);
  return header;
}

async function fromSource(source: ExplorerSource, from: number, to: number, opts: HeaderFetchOptions): Promise<BlockHeader[]> {
  const base = source.url.replace(/\/+$/, '');
  const headers: BlockHeader[] = [];
  for (let h = from; h <= to; h++) {
    const header = await headerAt(base, h, opts);
    const previous = headers.at(-1);
    if (previous && !bytesEqual(header.prevHash, previous.hash)) throw new Error(`${base}: block ${h} does not follow block ${h - 1}`);
    headers.push(header);
  }
  return headers;
}

/** Headers `from`..`to`, both included, from the first esplora explorer that gives all of them consistently. */
export async function fetchHeaders(from: number, to: number, opts: HeaderFetchOptions): Promise<BlockHeader[]> {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from || to - from + 1 > MAX_BUNDLE_HEADERS) {
    throw new TimestampError('HEADERS_FAILED', 'the blocks to fetch are not a usable range', {
      expected: `heights from <= to, at most ${MAX_BUNDLE_HEADERS} blocks`,
      received: `${from}..${to}`,
      hint: 'A heartbeat older than about two weeks cannot get a header bundle; stamp heartbeats the day they are issued.',
    });
  }
  const esplora = opts.sources.filter((s) => s.kind === 'esplora');
  const failures: string[] = [];
  for (const source of esplora) {
    try {
      return await fromSource(source, from, to, opts);
    } catch (error) {
      failures.push(`${source.name}: ${isCandorError(error) ? `${error.code} ${error.summary}` : (error as Error).message}`);
    }
  }
  throw new TimestampError('HEADERS_FAILED', 'no explorer gave the block headers', {
    expected: `headers of blocks ${from}–${to} from an esplora explorer`,
    received: esplora.length > 0 ? failures : 'no explorer of kind esplora configured',
    hint: 'Check network access, or add an esplora explorer (canary.yml freshness.bitcoin.sources, or --explorer esplora=URL).',
  });
}
