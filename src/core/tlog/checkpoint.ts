/**
 * C2SP tlog-checkpoint: the note text `<origin>\n<size>\n<base64 root>\n[extension lines]`,
 * signed by the log's Ed25519 key as a signed note (note.ts).
 */
import { decodeBase64, encodeBase64 } from './bytes.ts';
import { HASH_SIZE, type Hash } from './merkle.ts';
import { openNote, signText, formatNote, type Note, type NoteProblem, type SignerKey, type VerifierKey, ED25519 } from './note.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  /** Opaque, non-empty extension lines (NOT RECOMMENDED by the spec; kept verbatim). */
  extensions: string[];
}

export type CheckpointProblem = 'malformed-checkpoint' | 'wrong-origin' | NoteProblem;

const SIZE = /^(0|[1-9][0-9]*)$/;

export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin.length === 0 || cp.origin.includes('\n')) throw new RangeError('a checkpoint origin is one non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new RangeError(`a tree size is a non-negative integer, got ${cp.size}`);
  if (cp.root.length !== HASH_SIZE) throw new RangeError(`a root hash has ${HASH_SIZE} bytes, got ${cp.root.length}`);
  if (cp.extensions.some((e) => e.length === 0 || e.includes('\n'))) throw new RangeError('extension lines are non-empty single lines');
  return [cp.origin, String(cp.size), encodeBase64(cp.root), ...cp.extensions].map((l) => `${l}\n`).join('');
}

/** Reads a checkpoint's note text (the part before the blank line). */
export function parseCheckpoint(text: string): Checkpoint | 'malformed-checkpoint' {
  if (!text.endsWith('\n')) return 'malformed-checkpoint';
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((l) => l.length === 0)) return 'malformed-checkpoint';
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  const size = SIZE.test(sizeLine) ? Number(sizeLine) : NaN;
  const root = decodeBase64(rootLine);
  if (!Number.isSafeInteger(size) || !root || root.length !== HASH_SIZE) return 'malformed-checkpoint';
  return { origin, size, root, extensions };
}

/** The checkpoint as a note signed by the log key. */
export function signCheckpoint(cp: Checkpoint, logKey: SignerKey): string {
  const text = formatCheckpoint(cp);
  return formatNote(text, [signText(text, logKey)]);
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  note: Note;
}

/**
 * Opens a signed checkpoint: the log key (Ed25519) must have signed it, and its origin
 * must be the log's (the origin is what a witness and a verifier pin, with the key).
 * Other signature lines (cosignatures) are left for cosignature.ts.
 */
export function openCheckpoint(signed: string, origin: string, logKey: VerifierKey): OpenedCheckpoint | CheckpointProblem {
  if (logKey.type !== ED25519) return 'malformed-key';
  const opened = openNote(signed, [logKey]);
  if (typeof opened === 'string') return opened;
  const checkpoint = parseCheckpoint(opened.note.text);
  if (typeof checkpoint === 'string') return checkpoint;
  if (checkpoint.origin !== origin) return 'wrong-origin';
  return { checkpoint, note: opened.note };
}
