/**
 * Properties of the witness's check (src/core/witness/check.ts) over random trees: an
 * honest log is cosigned at every size it grows to, reading only the tiles tilesToCheck
 * names; a log that rewrote any entry the witness had cosigned is refused as a fork at
 * every size from there on; one smaller than the cosigned size as a rollback. The record
 * moves only on a cosignature.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COSIGNATURE_V1, signerFromSeed } from '../../src/core/tlog/note.ts';
import { tilePath } from '../../src/core/tlog/tiles.ts';
import { checkLog, tilesToCheck, type StoredRecord } from '../../src/core/witness/check.ts';
import { WitnessError } from '../../src/core/witness/errors.ts';
import { testLog, type TestLog } from '../helpers/witness-site.ts';

const ORIGIN = 'prop.example/canary/log';
const witness = signerFromSeed('witness.example/p', new Uint8Array(32).fill(8), COSIGNATURE_V1);
const key = testLog(ORIGIN, 0).key;

/** Checks `log` against `record`, serving only the tiles tilesToCheck names. */
function check(log: TestLog, record: StoredRecord | null): StoredRecord | string {
  const all = log.files();
  const wanted = new Set(record && log.tree.size < record.size ? [] : tilesToCheck(record?.size ?? 0, log.tree.size).map(tilePath));
  try {
    return checkLog({
      log: { origin: ORIGIN, key },
      url: 'http://prop.example/canary/log/checkpoint',
      signed: log.checkpoint(),
      record,
      tiles: (t) => (wanted.has(tilePath(t)) ? new Uint8Array(all.get(tilePath(t)) ?? []) : new Uint8Array(0)),
      witness,
      now: 1_800_000_000,
    }).record;
  } catch (error) {
    if (error instanceof WitnessError) return error.code;
    throw error;
  }
}

const sizes = fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 5 }).map((a) => [...a].sort((x, y) => x - y));

describe('witness check (properties)', () => {
  it('cosigns an honest log at every size it grows to', () => {
    fc.assert(
      fc.property(sizes, (grown) => {
        let record: StoredRecord | null = null;
        for (const size of grown) {
          const next = check(testLog(ORIGIN, size), record);
          if (typeof next === 'string') throw new Error(`${next} at ${size} after ${record?.size ?? 0}`);
          expect(next.size).toBe(size);
          record = next;
        }
      }),
      { numRuns: 25 },
    );
  });

  it('refuses, as a fork, any later tree that rewrote an entry it cosigned; as a rollback, any smaller one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.nat(), fc.integer({ min: 0, max: 300 }), fc.nat(), (cosigned, at, extra, smaller) => {
        const record = check(testLog(ORIGIN, cosigned), null);
        if (typeof record === 'string') throw new Error(record);
        const rewrite = { at: at % cosigned, text: 'rewritten\n' };
        expect(check(testLog(ORIGIN, cosigned + extra, { rewrite }), record)).toBe('LOG_FORK');
        expect(check(testLog(ORIGIN, smaller % cosigned), record)).toBe('LOG_ROLLBACK');
      }),
      { numRuns: 25 },
    );
  });
});
