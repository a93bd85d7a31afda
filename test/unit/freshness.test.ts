import { describe, it, expect } from 'vitest';
import { FreshnessError } from '../../src/core/errors.ts';
import {
  agreeOnBlock,
  checkFreshnessShape,
  checkFreshnessTimes,
  isIsoUtc,
  toIsoUtc,
  type BlockObservation,
  type FreshnessProof,
} from '../../src/core/freshness.ts';

const HASH = '00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054';
const OTHER = '0000000000000000000355a3c4d1e7a0b2f6d9e8c7b5a4f3e2d1c0b9a8f7e6d5';
const BLOCK_TIME = '2023-07-24T03:17:09Z';

const bitcoin = { chain: 'bitcoin', height: 800000, hash: HASH, depth: 10, time: BLOCK_TIME, sources: ['mempool.space', 'blockchain.info'] };
const headline = { source: 'BBC News', title: 'A headline', url: 'https://www.bbc.com/news/articles/x', published: '2023-07-24T02:00:00Z' };
const proof = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ bitcoin: { ...bitcoin, ...over } });
const codes = (problems: { code: string }[]): string[] => problems.map((p) => p.code);
const shape = (value: unknown, required = true): string[] => codes(checkFreshnessShape(value, { required }));

describe('checkFreshnessShape', () => {
  it('accepts a complete proof, with or without headlines', () => {
    expect(shape(proof())).toEqual([]);
    expect(shape({ ...proof(), headlines: [headline] })).toEqual([]);
  });

  it('reports a missing proof only when one is required', () => {
    expect(shape(undefined)).toEqual(['FRESHNESS_MISSING']);
    expect(shape(null)).toEqual(['FRESHNESS_MISSING']);
    expect(shape(undefined, false)).toEqual([]);
    expect(shape({}, false)).toEqual([]);
  });

  it('requires the block: headlines alone cannot be checked later', () => {
    expect(shape({ headlines: [headline] })).toEqual(['FRESHNESS_MISSING']);
  });

  it('refuses a height without a hash: a height is predictable', () => {
    const { hash: _hash, ...heightOnly } = bitcoin;
    expect(shape({ bitcoin: heightOnly })).toEqual(['FRESHNESS_MALFORMED']);
  });

  it.each([
    ['uppercase hash', { hash: HASH.toUpperCase() }],
    ['short hash', { hash: HASH.slice(0, 63) }],
    ['hash with only 7 leading zeros', { hash: `0000000a${HASH.slice(8)}` }],
    ['hash without proof of work', { hash: `f${HASH.slice(1)}` }],
    ['negative height', { height: -1 }],
    ['fractional height', { height: 800000.5 }],
    ['height as text', { height: '800000' }],
    ['depth 0', { depth: 0 }],
    ['another chain', { chain: 'litecoin' }],
    ['time with offset', { time: '2023-07-24T05:17:09+02:00' }],
    ['time with milliseconds', { time: '2023-07-24T03:17:09.000Z' }],
    ['impossible date', { time: '2023-02-30T03:17:09Z' }],
    ['no sources', { sources: [] }],
    ['blank source name', { sources: [' '] }],
    ['unknown property', { note: 'hi' }],
  ])('refuses %s', (_label, over) => {
    expect(shape(proof(over))).toEqual(['FRESHNESS_MALFORMED']);
  });

  it('accepts height 0 and depth 1, the lowest legal values', () => {
    expect(shape(proof({ height: 0, depth: 1 }))).toEqual([]);
  });

  it.each([
    ['empty title', { title: '' }],
    ['blank source', { source: '  ' }],
    ['non-http url', { url: 'javascript:alert(1)' }],
    ['relative url', { url: '/news/x' }],
    ['RFC 822 date', { published: 'Mon, 24 Jul 2023 02:00:00 GMT' }],
    ['unknown property', { summary: 'x' }],
  ])('refuses a headline with %s', (_label, over) => {
    expect(shape({ ...proof(), headlines: [{ ...headline, ...over }] })).toEqual(['FRESHNESS_MALFORMED']);
  });

  it('refuses an empty headline list, non-objects and unknown top-level properties', () => {
    expect(shape({ ...proof(), headlines: [] })).toEqual(['FRESHNESS_MALFORMED']);
    expect(shape('00000000')).toEqual(['FRESHNESS_MALFORMED']);
    expect(shape([bitcoin])).toEqual(['FRESHNESS_MALFORMED']);
    expect(shape({ ...proof(), monero: {} })).toEqual(['FRESHNESS_MALFORMED']);
  });

  it('names the field in the message', () => {
    expect(checkFreshnessShape(proof({ depth: 0 }), { required: true })[0]?.message).toContain('bitcoin.depth');
  });
});

