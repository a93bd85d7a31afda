/**
 * `candor witness check`, decided (docs/witness.md#checking-on-a-schedule): a witness
 * without a server reads a log's published checkpoint and tiles, and cosigns it when it
 * is an append-only extension of the last checkpoint it cosigned. The decision is the
 * tlog-witness one (witness.ts), fed with a consistency proof the witness builds itself
 * from the tiles; before that, the tiles must hash to the signed root, so that a proof
 * that fails is the log's fork, not a stale or broken tile.
 */
import { decodeBase64, encodeBase64 } from '../tlog/bytes.ts';
import { parseCheckpoint, type Checkpoint } from '../tlog/checkpoint.ts';
import { consistencyProof, EMPTY_ROOT, HASH_SIZE, hashesEqual, treeHash, type Hash } from '../tlog/merkle.ts';
import { addSignatures, parseNote, type Note, type SignerKey, type VerifierKey } from '../tlog/note.ts';
import { tileHashes, tilePath, type TileId, type TileSource } from '../tlog/tiles.ts';
import { addCheckpoint, formatAddCheckpoint, type WitnessedLog, type WitnessRecord } from '../tlog/witness.ts';
import { WitnessError, WITNESS_DOCS } from './errors.ts';

/** What the witness keeps per log: the last checkpoint it cosigned, with its own cosignature. */
export interface StoredRecord extends WitnessRecord {
  origin: string;
  /** The signed checkpoint as cosigned: the log's signature lines and this witness's cosignature. */
  checkpoint: string;
  /** POSIX seconds of that cosignature. */
  time: number;
}

export interface RecordFile {
  origin: string;
  size: number;
  root: string;
  checkpoint: string;
  time: number;
}

export function formatRecord(r: StoredRecord): string {
  const file: RecordFile = { origin: r.origin, size: r.size, root: encodeBase64(r.root), checkpoint: r.checkpoint, time: r.time };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A record file, or why it cannot be used (then nothing is cosigned: an unreadable record is not "never cosigned"). */
export function parseRecord(text: string, origin: string): StoredRecord | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const r = data as Partial<RecordFile> | null;
  const root = typeof r?.root === 'string' ? decodeBase64(r.root) : null;
  if (!r || r.origin !== origin) return `not the record of ${origin}`;
  if (!Number.isSafeInteger(r.size) || r.size! < 0 || !root || root.length !== HASH_SIZE) return 'no valid size and root';
  if (typeof r.checkpoint !== 'string' || !Number.isSafeInteger(r.time)) return 'no checkpoint and time';
  return { origin, size: r.size!, root, checkpoint: r.checkpoint, time: r.time! };
}

/** The note with this witness's new line(s) instead of any older line of its own (a log may serve the last one). */
export function replaceCosignature(note: Note, witness: VerifierKey, lines: readonly string[]): string {
  return addSignatures({ ...note, signatures: note.signatures.filter((s) => s.name !== witness.name || s.keyId !== witness.keyId) }, lines);
}

/** The unsigned checkpoint a note carries (its origin picks the log), or null. */
export function peekCheckpoint(signed: string): Checkpoint | null {
  const note = parseNote(signed);
  const cp = typeof note === 'string' ? note : parseCheckpoint(note.text);
  return typeof cp === 'string' ? null : cp;
}

/**
 * The tiles a check reads for a tree growing from `oldSize` to `newSize`: the root of the
 * new tree and the consistency proof. Which hashes a proof reads does not depend on their
 * values, so a dry run over zero hashes lists them; the I/O edge then fetches exactly these.
 */
export function tilesToCheck(oldSize: number, newSize: number): TileId[] {
  const wanted = new Map<string, TileId>();
  const read = tileHashes(newSize, (tile) => {
    wanted.set(tilePath(tile), tile);
    return new Uint8Array(tile.width * HASH_SIZE);
  });
  if (newSize > 0) treeHash(newSize, read);
  if (oldSize > 0 && oldSize < newSize) consistencyProof(oldSize, newSize, read);
  return [...wanted.values()];
}

export interface CheckInput {
  log: WitnessedLog;
  /** Where the checkpoint was read, for messages. */
  url: string;
  /** The signed checkpoint, as served. */
  signed: string;
  record: StoredRecord | null;
  /** The tiles tilesToCheck named, as served. */
  tiles: TileSource;
  witness: SignerKey;
  /** The cosignature time, POSIX seconds. */
  now: number;
}

