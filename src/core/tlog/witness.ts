/**
 * The witness's decision for a C2SP tlog-witness `add-checkpoint` request, as a pure
 * function (issue 15, item 2: `candor witness`): the log's signature, the old size against
 * the last checkpoint this witness cosigned, the consistency proof, then the cosignature.
 * The I/O edge keeps the state (atomically) and speaks HTTP; the status codes here are the
 * spec's, so that it only has to copy them.
 */
import { decodeBase64, encodeBase64 } from './bytes.ts';
import { openCheckpoint, parseCheckpoint } from './checkpoint.ts';
import { cosign } from './cosignature.ts';
import { checkConsistency, EMPTY_ROOT, HASH_SIZE, hashesEqual, type Hash } from './merkle.ts';
import { parseNote, type SignerKey, type VerifierKey } from './note.ts';

/** The spec allows at most 63 proof lines. */
const MAX_PROOF = 63;

export interface AddCheckpoint {
  oldSize: number;
  proof: Hash[];
  /** The signed checkpoint, verbatim. */
  checkpoint: string;
}

export function formatAddCheckpoint(req: AddCheckpoint): string {
  return `old ${req.oldSize}\n${req.proof.map((h) => `${encodeBase64(h)}\n`).join('')}\n${req.checkpoint}`;
}

export function parseAddCheckpoint(body: string): AddCheckpoint | null {
  const split = body.indexOf('\n\n');
  if (split < 0) return null;
  const [old, ...lines] = body.slice(0, split).split('\n');
  const m = /^old (0|[1-9][0-9]*)$/.exec(old ?? '');
  if (!m || !Number.isSafeInteger(Number(m[1])) || lines.length > MAX_PROOF) return null;
  const proof: Hash[] = [];
  for (const line of lines) {
    const h = decodeBase64(line);
    if (!h || h.length !== HASH_SIZE) return null;
    proof.push(h);
  }
  return { oldSize: Number(m[1]), proof, checkpoint: body.slice(split + 2) };
}

/** The last checkpoint this witness cosigned for a log (none yet: size 0). */
export interface WitnessRecord {
  size: number;
  root: Hash;
}

export interface WitnessedLog {
  origin: string;
  key: VerifierKey;
}

export type WitnessAnswer =
  { status: 200; lines: string[]; record: WitnessRecord } | { status: 400 | 403 | 404 | 422; reason: string } | { status: 409; reason: string; size: number };

/**
 * Answers one add-checkpoint request. `records` gives the last cosigned checkpoint per
 * origin; `now` is the cosignature time (POSIX seconds) the caller read from its clock.
 */
export function addCheckpoint(
  body: string,
  logs: readonly WitnessedLog[],
  records: (origin: string) => WitnessRecord | null,
  witness: SignerKey,
  now: number,
): WitnessAnswer {
  const req = parseAddCheckpoint(body);
  if (!req) return { status: 400, reason: 'not an add-checkpoint request' };
  const note = parseNote(req.checkpoint);
  const unsigned = typeof note === 'string' ? note : parseCheckpoint(note.text);
  if (typeof unsigned === 'string') return { status: 400, reason: `not a signed checkpoint (${unsigned})` };
  const log = logs.find((l) => l.origin === unsigned.origin);
  if (!log) return { status: 404, reason: `unknown log ${unsigned.origin}` };
  const opened = openCheckpoint(req.checkpoint, log.origin, log.key);
  if (typeof opened === 'string') return { status: 403, reason: `not signed by the log's key (${opened})` };
  const { size, root } = opened.checkpoint;
  if (req.oldSize > size) return { status: 400, reason: `old size ${req.oldSize} is larger than the checkpoint's ${size}` };
  const record = records(log.origin) ?? { size: 0, root: EMPTY_ROOT };
  if (req.oldSize !== record.size) return { status: 409, reason: `the last cosigned checkpoint has size ${record.size}`, size: record.size };
  if (size === 0 && !hashesEqual(root, EMPTY_ROOT)) return { status: 422, reason: 'an empty tree with a root that is not the empty hash' };
  // The spec: the same size with another root is a conflict (409), not a bad proof: a fork.
  if (size === record.size && !hashesEqual(root, record.root))
    return { status: 409, reason: `another root at the size it cosigned (${size}): a fork`, size: record.size };
  if (req.oldSize === 0) {
    if (req.proof.length > 0) return { status: 422, reason: 'a consistency proof from the empty tree' };
  } else {
    const problem = checkConsistency(record.size, size, req.proof, record.root, root);
    if (problem) return { status: 422, reason: `not consistent with the last cosigned checkpoint (${problem})` };
  }
  return { status: 200, lines: [cosign(opened.note.text, witness, now)], record: { size, root } };
}
