/**
 * Offline time bounds: real headers (checked against the reference's reading of them)
 * and generated chains for Candor's own documents.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { difficulty, parseHeader, targetFromBits, displayHash, checkHeaderChain } from '../../src/core/ots/bitcoin.ts';
import { fromHex, toHex } from '../../src/core/ots/bytes.ts';
import { DEFAULT_MINIMUM_BITS, describeBounds, parseHeaderBundle, verifyTimestamp, type TimestampCheck } from '../../src/core/ots/verify.ts';
import { anchoredProof, blockHash, bundleText, EASY_BITS, makeChain, MAINNET_BITS } from '../helpers/ots-chain.ts';

const FIXTURES = new URL('../fixtures/ots/', import.meta.url);
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));
const text = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const expected = JSON.parse(text('expected.json')) as {
  headers: { file: string; height: number; hash: string; merkleRoot: string; time: number; bits: number; difficulty: number }[];
  verify: { 'hello-world': { height: number; time: number } };
  upgrade: { file: string; verified: { height: number; time: number } };
};
/** The floor of 2015: difficulty 1 (the real headers here are older than Candor's floor). */
const ERA_FLOOR = 0x1d00ffff;
const codes = (check: TimestampCheck): string[] => (check.ok ? [] : check.problems.map((p) => p.code));
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000', '');

describe('block headers, as python-bitcoinlib reads them', () => {
  for (const want of expected.headers) {
    it(`${want.file}: hash, merkle root, time, nBits, difficulty`, () => {
      const bundle = JSON.parse(text(want.file)) as { headers: string[] };
      const header = parseHeader(fromHex(bundle.headers[0]!));
      expect(displayHash(header.hash)).toBe(want.hash);
      expect(toHex(header.merkleRoot)).toBe(want.merkleRoot);
      expect(header.time).toBe(want.time);
      expect(header.bits).toBe(want.bits);
      expect(difficulty(header.bits)).toBeCloseTo(want.difficulty, 0);
      expect(checkHeaderChain([header], ERA_FLOOR)).toEqual([]);
    });
  }

  it('decodes compact targets like Bitcoin Core (SetCompact), refusing negative, zero and overflow', () => {
    expect(targetFromBits(0x1d00ffff)).toBe(0xffffn << 208n);
    expect(targetFromBits(0x207fffff)).toBe(0x7fffffn << 232n);
    expect(targetFromBits(0x03123456)).toBe(0x123456n);
    expect(targetFromBits(0x02123456)).toBe(0x1234n);
    expect(targetFromBits(0x04923456)).toBeNull(); // sign bit
    expect(targetFromBits(0x1d000000)).toBeNull();
    expect(targetFromBits(0xff123456)).toBeNull();
    expect(difficulty(DEFAULT_MINIMUM_BITS)).toBeGreaterThan(1.7e13);
    expect(difficulty(MAINNET_BITS)).toBeGreaterThan(difficulty(DEFAULT_MINIMUM_BITS));
  });
});

describe('the reference’s examples, verified offline', () => {
  it('hello-world.txt.ots: existed by block 358391, the time the reference reads', () => {
    const check = verifyTimestamp(
      { document: file('client/hello-world.txt'), ots: file('client/hello-world.txt.ots'), headers: text('recorded/block-358391.ots-headers') },
      { minimumBits: ERA_FLOOR },
    );
    const want = expected.verify['hello-world'];
    expect(check).toEqual({ ok: true, bounds: { notAfter: { height: want.height, hash: expected.headers[0]!.hash, time: iso(want.time) } } });
    expect(check.ok && describeBounds(check.bounds)).toBe('existed by block 358391 (2015-05-28T15:41:18Z)');
  });

  it('incomplete.txt.ots upgraded with the recorded calendar answer: block 428648', () => {
    const check = verifyTimestamp(
      { document: file('client/incomplete.txt'), ots: file(expected.upgrade.file), headers: text('recorded/block-428648.ots-headers') },
      { minimumBits: ERA_FLOOR },
    );
    expect(check.ok && check.bounds.notAfter).toEqual({ height: 428648, hash: expected.headers[1]!.hash, time: iso(expected.upgrade.verified.time) });
  });

  it('bad-stamp.txt.ots names block 358391 but not its merkle root', () => {
    const check = verifyTimestamp(
      { document: file('client/bad-stamp.txt'), ots: file('client/bad-stamp.txt.ots'), headers: text('recorded/block-358391.ots-headers') },
      { minimumBits: ERA_FLOOR },
    );
    expect(codes(check)).toEqual(['OTS_MERKLE_MISMATCH']);
  });

  it('a pending-only proof has no bound yet; a sha1 file hash is not accepted for Candor', () => {
    const pending = verifyTimestamp(
      { document: file('client/incomplete.txt'), ots: file('client/incomplete.txt.ots'), headers: text('recorded/block-428648.ots-headers') },
      { minimumBits: ERA_FLOOR },
    );
    expect(codes(pending)).toEqual(['OTS_NO_BITCOIN_ATTESTATION']);
    const sha1 = verifyTimestamp(
      { document: file('client/sha1/a'), ots: file('client/sha1/a-or-b.ots'), headers: text('recorded/block-358391.ots-headers') },
      { minimumBits: ERA_FLOOR },
    );
    expect(codes(sha1)).toContain('OTS_DIGEST_NOT_SHA256');
  });

  it('the default floor refuses 2015’s difficulty', () => {
    const check = verifyTimestamp({
      document: file('client/hello-world.txt'),
      ots: file('client/hello-world.txt.ots'),
      headers: text('recorded/block-358391.ots-headers'),
    });
    expect(codes(check)).toEqual(['OTS_HEADER_DIFFICULTY_TOO_LOW']);
  });
});