export interface CheckResult {
  record: StoredRecord;
  /** This witness's cosignature line. */
  line: string;
  /** The checkpoint as served, with the cosignature line added. */
  cosigned: string;
  /** The size cosigned before, 0 if none. */
  previousSize: number;
}

function refuse(
  code: 'LOG_SIGNATURE_INVALID' | 'LOG_TILES_INVALID' | 'LOG_ROLLBACK' | 'LOG_FORK' | 'LOG_NOT_WITNESSED',
  input: CheckInput,
  summary: string,
  expected: string,
  received: string,
): WitnessError {
  return new WitnessError(code, summary, {
    file: input.url,
    expected,
    received,
    hint: `Nothing was cosigned and the witness's record is unchanged. See ${WITNESS_DOCS}#what-a-witness-refuses.`,
  });
}

/** Cosigns the served checkpoint, or throws the typed refusal; the caller stores `record` only on success. */
export function checkLog(input: CheckInput): CheckResult {
  const cp = peekCheckpoint(input.signed);
  if (!cp) throw refuse('LOG_SIGNATURE_INVALID', input, 'not a signed checkpoint', 'a C2SP checkpoint signed as a note', 'something else');
  if (cp.origin !== input.log.origin) throw refuse('LOG_NOT_WITNESSED', input, 'the checkpoint is of another log', `origin ${input.log.origin}`, cp.origin);
  const old = input.record ?? { size: 0, root: EMPTY_ROOT };
  if (cp.size < old.size)
    throw refuse(
      'LOG_ROLLBACK',
      input,
      'the log is smaller than the checkpoint this witness cosigned',
      `a tree of at least ${old.size} entries`,
      `${cp.size} entries`,
    );
  let proof: Hash[] = [];
  try {
    const read = tileHashes(cp.size, input.tiles);
    const root = cp.size === 0 ? EMPTY_ROOT : treeHash(cp.size, read);
    if (!hashesEqual(root, cp.root))
      throw refuse(
        'LOG_TILES_INVALID',
        input,
        "the published tiles do not hash to the checkpoint's root",
        `root ${encodeBase64(cp.root)}`,
        `root ${encodeBase64(root)}`,
      );
    if (old.size > 0 && old.size < cp.size) proof = consistencyProof(old.size, cp.size, read);
  } catch (error) {
    if (error instanceof WitnessError) throw error;
    throw refuse('LOG_TILES_INVALID', input, 'a published tile is not usable', 'tiles of 32-byte hashes, as tlog-tiles names them', (error as Error).message);
  }
  const answer = addCheckpoint(
    formatAddCheckpoint({ oldSize: old.size, proof, checkpoint: input.signed }),
    [input.log],
    () => input.record,
    input.witness,
    input.now,
  );
  if (answer.status === 200) {
    const note = parseNote(input.signed);
    if (typeof note === 'string') throw new RangeError(note); // parsed above
    const cosigned = replaceCosignature(note, input.witness, answer.lines);
    return {
      record: { origin: cp.origin, ...answer.record, checkpoint: cosigned, time: input.now },
      line: answer.lines[0]!,
      cosigned,
      previousSize: old.size,
    };
  }
  if (answer.status === 403 || answer.status === 400)
    throw refuse('LOG_SIGNATURE_INVALID', input, "the checkpoint is not signed by the log's key", `a signature by ${input.log.key.name}`, answer.reason);
  if (answer.status === 404) throw refuse('LOG_NOT_WITNESSED', input, 'the checkpoint is of another log', `origin ${input.log.origin}`, cp.origin);
  // 409 (the same size, another root) or 422 (the proof from tiles that match the new root fails): a fork.
  throw refuse(
    'LOG_FORK',
    input,
    'the log is not an append-only extension of the checkpoint this witness cosigned (a split view)',
    `a tree extending size ${old.size}, root ${encodeBase64(old.root)}`,
    `size ${cp.size}, root ${encodeBase64(cp.root)}: ${answer.status === 409 ? 'another root at the size it cosigned' : 'its tiles, which hash to this root, do not hold the cosigned tree'}`,
  );
}
