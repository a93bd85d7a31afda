/**
 * The witness's check mode, decided (src/core/witness/check.ts) and its configuration
 * (config.ts): which tiles it reads, the first cosignature, growth across tile levels,
 * and each refusal by its code: fork (same size, larger size), rollback, bad signature,
 * tiles that do not match the signed root, another log; records that cannot be used.
 */
import { describe, expect, it } from 'vitest';
import { readCosignatures } from '../../src/core/tlog/cosignature.ts';
import { COSIGNATURE_V1, formatVerifierKey, signerFromSeed } from '../../src/core/tlog/note.ts';
import { tilePath, type TileId } from '../../src/core/tlog/tiles.ts';
import { checkLog, formatRecord, parseRecord, tilesToCheck, type StoredRecord } from '../../src/core/witness/check.ts';
import { parseWitnessConfig, siteLogUrl, witnessList } from '../../src/core/witness/config.ts';
import { WitnessError } from '../../src/core/witness/errors.ts';
import { testLog, type TestLog } from '../helpers/witness-site.ts';

const ORIGIN = 'candor.example/canary/log';
const witness = signerFromSeed('witness.example/w1', new Uint8Array(32).fill(5), COSIGNATURE_V1);
const NOW = 1_796_300_000;

function run(log: TestLog, record: StoredRecord | null, files = log.files()) {
  const honest = testLog(ORIGIN, 0);
  return checkLog({
    log: { origin: ORIGIN, key: honest.key },
    url: 'http://site.example/canary/log/checkpoint',
    signed: log.checkpoint(),
    record,
    tiles: (t: TileId) => new Uint8Array(files.get(tilePath(t)) ?? new Uint8Array(0)),
    witness,
    now: NOW,
  });
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WitnessError) return error.code;
    throw error;
  }
  return 'cosigned';
}

describe('tilesToCheck', () => {
  it('names the tiles of the root alone on a first check, and those of the proof as the log grows', () => {
    expect(tilesToCheck(0, 5).map(tilePath)).toEqual(['tile/0/000.p/5']);
    expect(tilesToCheck(0, 0)).toEqual([]);
    expect(tilesToCheck(5, 300).map(tilePath).sort()).toEqual(['tile/0/000', 'tile/0/001.p/44', 'tile/1/000.p/1']);
  });

  it('reads exactly those tiles (every other tile is refused by the source)', () => {
    const log = testLog(ORIGIN, 70_000);
    const first = run(testLog(ORIGIN, 1_000), null).record;
    const wanted = new Set(tilesToCheck(1_000, 70_000).map(tilePath));
    const files = new Map([...log.files()].filter(([p]) => wanted.has(p)));
    expect(files.size).toBe(wanted.size);
    expect(run(log, first, files).record.size).toBe(70_000);
  });
});

describe('checkLog', () => {
  const first = () => run(testLog(ORIGIN, 5), null);

  it('cosigns the first checkpoint it sees; the line verifies on the checkpoint and the record is its tree', () => {
    const r = first();
    expect(r.previousSize).toBe(0);
    expect(r.record).toMatchObject({ origin: ORIGIN, size: 5, time: NOW });
    const cosigned = readCosignatures(r.cosigned, [witness]);
    expect(typeof cosigned === 'string' ? cosigned : cosigned.cosignatures.map((c) => c.timestamp)).toEqual([NOW]);
    expect(r.record.checkpoint).toBe(r.cosigned);
  });

  it('served its own earlier cosignature back (the log attached it), it replaces that line rather than adding one', () => {
    const earlier = first();
    const log = testLog(ORIGIN, 5);
    const again = checkLog({
      log: { origin: ORIGIN, key: log.key },
      url: 'http://site.example/canary/log/checkpoint',
      signed: earlier.cosigned,
      record: earlier.record,
      tiles: (t: TileId) => new Uint8Array(log.files().get(tilePath(t)) ?? new Uint8Array(0)),
      witness,
      now: NOW + 60,
    });
    expect(again.cosigned.split('\n').filter((l) => l.startsWith('— '))).toHaveLength(2);
    const read = readCosignatures(again.cosigned, [witness]);
    expect(typeof read === 'string' ? read : read.cosignatures.map((c) => c.timestamp)).toEqual([NOW + 60]);
  });

  it('cosigns growth 5 → 300 → 300 (the same checkpoint again) → 70,000', () => {
    let record = first().record;
    for (const size of [300, 300, 70_000]) {
      const r = run(testLog(ORIGIN, size), record);
      expect([r.previousSize, r.record.size]).toEqual([record.size, size]);
      record = r.record;
    }
  });

  it('refuses a fork: another root at the size it cosigned, or a larger tree that rewrote an entry it saw', () => {
    const record = run(testLog(ORIGIN, 300), null).record;
    expect(refusal(() => run(testLog(ORIGIN, 300, { rewrite: { at: 10, text: 'x' } }), record))).toBe('LOG_FORK');
    expect(refusal(() => run(testLog(ORIGIN, 301, { rewrite: { at: 299, text: 'x' } }), record))).toBe('LOG_FORK');
    expect(refusal(() => run(testLog(ORIGIN, 301, { rewrite: { at: 300, text: 'x' } }), record))).toBe('cosigned');
  });

  it('refuses a rollback, a checkpoint by another key, tiles that do not hash to the root, another log', () => {
    const record = run(testLog(ORIGIN, 300), null).record;
    expect(refusal(() => run(testLog(ORIGIN, 299), record))).toBe('LOG_ROLLBACK');
    expect(refusal(() => run(testLog(ORIGIN, 301, { seed: 4 }), record))).toBe('LOG_SIGNATURE_INVALID');
    const altered = testLog(ORIGIN, 310).files();
    const tile = Buffer.from(altered.get('tile/0/001.p/54')!);
    tile[40] = tile[40]! ^ 1;
    altered.set('tile/0/001.p/54', tile);
    expect(refusal(() => run(testLog(ORIGIN, 310), record, altered))).toBe('LOG_TILES_INVALID');
    const short = testLog(ORIGIN, 310).files();
    short.set('tile/0/001.p/54', Buffer.alloc(10));
    expect(refusal(() => run(testLog(ORIGIN, 310), record, short))).toBe('LOG_TILES_INVALID');
    expect(refusal(() => run(testLog('other.example/log', 3), null))).toBe('LOG_NOT_WITNESSED');
  });
});