describe('checkFreshnessTimes', () => {
  const at = (iso: string): Date => new Date(iso);
  const times = (p: FreshnessProof, issued: string): string[] =>
    codes(checkFreshnessTimes(p, { issued: at(issued), maxBlockAgeHours: 2, headlineMaxAgeHours: 48 }));
  const withBlock = (time: string): FreshnessProof => ({ bitcoin: { ...bitcoin, chain: 'bitcoin', time } });
  const withHeadline = (published: string): FreshnessProof => ({ headlines: [{ ...headline, published }] });

  it('accepts a block exactly at the issue time, refuses one a second later', () => {
    expect(times(withBlock('2023-07-24T03:17:09Z'), '2023-07-24T03:17:09Z')).toEqual([]);
    expect(times(withBlock('2023-07-24T03:17:10Z'), '2023-07-24T03:17:09Z')).toEqual(['FRESHNESS_BLOCK_TOO_NEW']);
  });

  it('accepts a block exactly at the edge of the window, refuses one a second older', () => {
    expect(times(withBlock('2023-07-24T01:17:09Z'), '2023-07-24T03:17:09Z')).toEqual([]);
    expect(times(withBlock('2023-07-24T01:17:08Z'), '2023-07-24T03:17:09Z')).toEqual(['FRESHNESS_BLOCK_TOO_OLD']);
  });

  it('applies the headline window to each headline', () => {
    expect(times(withHeadline('2023-07-24T03:17:09Z'), '2023-07-24T03:17:09Z')).toEqual([]);
    expect(times(withHeadline('2023-07-24T03:17:10Z'), '2023-07-24T03:17:09Z')).toEqual(['FRESHNESS_HEADLINE_TOO_NEW']);
    expect(times(withHeadline('2023-07-22T03:17:09Z'), '2023-07-24T03:17:09Z')).toEqual([]);
    expect(times(withHeadline('2023-07-22T03:17:08Z'), '2023-07-24T03:17:09Z')).toEqual(['FRESHNESS_HEADLINE_TOO_OLD']);
  });

  it('reports every bad item, and nothing for an empty proof', () => {
    const p: FreshnessProof = { ...withBlock('2023-07-25T00:00:00Z'), headlines: [{ ...headline, published: '2020-01-01T00:00:00Z' }, headline] };
    expect(times(p, '2023-07-24T03:17:09Z')).toEqual(['FRESHNESS_BLOCK_TOO_NEW', 'FRESHNESS_HEADLINE_TOO_OLD']);
    expect(times({}, '2023-07-24T03:17:09Z')).toEqual([]);
  });
});

describe('agreeOnBlock', () => {
  const seen = (source: string, over: Partial<BlockObservation> = {}): BlockObservation => ({ source, height: 800000, hash: HASH, time: BLOCK_TIME, ...over });
  const failure = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(FreshnessError);
      return (error as FreshnessError).code;
    }
    return undefined;
  };

  it('returns the block and the sources that agree', () => {
    expect(agreeOnBlock([seen('a'), seen('b'), seen('c')], { minSources: 2 })).toEqual({
      chain: 'bitcoin',
      height: 800000,
      hash: HASH,
      time: BLOCK_TIME,
      sources: ['a', 'b', 'c'],
    });
  });

  it('accepts exactly minSources, refuses one fewer', () => {
    expect(agreeOnBlock([seen('a'), seen('b')], { minSources: 2 }).sources).toEqual(['a', 'b']);
    expect(failure(() => agreeOnBlock([seen('a')], { minSources: 2 }))).toBe('NOT_ENOUGH_SOURCES');
    expect(failure(() => agreeOnBlock([], { minSources: 1 }))).toBe('NOT_ENOUGH_SOURCES');
  });

  it('counts one source asked twice as one witness', () => {
    expect(failure(() => agreeOnBlock([seen('a'), seen('a')], { minSources: 2 }))).toBe('NOT_ENOUGH_SOURCES');
  });

  it.each([
    ['hash', { hash: OTHER }],
    ['height', { height: 800001 }],
    ['time', { time: '2023-07-24T03:17:10Z' }],
  ])('never settles a different %s by majority', (_label, over) => {
    expect(failure(() => agreeOnBlock([seen('a'), seen('b'), seen('c', over)], { minSources: 2 }))).toBe('SOURCES_DISAGREE');
    expect(failure(() => agreeOnBlock([seen('a'), seen('c', over)], { minSources: 1 }))).toBe('SOURCES_DISAGREE');
  });
});

describe('ISO helpers', () => {
  it('formats whole seconds in UTC and rejects other forms', () => {
    expect(toIsoUtc(new Date(1690168629_000))).toBe(BLOCK_TIME);
    expect(toIsoUtc(new Date(1690168629_999))).toBe(BLOCK_TIME);
    expect(isIsoUtc(BLOCK_TIME)).toBe(true);
    expect(isIsoUtc('2023-07-24 03:17:09Z')).toBe(false);
    expect(isIsoUtc('2023-13-01T00:00:00Z')).toBe(false);
  });
});
