/**
 * The canary log's core (src/core/tlog/log.ts): the origin, the contract's order, what is
 * missing, appending (tiles, bundles, the signed checkpoint), reading it back, and proof
 * files, including trees that are not full. Against tessera's log byte for byte where the
 * entries are the same (test/fixtures/tlog/tessera/).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCheckpoint, parseCheckpoint } from '../../src/core/tlog/checkpoint.ts';
import { appendEntries, logOrder, logOrigin, missingFromLog, proofFile, readEntries, treePaths, type LogDocument } from '../../src/core/tlog/log.ts';
import { leafHash } from '../../src/core/tlog/merkle.ts';
import { signerFromSeed } from '../../src/core/tlog/note.ts';
import { verifyTlogProof } from '../../src/core/tlog/proof.ts';
import { parseTilePath, tilePath, type TileId } from '../../src/core/tlog/tiles.ts';

const ORIGIN = 'lumen-mail.example/canary/log';
const KEY = signerFromSeed(ORIGIN, new Uint8Array(32).fill(7));
const enc = (s: string) => new TextEncoder().encode(s);
const entries = (n: number, tag = 'doc') => Array.from({ length: n }, (_, i) => enc(`${tag} ${i}\n`));

/** The files of a log grown in the given steps, later writes replacing earlier ones. */
function grow(steps: number[], tag = 'doc'): { files: Map<string, Uint8Array>; all: Uint8Array[]; checkpoint: string } {
  const files = new Map<string, Uint8Array>();
  let all: Uint8Array[] = [];
  let checkpoint = '';
  for (const n of steps) {
    const added = entries(all.length + n, tag).slice(all.length);
    const grown = appendEntries(all, added, ORIGIN, KEY);
    for (const [p, b] of grown.files) files.set(p, b);
    all = [...all, ...added];
    checkpoint = grown.checkpoint;
  }
  return { files, all, checkpoint };
}

const source = (files: Map<string, Uint8Array>) => (tile: TileId) => {
  const bytes = files.get(tilePath(tile));
  if (!bytes) throw new Error(`no ${tilePath(tile)}`);
  return bytes;
};

describe('logOrigin', () => {
  it.each([
    ['https://lumen-mail.example', 'lumen-mail.example/canary/log'],
    ['https://lumen-mail.example/', 'lumen-mail.example/canary/log'],
    ['https://example.org/lumen/', 'example.org/lumen/canary/log'],
    ['http://localhost:4321/x', 'localhost:4321/x/canary/log'],
  ])('%s → %s', (url, origin) => expect(logOrigin(url)).toBe(origin));
});

describe('order and what is missing', () => {
  const doc = (name: string, kind: LogDocument['kind'], sequence: number, issued: string): LogDocument => ({ name, kind, sequence, issued, bytes: enc(name) });
  const docs = [
    doc('heartbeat-000002.txt', 'heartbeat', 2, '2026-01-02T00:00:00Z'),
    doc('heartbeat-000001.txt', 'heartbeat', 1, '2026-01-01T00:00:00Z'),
    doc('attestation-000001.txt', 'attestation', 1, '2026-01-01T00:00:00Z'),
    doc('attestation-000002.txt', 'attestation', 2, '2026-01-02T00:00:00Z'),
  ];

  it('orders by issue time, attestations before heartbeats, then sequence', () => {
    expect(logOrder(docs).map((d) => d.name)).toEqual(['attestation-000001.txt', 'heartbeat-000001.txt', 'attestation-000002.txt', 'heartbeat-000002.txt']);
  });

  it('finds only what the log does not hold, by its bytes, each once', () => {
    const logged = [enc('attestation-000001.txt'), enc('heartbeat-000001.txt')];
    expect(missingFromLog(logged, [...docs, docs[0]!]).map((d) => d.name)).toEqual(['attestation-000002.txt', 'heartbeat-000002.txt']);
    expect(
      missingFromLog(
        docs.map((d) => d.bytes),
        docs,
      ),
    ).toEqual([]);
  });
});

