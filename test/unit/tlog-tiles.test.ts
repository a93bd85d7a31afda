/**
 * C2SP tlog-tiles: paths, the tiles of a tree, and proofs read back from tiles. Held to a
 * real log written by transparency-dev/tessera (test/fixtures/tlog/tessera/: 15 entries,
 * a signed checkpoint for every size 0–15, every partial tile and entry bundle), to the
 * spec's worked examples, and to the in-memory tree over random sizes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/core/tlog/checkpoint.ts';
import { checkConsistency, checkInclusion, consistencyProof, inclusionProof, leafHash, memoryTree, treeHash } from '../../src/core/tlog/merkle.ts';
import { parseVerifierKey } from '../../src/core/tlog/note.ts';
import {
  buildTile,
  bundleMatchesTile,
  encodeTileIndex,
  entryBundle,
  newEntryBundles,
  newTiles,
  parseEntryBundle,
  parseTilePath,
  tileHashes,
  tilePath,
  tilesForSize,
  type TileId,
} from '../../src/core/tlog/tiles.ts';

const TESSERA = path.join(import.meta.dirname, '..', 'fixtures', 'tlog', 'tessera');
const ORIGIN = 'example.com/log/testdata';
const logKey = parseVerifierKey('example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx');
/** The entries tessera's testdata/build_log.sh appends, one per run. */
const ENTRIES = 'one two three four five six seven eit nain ten ileven twelf threeten fourten fivten'.split(' ').map((e) => new TextEncoder().encode(e));
const fixture = (p: string) => new Uint8Array(readFileSync(path.join(TESSERA, p)));