describe('Candor documents on a generated chain', () => {
  const document = new TextEncoder().encode('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nheartbeat 7\n');
  const { ots, merkleRoot } = anchoredProof(document, 900_012);
  const chain = makeChain({ start: 900_000, count: 14, roots: { 900_012: merkleRoot } });
  const headers = bundleText(chain);
  const freshness = { height: 900_000, hash: blockHash(chain.headers[0]!) };

  it('issued between the freshness block and the anchoring block', () => {
    const check = verifyTimestamp({ document, ots, headers, freshness }, { minimumBits: EASY_BITS });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.bounds.notBefore).toEqual({ height: 900_000, hash: freshness.hash, time: iso(1_795_000_000) });
    expect(check.bounds.notAfter).toEqual({ height: 900_012, hash: blockHash(chain.headers[12]!), time: iso(1_795_000_000 + 12 * 600) });
    expect(describeBounds(check.bounds)).toBe('issued between block 900000 (2026-11-18T11:06:40Z) and block 900012 (2026-11-18T13:06:40Z)');
  });

  it('headers after the anchoring block are allowed and checked too', () => {
    const broken = { ...chain, headers: [...chain.headers, fromHex('00'.repeat(80))] };
    expect(codes(verifyTimestamp({ document, ots, headers: bundleText(broken), freshness }, { minimumBits: EASY_BITS }))).toEqual(
      expect.arrayContaining(['OTS_HEADER_CHAIN_BROKEN']),
    );
  });

  it('a bundle that does not start at the freshness block is refused', () => {
    const later = { start: 900_001, headers: chain.headers.slice(1) };
    const check = verifyTimestamp({ document, ots, headers: bundleText(later), freshness }, { minimumBits: EASY_BITS });
    expect(codes(check)).toEqual(['OTS_FRESHNESS_MISMATCH']);
    const wrongHash = verifyTimestamp({ document, ots, headers, freshness: { height: 900_000, hash: '00'.repeat(32) } }, { minimumBits: EASY_BITS });
    expect(codes(wrongHash)).toEqual(['OTS_FRESHNESS_MISMATCH']);
  });

  it('an anchor outside the bundle is reported as such', () => {
    const short = { start: 900_000, headers: chain.headers.slice(0, 10) };
    expect(codes(verifyTimestamp({ document, ots, headers: bundleText(short), freshness }, { minimumBits: EASY_BITS }))).toEqual([
      'OTS_ATTESTATION_NOT_IN_HEADERS',
    ]);
  });

  it('without a freshness block: existed by the anchoring block', () => {
    const check = verifyTimestamp({ document, ots, headers }, { minimumBits: EASY_BITS });
    expect(check.ok && check.bounds.notBefore).toBeUndefined();
    expect(check.ok && check.bounds.notAfter.height).toBe(900_012);
  });

  it('reports every problem at once: wrong document, unreadable bundle', () => {
    const check = verifyTimestamp({ document: new Uint8Array([1]), ots, headers: '{"format":"x"}' });
    expect(codes(check)).toEqual(expect.arrayContaining(['OTS_WRONG_DOCUMENT', 'OTS_HEADERS_MALFORMED']));
    expect(codes(verifyTimestamp({ document, ots: new Uint8Array([1, 2, 3]), headers }, { minimumBits: EASY_BITS }))).toEqual(['OTS_MALFORMED']);
  });

  it('an oversized proof or bundle is refused before it is read', () => {
    const huge = new Uint8Array(64 * 1024);
    expect(codes(verifyTimestamp({ document, ots: huge, headers }, { minimumBits: EASY_BITS }))).toEqual(['OTS_MALFORMED']);
    expect(parseHeaderBundle(' '.repeat(400_000)).ok).toBe(false);
  });

  it('header bundles: strict shape', () => {
    const good = JSON.parse(headers) as Record<string, unknown>;
    expect(parseHeaderBundle(headers).ok).toBe(true);
    for (const bad of [
      { ...good, extra: 1 },
      { ...good, start: -1 },
      { ...good, headers: [] },
      { ...good, headers: ['AB'.repeat(80)] },
      { ...good, chain: 'litecoin' },
    ]) {
      expect(parseHeaderBundle(JSON.stringify(bad)).ok).toBe(false);
    }
    expect(parseHeaderBundle('not json').ok).toBe(false);
  });
});
