/**
 * Generated Bitcoin headers and OpenTimestamps proofs for Candor's own documents. Real
 * mainnet headers for new documents cannot exist in a test, so these are mined at regtest
 * difficulty (nBits 0x207fffff: about one hash in two qualifies), which only a lowered
 * floor accepts: the default floor refusing them is one of the security cases.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../../src/core/ots/bytes.ts';
import { displayHash, hashValue, parseHeader, targetFromBits } from '../../src/core/ots/bitcoin.ts';
import { HEADERS_FORMAT, serializeHeaderBundle } from '../../src/core/ots/verify.ts';
import { pathTimestamp, serializeDetached } from '../../src/core/ots/timestamp.ts';
import type { Op } from '../../src/core/ots/ops.ts';
import { applyOp } from '../../src/core/ots/ops.ts';

export const EASY_BITS = 0x207fffff;
/** An nBits of mainnet in 2025 (difficulty about 1.3e14): honest headers would need real mining. */
export const MAINNET_BITS = 0x17023a04;

const sha256d = (b: Uint8Array): Uint8Array => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

/** The internal-order hash, read as a number, is at most the big-endian target. */
function atMost(hash: Uint8Array, target: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    const h = hash[31 - i]!;
    if (h !== target[i]) return h < target[i]!;
  }
  return true;
}

export interface HeaderSpec {
  prev: Uint8Array;
  merkleRoot: Uint8Array;
  time: number;
  bits?: number;
  /** false: write the header without searching for a nonce (its proof of work fails). */
  mine?: boolean;
}

/** One 80-byte header; mined until its hash meets its own target unless `mine` is false. */
export function makeHeader(spec: HeaderSpec): Uint8Array {
  const bits = spec.bits ?? EASY_BITS;
  const raw = new Uint8Array(80);
  raw.set(u32le(0x20000000), 0);
  raw.set(spec.prev, 4);
  raw.set(spec.merkleRoot, 36);
  raw.set(u32le(spec.time), 68);
  raw.set(u32le(bits), 72);
  if (spec.mine === false) return raw;
  const target = targetFromBits(bits);
  if (target === null) throw new Error(`invalid nBits ${bits.toString(16)}`);
  // The target as 32 big-endian bytes, compared with the reversed hash byte by byte.
  const want = Uint8Array.from(target.toString(16).padStart(64, '0').match(/../g)!, (h) => Number.parseInt(h, 16));
  for (let nonce = 0; nonce < 2 ** 32; nonce++) {
    raw.set(u32le(nonce), 76);
    if (atMost(sha256d(raw), want)) return raw;
  }
  throw new Error('no nonce found');
}

export interface Chain {
  start: number;
  headers: Uint8Array[];
}

/** A header exactly like `raw` but with a nonce whose hash misses the target (tampered work). */
export function unmined(raw: Uint8Array): Uint8Array {
  const out = raw.slice();
  const target = targetFromBits(new DataView(out.buffer).getUint32(72, true))!;
  for (let nonce = 1; ; nonce++) {
    out.set(u32le(new DataView(raw.buffer, raw.byteOffset).getUint32(76, true) + nonce), 76);
    if (hashValue(sha256d(out)) > target) return out;
  }
}

/**
 * `count` linked headers from height `start`; `roots` puts given merkle roots at given
 * heights (the others are random), `bits` overrides nBits at given heights.
 */
export function makeChain(opts: {
  start: number;
  count: number;
  roots?: Record<number, Uint8Array>;
  time?: number;
  bits?: number;
  /** nBits for single heights, over `bits`. */
  bitsAt?: Record<number, number>;
  prev?: Uint8Array;
}): Chain {
  const headers: Uint8Array[] = [];
  let prev = opts.prev ?? new Uint8Array(randomBytes(32));
  const time = opts.time ?? 1_795_000_000;
  for (let i = 0; i < opts.count; i++) {
    const height = opts.start + i;
    const bits = opts.bitsAt?.[height] ?? opts.bits ?? EASY_BITS;
    const raw = makeHeader({ prev, merkleRoot: opts.roots?.[height] ?? new Uint8Array(randomBytes(32)), time: time + i * 600, bits });
    headers.push(raw);
    prev = sha256d(raw);
  }
  return { start: opts.start, headers };
}

export function bundleText(chain: Chain): string {
  return serializeHeaderBundle({ format: HEADERS_FORMAT, chain: 'bitcoin', start: chain.start, headers: chain.headers.map(toHex) });
}

export function blockHash(raw: Uint8Array): string {
  return displayHash(parseHeader(raw).hash);
}

/**
 * A complete proof for `document`, as a calendar would finish it: sha256, a nonce, a
 * merkle step or two, then a Bitcoin attestation at `height`. Returns the proof and the
 * merkle root the block at `height` must carry.
 */
export function anchoredProof(document: Uint8Array, height: number): { ots: Uint8Array; merkleRoot: Uint8Array } {
  const digest = createHash('sha256').update(document).digest();
  const path: Op[] = [
    { kind: 'append', arg: new Uint8Array(randomBytes(16)) },
    { kind: 'sha256' },
    { kind: 'prepend', arg: new Uint8Array(randomBytes(32)) },
    { kind: 'sha256' },
    { kind: 'append', arg: new Uint8Array(randomBytes(32)) },
    { kind: 'sha256' },
  ];
  const msg = new Uint8Array(digest);
  const merkleRoot = path.reduce<Uint8Array>((m, op) => applyOp(op, m), msg);
  const timestamp = pathTimestamp(msg, path, { kind: 'bitcoin', height });
  return { ots: serializeDetached({ hashOp: 'sha256', timestamp }), merkleRoot };
}

/**
 * Block 800000 of the site tests' chain: a header whose hash starts with 32 zero bits, as
 * every real block hash does (a heartbeat's freshness proof names no other), at nBits
 * 0x1d00ffff (difficulty 1, below the pinned floor), time 2023-07-24T03:17:09Z. Mined once
 * (test/fixtures/ots/mined/README.md): a test cannot mine 2^32 hashes.
 */
export function minedHeader(): { raw: Uint8Array; height: number; time: number } {
  const hex = readFileSync(new URL('../fixtures/ots/mined/block-800000.hex', import.meta.url), 'utf8').trim();
  return { raw: fromHex(hex), height: 800_000, time: 1_690_168_629 };
}

export { fromHex, sha256d, toHex };
