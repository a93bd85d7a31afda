/** canonicalJson is a fixed point: re-parsing and re-serialising canonical JSON changes nothing. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical.ts';
import { attestationData } from './arbitraries.ts';

describe('canonicalJson', () => {
  it('is stable for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (x) => {
        const once = canonicalJson(x);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('is stable for JSON values with any Unicode strings (lone surrogates included)', () => {
    const unit = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: unit }), (x) => {
        const once = canonicalJson(x);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
      { numRuns: 300 },
    );
  });

  it('is stable for canary data', () => {
    fc.assert(
      fc.property(attestationData, (d) => {
        const once = canonicalJson(d);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 100 },
    );
  });
});
