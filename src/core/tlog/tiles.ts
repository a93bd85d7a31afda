/**
 * C2SP tlog-tiles: the Merkle tree served as static files. A tile at level L, index N holds
 * up to 256 consecutive hashes of tree level 8L (leaf hashes at L = 0); the rightmost tiles
 * of a tree are partial (`.p/<W>`). Entry bundles (`tile/entries/…`) hold the entries
 * themselves, each a big-endian uint16 length and the bytes. Paths, building tiles from a
 * tree, and reading complete-subtree hashes back from tiles (so merkle.ts computes proofs
 * from what the site publishes) are here; fetching and writing are the I/O edge's.
 */
import { HASH_SIZE, leafHash, nodeHash, type Hash, type SubtreeHashes } from './merkle.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** Entries are length-prefixed with a uint16. */
export const MAX_ENTRY_SIZE = 0xffff;

export interface TileId {
  /** 0–63 for hash tiles, 'entries' for entry bundles. */
  level: number | 'entries';
  index: number;
  /** 1–256; 256 is a full tile (no `.p/` suffix). */
  width: number;
}

/** N as zero-padded 3-digit path elements, all but the last prefixed with `x`: 1234067 → x001/x234/067. */
export function encodeTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a tile index is a non-negative integer, got ${n}`);
  let out = String(n % 1000).padStart(3, '0');
  for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 1000)) out = `x${String(n % 1000).padStart(3, '0')}/${out}`;
  return out;
}

export function tilePath(tile: TileId): string {
  const { level, index, width } = tile;
  if (level !== 'entries' && (!Number.isInteger(level) || level < 0 || level > 63)) throw new RangeError(`a tile level is 0–63, got ${level}`);
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`a tile width is 1–256, got ${width}`);
  return `tile/${level}/${encodeTileIndex(index)}${width === TILE_WIDTH ? '' : `.p/${width}`}`;
}

const TILE_PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/** The tile a path names, or null if it is not a canonical tile path. */
export function parseTilePath(path: string): TileId | null {
  const m = TILE_PATH.exec(path);
  if (!m) return null;
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  const groups = [
    ...m[2]!
      .split('/')
      .filter(Boolean)
      .map((g) => g.slice(1)),
    m[3]!,
  ];
  // No leading zero group: x000/001 would be a second name for 001.
  if (groups.length > 1 && groups[0] === '000') return null;
  const index = groups.reduce((n, g) => n * 1000 + Number(g), 0);
  const width = m[4] ? Number(m[4]) : TILE_WIDTH;
  if ((level !== 'entries' && level > 63) || (m[4] && width > 255) || !Number.isSafeInteger(index)) return null;
  return { level, index, width };
}

/** 256^k as a number (exact up to k = 6, which spans 2^56 leaves). */
function span(k: number): number {
  return TILE_WIDTH ** k;
}

/** The width of tile `index` at `level` in a tree of `size` leaves, or 0 if it has no hashes yet. */
export function tileWidth(level: number, index: number, size: number): number {
  const hashes = Math.floor(size / span(level)); // complete subtrees of 256^level leaves
  return Math.max(0, Math.min(TILE_WIDTH, hashes - index * TILE_WIDTH));
}

/** Every hash tile of a tree of `size` leaves: the full ones and the partial rightmost ones. */
export function tilesForSize(size: number): TileId[] {
  return newTiles(0, size);
}

/**
 * The hash tiles a log must write when it grows from `oldSize` to `newSize`: those that
 * did not exist or were partial before (full tiles never change).
 */
export function newTiles(oldSize: number, newSize: number): TileId[] {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || newSize < oldSize)
    throw new RangeError(`cannot grow a tree from ${oldSize} to ${newSize}`);
  const tiles: TileId[] = [];
  for (let level = 0; Math.floor(newSize / span(level)) > 0; level++) {
    const first = Math.floor(Math.floor(oldSize / span(level)) / TILE_WIDTH);
    const last = Math.ceil(Math.floor(newSize / span(level)) / TILE_WIDTH) - 1;
    for (let index = first; index <= last; index++) {
      const width = tileWidth(level, index, newSize);
      if (width > 0 && width !== tileWidth(level, index, oldSize)) tiles.push({ level, index, width });
    }
  }
  return tiles;
}

/** The entry bundles to write for the same growth (entries tiles follow level 0). */
export function newEntryBundles(oldSize: number, newSize: number): TileId[] {
  return newTiles(oldSize, newSize)
    .filter((t) => t.level === 0)
    .map((t) => ({ ...t, level: 'entries' as const }));
}

/** The bytes of hash tile (level, index, width), from a tree's complete-subtree hashes. */
export function buildTile(tile: TileId, read: SubtreeHashes): Uint8Array {
  if (tile.level === 'entries') throw new RangeError('entry bundles are built from entries: entryBundle()');
  const out = new Uint8Array(tile.width * HASH_SIZE);
  for (let i = 0; i < tile.width; i++) out.set(read(TILE_HEIGHT * tile.level, tile.index * TILE_WIDTH + i), i * HASH_SIZE);
  return out;
}

export function entryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length === 0 || entries.length > TILE_WIDTH) throw new RangeError(`an entry bundle holds 1–256 entries, got ${entries.length}`);
  const out = new Uint8Array(entries.reduce((n, e) => n + 2 + e.length, 0));
  let offset = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_SIZE) throw new RangeError(`a log entry has at most ${MAX_ENTRY_SIZE} bytes, got ${e.length}`);
    out[offset] = e.length >>> 8;
    out[offset + 1] = e.length & 0xff;
    out.set(e, offset + 2);
    offset += 2 + e.length;
  }
  return out;
}

/** The entries of a bundle, or null if it is not exactly `width` length-prefixed entries. */
export function parseEntryBundle(bytes: Uint8Array, width: number): Uint8Array[] | null {
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 2 > bytes.length) return null;
    const length = (bytes[offset]! << 8) | bytes[offset + 1]!;
    if (offset + 2 + length > bytes.length) return null;
    entries.push(bytes.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  return entries.length === width ? entries : null;
}

/** True when the bundle's entries hash to the leaf hashes of the matching level-0 tile. */
export function bundleMatchesTile(entries: readonly Uint8Array[], tile: Uint8Array): boolean {
  if (tile.length !== entries.length * HASH_SIZE) return false;
  return entries.every((e, i) => {
    const h = leafHash(e);
    return h.every((b, k) => b === tile[i * HASH_SIZE + k]);
  });
}

/** Reads a tile's bytes (the I/O edge fetches or opens the file); it must be exactly that tile. */
export type TileSource = (tile: TileId) => Uint8Array;

/**
 * Complete-subtree hashes of a tree of `size` leaves, read from its tiles: a hash at tree
 * level 8L + s is rebuilt from 2^s hashes of the level-L tile. Throws when a tile has the
 * wrong length; what the tiles say is only trusted once the caller has checked the result
 * against a signed checkpoint (the proof then either verifies or not).
 */
export function tileHashes(size: number, source: TileSource): SubtreeHashes {
  const cache = new Map<string, Uint8Array>();
  const tileBytes = (tile: TileId): Uint8Array => {
    const key = tilePath(tile);
    let bytes = cache.get(key);
    if (!bytes) {
      bytes = source(tile);
      if (bytes.length !== tile.width * HASH_SIZE) throw new RangeError(`${key} has ${bytes.length} bytes, expected ${tile.width * HASH_SIZE}`);
      cache.set(key, bytes);
    }
    return bytes;
  };
  return (level, index) => {
    if ((index + 1) * 2 ** level > size) throw new RangeError(`no complete subtree ${index} at level ${level} in a tree of ${size} leaves`);
    const tileLevel = Math.floor(level / TILE_HEIGHT);
    const sub = level - tileLevel * TILE_HEIGHT;
    const first = index * 2 ** sub; // the first hash of tree level 8·tileLevel under this node
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const bytes = tileBytes({ level: tileLevel, index: tileIndex, width: tileWidth(tileLevel, tileIndex, size) });
    let row: Hash[] = [];
    for (let i = 0; i < 2 ** sub; i++) {
      const at = (first - tileIndex * TILE_WIDTH + i) * HASH_SIZE;
      row.push(bytes.subarray(at, at + HASH_SIZE));
    }
    while (row.length > 1) row = Array.from({ length: row.length / 2 }, (_, i) => nodeHash(row[2 * i]!, row[2 * i + 1]!));
    return row[0]!;
  };
}