describe('records', () => {
  it('round-trips, and refuses a record of another log, a bad root or no JSON', () => {
    const record = run(testLog(ORIGIN, 5), null).record;
    expect(parseRecord(formatRecord(record), ORIGIN)).toEqual(record);
    expect(typeof parseRecord(formatRecord(record), 'other.example/log')).toBe('string');
    expect(typeof parseRecord(formatRecord(record).replace(/"root": "[^"]+"/, '"root": "AAAA"'), ORIGIN)).toBe('string');
    expect(typeof parseRecord('{', ORIGIN)).toBe('string');
  });
});

describe('configuration', () => {
  const vkey = formatVerifierKey(testLog(ORIGIN, 0).key);

  it('reads witness.yml, and refuses a log listed twice, a witness key given as a log key, an origin that escapes a folder', () => {
    expect(parseWitnessConfig(`logs:\n  - { origin: ${ORIGIN}, key: "${vkey}", site: "https://candor.example/" }\n`, 'witness.yml').logs[0]!.origin).toBe(
      ORIGIN,
    );
    const codes = (text: string) => {
      try {
        parseWitnessConfig(text, 'witness.yml');
        return [];
      } catch (error) {
        return [error as WitnessError, ...(error as WitnessError).also].map((e) => `${e.code} ${e.details.field}`);
      }
    };
    expect(codes(`logs:\n  - { origin: ${ORIGIN}, key: "${vkey}" }\n  - { origin: ${ORIGIN}, key: "${vkey}" }\n`)).toEqual(['SCHEMA_INVALID logs[1].origin']);
    expect(codes(`logs:\n  - { origin: ${ORIGIN}, key: "${formatVerifierKey(witness)}" }\n`)).toEqual(['SCHEMA_INVALID logs[0].key']);
    expect(codes(`logs:\n  - { origin: "candor.example/../../etc", key: "${vkey}" }\n`)).toEqual(['SCHEMA_INVALID logs[0].origin']);
  });

  it("reads canary.yml's witness list: keys as cosigners (a type-1 vkey too), names and keys once", () => {
    const ed = signerFromSeed('witness.example/w2', new Uint8Array(32).fill(6));
    const list = witnessList.parse([
      { name: 'w1', key: formatVerifierKey(witness), url: 'https://w1.example/' },
      { name: 'w2', key: formatVerifierKey(ed), url: 'https://w2.example/' },
    ]);
    expect(list.map((w) => w.key.type)).toEqual([COSIGNATURE_V1, COSIGNATURE_V1]);
    expect(witnessList.safeParse([list[0], list[0]].map((w) => ({ name: w!.name, key: formatVerifierKey(w!.key), url: 'https://w.example/' }))).success).toBe(
      false,
    );
  });

  it('finds the log under the site and its base path', () => {
    expect(siteLogUrl('https://candor.example')).toBe('https://candor.example/canary/log/');
    expect(siteLogUrl('https://example.github.io/candor/?x=1')).toBe('https://example.github.io/candor/canary/log/');
  });
});
