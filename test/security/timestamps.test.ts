/**
 * Attacks on the upper-bound timestamp (issue 15, item 6): each case tampers one artefact
 * of a genuine proof bundle (the document, the .ots, or the headers) and the offline
 * verifier must refuse it with its own code. A proof that only "matches a supplied
 * header" is never a success: the header's proof of work and the pinned floor decide.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MINIMUM_BITS, verifyTimestamp, type TimestampCheck, type TimestampInput } from '../../src/core/ots/verify.ts';
import { anchoredProof, blockHash, bundleText, EASY_BITS, makeChain, makeHeader, MAINNET_BITS, unmined } from '../helpers/ots-chain.ts';

const codes = (check: TimestampCheck): string[] => (check.ok ? [] : check.problems.map((p) => p.code));
/** Harder than regtest, still mined in milliseconds: a floor the easy header falls below. */
const TEST_FLOOR = 0x2000ffff;

const document = new TextEncoder().encode('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nCandor heartbeat 12\n');
const ANCHOR = 800_010;
const { ots, merkleRoot } = anchoredProof(document, ANCHOR);
const chain = makeChain({ start: 800_000, count: 11, roots: { [ANCHOR]: merkleRoot }, bits: TEST_FLOOR });
const genuine: TimestampInput = { document, ots, headers: bundleText(chain), freshness: { height: 800_000, hash: blockHash(chain.headers[0]!) } };
const run = (input: Partial<TimestampInput>, minimumBits = TEST_FLOOR): TimestampCheck => verifyTimestamp({ ...genuine, ...input }, { minimumBits });
const withHeaders = (headers: Uint8Array[]): Partial<TimestampInput> => ({ headers: bundleText({ start: chain.start, headers }) });

describe('the genuine bundle', () => {
  it('verifies: issued between the freshness block and block 800010', () => {
    const check = run({});
    expect(check.ok && [check.bounds.notBefore?.height, check.bounds.notAfter.height]).toEqual([800_000, ANCHOR]);
  });
});

describe('attacks', () => {
  it('the anchoring header with its nonce changed: fails its own proof of work', () => {
    const headers = [...chain.headers.slice(0, -1), unmined(chain.headers.at(-1)!)];
    expect(codes(run(withHeaders(headers)))).toEqual(['OTS_HEADER_POW_INVALID']);
  });

  it('a header written to "match" the proof, claiming mainnet difficulty, never mined: not a success', () => {
    const forged = makeHeader({ prev: new Uint8Array(32), merkleRoot, time: 1_795_000_000, bits: MAINNET_BITS, mine: false });
    const check = verifyTimestamp({ document, ots, headers: bundleText({ start: ANCHOR, headers: [forged] }) }, { minimumBits: DEFAULT_MINIMUM_BITS });
    expect(codes(check)).toEqual(['OTS_HEADER_POW_INVALID']);
  });

  it('the proof checked against another document (the previous heartbeat): OTS for another document', () => {
    const other = new TextEncoder().encode('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nCandor heartbeat 11\n');
    expect(codes(run({ document: other }))).toEqual(['OTS_WRONG_DOCUMENT']);
  });

  it('a header replaced by one mined on another parent: the chain is broken', () => {
    const headers = chain.headers.slice();
    headers[5] = makeHeader({ prev: new Uint8Array(32).fill(7), merkleRoot: new Uint8Array(32).fill(5), time: 1_795_003_000, bits: TEST_FLOOR });
    const found = codes(run(withHeaders(headers)));
    expect(new Set(found)).toEqual(new Set(['OTS_HEADER_CHAIN_BROKEN']));
  });

  it('the anchoring header mined at an nBits easier than the pinned minimum', () => {
    const easy = makeChain({
      start: 800_000,
      count: 11,
      roots: { [ANCHOR]: merkleRoot },
      bits: TEST_FLOOR,
      bitsAt: { [ANCHOR]: EASY_BITS },
      prev: chain.headers[0]!.slice(4, 36),
    });
    const input = { headers: bundleText(easy), freshness: { height: 800_000, hash: blockHash(easy.headers[0]!) } };
    expect(codes(run(input))).toEqual(['OTS_HEADER_DIFFICULTY_TOO_LOW']);
  });

  it('a whole chain at regtest difficulty against the default (mainnet) floor', () => {
    expect(new Set(codes(run({}, DEFAULT_MINIMUM_BITS)))).toEqual(new Set(['OTS_HEADER_DIFFICULTY_TOO_LOW']));
  });

  it('a bundle started at a later block than the freshness block (a moved lower bound)', () => {
    const later = bundleText({ start: 800_001, headers: chain.headers.slice(1) });
    expect(codes(run({ headers: later }))).toEqual(['OTS_FRESHNESS_MISMATCH']);
  });

  it('the reference client’s bad-stamp.txt.ots: names the real block 358391, commits to another root', () => {
    const fixtures = new URL('../fixtures/ots/', import.meta.url);
    const read = (n: string) => new Uint8Array(readFileSync(new URL(n, fixtures)));
    const check = verifyTimestamp(
      {
        document: read('client/bad-stamp.txt'),
        ots: read('client/bad-stamp.txt.ots'),
        headers: readFileSync(new URL('recorded/block-358391.ots-headers', fixtures), 'utf8'),
      },
      { minimumBits: 0x1d00ffff },
    );
    expect(codes(check)).toEqual(['OTS_MERKLE_MISMATCH']);
  });
});
