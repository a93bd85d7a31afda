/**
 * C2SP tlog-proof v1: a self-contained, offline-verifiable proof that an entry is in the
 * log, for a `.tlog-proof` file next to each canary: the header line, an optional `extra`
 * line, `index <n>`, the inclusion proof (one base64 hash a line, leaf's sibling first),
 * an empty line, then the signed checkpoint verbatim with its cosignatures.
 */
import { decodeBase64, encodeBase64 } from './bytes.ts';
import { openCheckpoint, type Checkpoint, type CheckpointProblem } from './checkpoint.ts';
import { readCosignatures, type Cosignature, type CosignatureResult } from './cosignature.ts';
import { checkInclusion, HASH_SIZE, type Hash, type ProofProblem } from './merkle.ts';
import type { VerifierKey } from './note.ts';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  /** Opaque, unauthenticated extra data (never trusted by itself). */
  extra?: Uint8Array;
  index: number;
  proof: Hash[];
  /** The signed checkpoint, verbatim. */
  checkpoint: string;
}

const INDEX = /^index (0|[1-9][0-9]*)$/;

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) throw new RangeError(`an entry index is a non-negative integer, got ${p.index}`);
  if (p.proof.some((h) => h.length !== HASH_SIZE)) throw new RangeError('an inclusion proof is a list of SHA-256 hashes');
  const lines = [TLOG_PROOF_HEADER, ...(p.extra ? [`extra ${encodeBase64(p.extra)}`] : []), `index ${p.index}`, ...p.proof.map(encodeBase64)];
  return `${lines.join('\n')}\n\n${p.checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof | 'malformed-proof' {
  const split = text.indexOf('\n\n');
  if (split < 0) return 'malformed-proof';
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (lines.shift() !== TLOG_PROOF_HEADER) return 'malformed-proof';
  let extra: Uint8Array | undefined;
  if (lines[0]?.startsWith('extra ')) {
    const bytes = decodeBase64(lines.shift()!.slice('extra '.length));
    if (!bytes) return 'malformed-proof';
    extra = bytes;
  }
  const m = INDEX.exec(lines.shift() ?? '');
  const index = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(index)) return 'malformed-proof';
  const proof: Hash[] = [];
  for (const line of lines) {
    const h = decodeBase64(line);
    if (!h || h.length !== HASH_SIZE) return 'malformed-proof';
    proof.push(h);
  }
  return { ...(extra ? { extra } : {}), index, proof, checkpoint };
}

export interface VerifiedTlogProof {
  checkpoint: Checkpoint;
  index: number;
  cosignatures: Cosignature[];
  failedCosignatures: CosignatureResult['failed'];
}

export type TlogProofProblem = 'malformed-proof' | CheckpointProblem | ProofProblem;

/**
 * The tlog-proof verification steps 2–4, for a leaf hash the caller computed (step 1):
 * the log key signed the checkpoint for the pinned origin, the witnesses' cosignatures
 * (checked, returned with their times; the quorum is the caller's policy), and the
 * inclusion proof binds the leaf to the checkpoint's root.
 */
export function verifyTlogProof(
  text: string,
  leaf: Hash,
  trust: { origin: string; logKey: VerifierKey; witnesses: readonly VerifierKey[] },
): VerifiedTlogProof | TlogProofProblem {
  const parsed = parseTlogProof(text);
  if (typeof parsed === 'string') return parsed;
  const opened = openCheckpoint(parsed.checkpoint, trust.origin, trust.logKey);
  if (typeof opened === 'string') return opened;
  const cosigned = readCosignatures(parsed.checkpoint, trust.witnesses);
  if (typeof cosigned === 'string') return cosigned;
  const inclusion = checkInclusion(parsed.index, opened.checkpoint.size, leaf, parsed.proof, opened.checkpoint.root);
  if (inclusion) return inclusion;
  return { checkpoint: opened.checkpoint, index: parsed.index, cosignatures: cosigned.cosignatures, failedCosignatures: cosigned.failed };
}