describe('tile paths', () => {
  it.each([
    [0, '000'],
    [5, '005'],
    [999, '999'],
    [1000, 'x001/000'],
    [1234067, 'x001/x234/067'],
  ])('index %i is %s', (n, want) => expect(encodeTileIndex(n)).toBe(want));

  it.each<[TileId, string]>([
    [{ level: 0, index: 0, width: 256 }, 'tile/0/000'],
    [{ level: 4, index: 1234067, width: 1 }, 'tile/4/x001/x234/067.p/1'],
    [{ level: 4, index: 1234067, width: 256 }, 'tile/4/x001/x234/067'],
    [{ level: 'entries', index: 1234067, width: 8 }, 'tile/entries/x001/x234/067.p/8'],
    [{ level: 63, index: 1, width: 255 }, 'tile/63/001.p/255'],
  ])('%o is %s, and back', (tile, want) => {
    expect(tilePath(tile)).toBe(want);
    expect(parseTilePath(want)).toEqual(tile);
  });

  it.each([
    'tile/0/x000/001',
    'tile/0/1',
    'tile/64/000',
    'tile/00/000',
    'tile/0/000.p/256',
    'tile/0/000.p/0',
    'tile/0/000.p/07',
    'tile/0/001/002',
    'tile/data/000',
    '/tile/0/000',
    'tile/0/x001',
  ])('refuses %s', (p) => expect(parseTilePath(p)).toBeNull());

  it('has the tiles of the spec examples', () => {
    const tiles = tilesForSize(70_000);
    const full0 = tiles.filter((t) => t.level === 0 && t.width === 256);
    expect(full0.length).toBe(273);
    expect(tiles.filter((t) => !(t.level === 0 && t.width === 256))).toEqual([
      { level: 0, index: 273, width: 112 },
      { level: 1, index: 0, width: 256 },
      { level: 1, index: 1, width: 17 },
      { level: 2, index: 0, width: 1 },
    ]);
    expect(tilesForSize(256)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
    expect(tilesForSize(0)).toEqual([]);
  });

  it('writes only the tiles that change when the tree grows', () => {
    expect(newTiles(15, 16)).toEqual([{ level: 0, index: 0, width: 16 }]);
    expect(newTiles(255, 256)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
    expect(newTiles(256, 257)).toEqual([{ level: 0, index: 1, width: 1 }]);
    expect(newTiles(70_000, 70_000)).toEqual([]);
    expect(newEntryBundles(255, 257)).toEqual([
      { level: 'entries', index: 0, width: 256 },
      { level: 'entries', index: 1, width: 1 },
    ]);
    expect(() => newTiles(5, 4)).toThrow(RangeError);
  });
});

describe('a log written by tessera', () => {
  if (typeof logKey === 'string') throw new Error(logKey);
  const sizes = Array.from({ length: 16 }, (_, n) => n);
  const checkpoints = sizes.map((n) => {
    const opened = openCheckpoint(readFileSync(path.join(TESSERA, `checkpoint.${n}`), 'utf8'), ORIGIN, logKey);
    if (typeof opened === 'string') throw new Error(`checkpoint.${n}: ${opened}`);
    return opened.checkpoint;
  });
  /** The files as tessera left them: only the partial tile for the latest size survives per width. */
  const source = (tile: TileId) => fixture(tilePath(tile));

  it.each(sizes)('checkpoint.%i is signed by the log key and has the root of the entries', (n) => {
    expect(checkpoints[n]!.size).toBe(n);
    expect(treeHash(n, memoryTree(ENTRIES.slice(0, n).map(leafHash)).read)).toEqual(checkpoints[n]!.root);
  });

  it.each(sizes.slice(1))('size %i: the tile and entry bundle we build are tessera’s, byte for byte', (n) => {
    const tree = memoryTree(ENTRIES.slice(0, n).map(leafHash));
    const [tile] = tilesForSize(n);
    expect(tile).toEqual({ level: 0, index: 0, width: n });
    expect(buildTile(tile!, tree.read)).toEqual(fixture(tilePath(tile!)));
    const bundle = fixture(tilePath({ ...tile!, level: 'entries' }));
    expect(entryBundle(ENTRIES.slice(0, n))).toEqual(bundle);
    const entries = parseEntryBundle(bundle, n)!;
    expect(entries.map((e) => new TextDecoder().decode(e))).toEqual(ENTRIES.slice(0, n).map((e) => new TextDecoder().decode(e)));
    expect(bundleMatchesTile(entries, fixture(tilePath(tile!)))).toBe(true);
    expect(parseEntryBundle(bundle, n + 1)).toBeNull();
    expect(parseEntryBundle(bundle.subarray(0, -1), n)).toBeNull();
  });

  it.each(sizes.slice(1))('size %i: every inclusion and consistency proof read from the tiles verifies', (n) => {
    const read = tileHashes(n, source);
    const { root } = checkpoints[n]!;
    expect(treeHash(n, read)).toEqual(root);
    for (let i = 0; i < n; i++) expect(checkInclusion(i, n, leafHash(ENTRIES[i]!), inclusionProof(i, n, read), root), `leaf ${i}`).toBeNull();
    for (let m = 1; m < n; m++) expect(checkConsistency(m, n, consistencyProof(m, n, read), checkpoints[m]!.root, root), `from ${m}`).toBeNull();
  });

  it('a tile of the wrong length is refused, a changed one gives a root that does not verify', () => {
    expect(() =>
      treeHash(
        15,
        tileHashes(15, (t) => fixture(tilePath(t)).subarray(1)),
      ),
    ).toThrow(RangeError);
    const changed = (t: TileId) => {
      const bytes = new Uint8Array(fixture(tilePath(t)));
      bytes[40]! ^= 1;
      return bytes;
    };
    const read = tileHashes(15, changed);
    expect(checkInclusion(0, 15, leafHash(ENTRIES[0]!), inclusionProof(0, 15, read), checkpoints[15]!.root)).toBe('root-mismatch');
  });
});

describe('tiles of larger trees', () => {
  const leaves = Array.from({ length: 70_000 }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)));
  const tree = memoryTree(leaves);
  /** Tiles built on demand from the in-memory tree, as the publish job would write them. */
  const source = (tile: TileId) => buildTile(tile, tree.read);

  it('reads the root of a three-level tree (70,000 leaves) from its tiles', () => {
    const files = new Map(tilesForSize(70_000).map((t) => [tilePath(t), buildTile(t, tree.read)]));
    const read = tileHashes(70_000, (t) => files.get(tilePath(t)) ?? new Uint8Array(0));
    expect(treeHash(70_000, read)).toEqual(tree.root());
    expect(inclusionProof(65_537, 70_000, read)).toEqual(inclusionProof(65_537, 70_000, tree.read));
  });

  it('proofs from tiles equal proofs from the tree, for random sizes and leaves (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70_000 }), fc.nat(), fc.nat(), (n, a, b) => {
        const read = tileHashes(n, source);
        const index = a % n;
        const m = (b % n) + 1;
        expect(inclusionProof(index, n, read)).toEqual(inclusionProof(index, n, tree.read));
        expect(consistencyProof(m, n, read)).toEqual(consistencyProof(m, n, tree.read));
      }),
      { numRuns: 100 },
    );
  });
});