describe('appending', () => {
  it('writes the tiles and bundles of the grown tree, and a checkpoint the log key signed', () => {
    const grown = appendEntries([], entries(3), ORIGIN, KEY);
    expect(grown.files.map(([p]) => p)).toEqual(['tile/0/000.p/3', 'tile/entries/000.p/3', 'checkpoint']);
    const opened = openCheckpoint(grown.checkpoint, ORIGIN, KEY);
    expect(typeof opened === 'string' ? opened : opened.checkpoint.size).toBe(3);
    expect(grown.paths).toEqual(new Set(['tile/0/000.p/3', 'tile/entries/000.p/3']));
  });

  it('is deterministic: the same log twice is the same bytes', () => {
    expect(appendEntries(entries(5), entries(9).slice(5), ORIGIN, KEY)).toEqual(appendEntries(entries(5), entries(9).slice(5), ORIGIN, KEY));
  });

  it.each([[[300]], [[1, 1, 1, 297]], [[255, 1, 44]], [[256, 256, 1]]])('grown in steps %j, the tree is the one grown at once', (steps) => {
    const total = steps.reduce((a, b) => a + b, 0);
    const once = grow([total]);
    const stepwise = grow(steps);
    expect(stepwise.checkpoint).toBe(once.checkpoint);
    for (const p of treePaths(total)) expect(stepwise.files.get(p), p).toEqual(once.files.get(p));
  });

  it('reads its entries back from its bundles, checked against the root', () => {
    const { files, all, checkpoint } = grow([200, 70]);
    const cp = parseCheckpoint(checkpoint.slice(0, checkpoint.indexOf('\n\n') + 1));
    if (typeof cp === 'string') throw new Error(cp);
    expect(readEntries(cp, (t) => files.get(tilePath(t)) ?? null)).toEqual(all);
    expect(readEntries(cp, () => null)).toEqual({ problem: 'missing-bundle', path: 'tile/entries/000' });
    const forged = new Map(files);
    forged.set('tile/entries/001.p/14', appendEntries([], entries(14, 'other'), ORIGIN, KEY).files[1]![1]);
    expect(readEntries(cp, (t) => forged.get(tilePath(t)) ?? null)).toEqual({ problem: 'root-mismatch' });
  });

  it('names only canonical tile paths', () => {
    for (const p of treePaths(70_000)) expect(parseTilePath(p), p).not.toBeNull();
  });

  it('builds the tiles and bundles tessera built for the same entries, byte for byte', () => {
    const dir = path.join(import.meta.dirname, '..', 'fixtures', 'tlog', 'tessera');
    const bundle = readFileSync(path.join(dir, 'tile/entries/000.p/15'));
    const tesseraEntries: Uint8Array[] = [];
    for (let at = 0; at < bundle.length;) {
      const n = (bundle[at]! << 8) | bundle[at + 1]!;
      tesseraEntries.push(new Uint8Array(bundle.subarray(at + 2, at + 2 + n)));
      at += 2 + n;
    }
    const grown = new Map(appendEntries([], tesseraEntries, 'example.com/log', signerFromSeed('example.com/log', new Uint8Array(32))).files);
    expect(Buffer.from(grown.get('tile/0/000.p/15')!)).toEqual(readFileSync(path.join(dir, 'tile/0/000.p/15')));
    expect(Buffer.from(grown.get('tile/entries/000.p/15')!)).toEqual(bundle);
  });
});

describe('proof files', () => {
  it.each([
    [1, 0],
    [7, 6],
    [7, 3],
    [257, 256],
    [300, 5],
  ])('tree of %i entries (not full): the proof of entry %i verifies, and not for another document', (size, index) => {
    const { files, all, checkpoint } = grow([size]);
    const proof = proofFile(all[index]!, all, checkpoint, source(files));
    expect(proof).not.toBeNull();
    const ok = verifyTlogProof(proof!, leafHash(all[index]!), { origin: ORIGIN, logKey: KEY, witnesses: [] });
    expect(typeof ok === 'string' ? ok : ok.index).toBe(index);
    expect(verifyTlogProof(proof!, leafHash(enc('another')), { origin: ORIGIN, logKey: KEY, witnesses: [] })).toBe('root-mismatch');
  });

  it('is null for a document not in the log', () => {
    const { files, all, checkpoint } = grow([4]);
    expect(proofFile(enc('not logged'), all, checkpoint, source(files))).toBeNull();
  });
});
