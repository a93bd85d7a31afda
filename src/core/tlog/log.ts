/**
 * The canary's own log (decision 0031, docs/canary.md#the-canary-log): every archived
 * attestation and heartbeat is a leaf, appended oldest first by the publish job, served as
 * C2SP tiles with a signed checkpoint. Pure: the I/O edge reads and writes the files
 * (src/io/canary-log.ts); this module decides what the log holds next, byte for byte.
 */
import { parseCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint.ts';
import { hashesEqual, inclusionProof, leafHash, memoryTree, type Hash, type MemoryTree } from './merkle.ts';
import type { SignerKey } from './note.ts';
import { formatTlogProof } from './proof.ts';
import {
  buildTile,
  entryBundle,
  newEntryBundles,
  newTiles,
  parseEntryBundle,
  tilePath,
  tileHashes,
  tilesForSize,
  TILE_WIDTH,
  type TileId,
  type TileSource,
} from './tiles.ts';

/** The checkpoint file, beside `tile/`. */
export const CHECKPOINT_FILE = 'checkpoint';

/**
 * The log's origin: the service URL's host and path, without scheme or trailing slash, and
 * `/canary/log`: https://lumen-mail.example → lumen-mail.example/canary/log.
 */
export function logOrigin(serviceUrl: string): string {
  const url = new URL(serviceUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}/canary/log`;
}

export interface LogDocument {
  /** The archive file name, e.g. attestation-000001.txt. */
  name: string;
  kind: 'attestation' | 'heartbeat';
  sequence: number;
  issued: string;
  /** The archived file's exact bytes: the leaf. */
  bytes: Uint8Array;
}

/** The contract's order: by issued time, then attestations before heartbeats, then sequence. */
export function logOrder<T extends Omit<LogDocument, 'bytes' | 'name'>>(docs: readonly T[]): T[] {
  const rank = (k: LogDocument['kind']) => (k === 'attestation' ? 0 : 1);
  return [...docs].sort((a, b) => a.issued.localeCompare(b.issued) || rank(a.kind) - rank(b.kind) || a.sequence - b.sequence);
}

const key = (h: Hash) => Array.from(h, (b) => b.toString(16).padStart(2, '0')).join('');

/** The documents not in the log yet (by leaf hash), in the order they are to be appended. */
export function missingFromLog<T extends LogDocument>(logged: readonly Uint8Array[], docs: readonly T[]): T[] {
  const seen = new Set(logged.map((e) => key(leafHash(e))));
  const out: T[] = [];
  for (const d of logOrder(docs)) {
    const k = key(leafHash(d.bytes));
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return out;
}

export type LogReadProblem = { problem: 'missing-bundle' | 'malformed-bundle' | 'root-mismatch'; path?: string };

/**
 * Every entry of a log of `checkpoint.size` leaves, from its entry bundles; their tree must
 * hash to the checkpoint's root (the log in the repository is checked before it grows).
 */
export function readEntries(checkpoint: Checkpoint, readBundle: (tile: TileId) => Uint8Array | null): Uint8Array[] | LogReadProblem {
  const entries: Uint8Array[] = [];
  for (const tile of tilesForSize(checkpoint.size).filter((t) => t.level === 0)) {
    const bundle: TileId = { ...tile, level: 'entries' };
    const bytes = readBundle(bundle);
    if (!bytes) return { problem: 'missing-bundle', path: tilePath(bundle) };
    const parsed = parseEntryBundle(bytes, tile.width);
    if (!parsed) return { problem: 'malformed-bundle', path: tilePath(bundle) };
    entries.push(...parsed);
  }
  const tree = memoryTree(entries.map(leafHash));
  return hashesEqual(tree.root(), checkpoint.root) ? entries : { problem: 'root-mismatch' };
}

export interface Appended {
  /** Files to write, by path under the log folder: new tiles and bundles first, the checkpoint last. */
  files: [string, Uint8Array][];
  /** Every tile and bundle path of the grown tree: anything else under tile/ is superseded. */
  paths: Set<string>;
  checkpoint: string;
  size: number;
}

function bundleOf(tile: TileId, entries: readonly Uint8Array[]): Uint8Array {
  const first = tile.index * TILE_WIDTH;
  return entryBundle(entries.slice(first, first + tile.width));
}

/** Every tile and entry-bundle path of a tree of `size` leaves. */
export function treePaths(size: number): Set<string> {
  const tiles = tilesForSize(size);
  return new Set([...tiles.map(tilePath), ...tiles.filter((t) => t.level === 0).map((t) => tilePath({ ...t, level: 'entries' }))]);
}

/**
 * The log after appending `added` to `existing` entries: the tiles and bundles that are new
 * or wider, and the checkpoint signed by the log key. Deterministic (Ed25519 signing is),
 * so a rerun after a crash writes the same bytes again.
 */
export function appendEntries(existing: readonly Uint8Array[], added: readonly Uint8Array[], origin: string, logKey: SignerKey): Appended {
  const all = [...existing, ...added];
  const tree: MemoryTree = memoryTree(all.map(leafHash));
  const files: [string, Uint8Array][] = [];
  for (const t of newTiles(existing.length, all.length)) files.push([tilePath(t), buildTile(t, tree.read)]);
  for (const b of newEntryBundles(existing.length, all.length)) files.push([tilePath(b), bundleOf(b, all)]);
  const checkpoint = signCheckpoint({ origin, size: all.length, root: tree.root(), extensions: [] }, logKey);
  files.push([CHECKPOINT_FILE, new TextEncoder().encode(checkpoint)]);
  return { files, paths: treePaths(all.length), checkpoint, size: all.length };
}

/** A size-0 log's checkpoint says only "nothing yet": written so that the key and origin are published from the start. */
export function emptyLog(origin: string, logKey: SignerKey): Appended {
  return appendEntries([], [], origin, logKey);
}

/**
 * The tlog-proof file for one entry against the signed checkpoint, from the log's tiles (the
 * files the site publishes), or null when the entry is not in that tree.
 */
export function proofFile(entry: Uint8Array, entries: readonly Uint8Array[], signedCheckpoint: string, source: TileSource): string | null {
  const text = signedCheckpoint.slice(0, signedCheckpoint.indexOf('\n\n') + 1);
  const cp = parseCheckpoint(text);
  if (typeof cp === 'string') return null;
  const leaf = leafHash(entry);
  const index = entries.slice(0, cp.size).findIndex((e) => hashesEqual(leafHash(e), leaf));
  if (index < 0) return null;
  return formatTlogProof({ index, proof: inclusionProof(index, cp.size, tileHashes(cp.size, source)), checkpoint: signedCheckpoint });
}
