/**
 * A Candor site's canary log for tests, made with the core's own functions (src/core/tlog)
 * under the shared contract (docs/watch.md#sites-with-a-log): the signed checkpoint, every
 * tile and entry bundle of the tree, and the C2SP tlog-proof of any entry. The key is drawn
 * from a seed at run time; no signer key is written anywhere.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { signCheckpoint } from '../../src/core/tlog/checkpoint.ts';
import { inclusionProof, leafHash, memoryTree } from '../../src/core/tlog/merkle.ts';
import { formatVerifierKey, signerFromSeed, type SignerKey } from '../../src/core/tlog/note.ts';
import { formatTlogProof } from '../../src/core/tlog/proof.ts';
import { buildTile, entryBundle, newEntryBundles, tilePath, tilesForSize } from '../../src/core/tlog/tiles.ts';

export interface TestLog {
  origin: string;
  key: SignerKey;
  vkey: string;
}

export function makeLog(origin: string, seed = 'candor test log'): TestLog {
  const key = signerFromSeed(origin, sha256(new TextEncoder().encode(seed)));
  return { origin, key, vkey: formatVerifierKey(key) };
}

export interface LogFiles {
  checkpoint: string;
  /** Paths under the log folder (checkpoint, tile/…) and their bytes. */
  files: Record<string, Uint8Array>;
  /** The tlog-proof of entry `index` against this checkpoint. */
  proof(index: number): string;
}

/** The log of exactly these entries (each the bytes of one signed file), as a site serves it. */
export function logFiles(log: TestLog, entries: (string | Uint8Array)[]): LogFiles {
  const bytes = entries.map((e) => (typeof e === 'string' ? new TextEncoder().encode(e) : e));
  const tree = memoryTree(bytes.map(leafHash));
  const checkpoint = signCheckpoint({ origin: log.origin, size: tree.size, root: tree.root(), extensions: [] }, log.key);
  const files: Record<string, Uint8Array> = { checkpoint: new TextEncoder().encode(checkpoint) };
  for (const tile of tilesForSize(tree.size)) files[tilePath(tile)] = buildTile(tile, tree.read);
  for (const tile of newEntryBundles(0, tree.size)) files[tilePath(tile)] = entryBundle(bytes.slice(tile.index * 256, tile.index * 256 + tile.width));
  return { checkpoint, files, proof: (index) => formatTlogProof({ index, proof: inclusionProof(index, tree.size, tree.read), checkpoint }) };
}
