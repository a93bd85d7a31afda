/**
 * C2SP tlog-cosignature v1, Ed25519 (key type 0x04): a witness's note signature over
 * "cosignature/v1\ntime <t>\n" + the checkpoint's note text, written as
 * base64(keyID || u64 timestamp || Ed25519 signature). The timestamp is the witness's
 * statement of *when* it saw this checkpoint as the largest consistent one: the upper
 * bound on time that issue 15 is after. The time is a parameter (the core reads no clock).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { utf8 } from './bytes.ts';
import { COSIGNATURE_V1, parseNote, signatureLine, verifyEd25519, type NoteProblem, type SignerKey, type VerifierKey } from './note.ts';

const MAX_TIMESTAMP = 2n ** 63n - 1n;

export function cosignedMessage(checkpointText: string, timestamp: number): string {
  return `cosignature/v1\ntime ${timestamp}\n${checkpointText}`;
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`a cosignature time is a non-negative POSIX time in seconds, got ${timestamp}`);
}

/** The witness's signature line over a checkpoint's note text, at `timestamp` (POSIX seconds). */
export function cosign(checkpointText: string, witness: SignerKey, timestamp: number): string {
  if (witness.type !== COSIGNATURE_V1) throw new RangeError(`${witness.name} is not a cosignature (type 4) key`);
  checkTimestamp(timestamp);
  const body = new Uint8Array(72);
  new DataView(body.buffer).setBigUint64(0, BigInt(timestamp));
  body.set(ed25519.sign(utf8(cosignedMessage(checkpointText, timestamp)), witness.seed), 8);
  return signatureLine(witness.name, witness.keyId, body);
}

export interface Cosignature {
  witness: VerifierKey;
  /** POSIX seconds, as the witness signed it. */
  timestamp: number;
}

export type CosignatureProblem = NoteProblem | 'bad-timestamp';

/** One cosignature's check: the timestamp it carries, or why it fails. */
export function checkCosignature(witness: VerifierKey, checkpointText: string, signature: Uint8Array): number | CosignatureProblem {
  if (witness.type !== COSIGNATURE_V1 || signature.length !== 72) return 'bad-signature';
  const t = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  if (t > MAX_TIMESTAMP || t > BigInt(Number.MAX_SAFE_INTEGER)) return 'bad-timestamp';
  const timestamp = Number(t);
  return verifyEd25519(witness.publicKey, utf8(cosignedMessage(checkpointText, timestamp)), signature.subarray(8)) ? timestamp : 'bad-signature';
}

export interface CosignatureResult {
  /** Known witnesses whose cosignatures verified (one entry per witness). */
  cosignatures: Cosignature[];
  /** Known witnesses whose line is present but does not verify: a forged or altered cosignature. */
  failed: { witness: VerifierKey; problem: CosignatureProblem }[];
}

/**
 * The cosignatures on a signed checkpoint by the given witnesses. Lines by other keys are
 * ignored, as the signed-note spec requires; the log's own signature is checked elsewhere
 * (checkpoint.ts). Whether the quorum is met is the caller's policy (tlog-policy).
 */
export function readCosignatures(signed: string, witnesses: readonly VerifierKey[]): CosignatureResult | NoteProblem {
  const note = parseNote(signed);
  if (typeof note === 'string') return note;
  const result: CosignatureResult = { cosignatures: [], failed: [] };
  for (const sig of note.signatures) {
    const witness = witnesses.find((w) => w.type === COSIGNATURE_V1 && w.name === sig.name && w.keyId === sig.keyId);
    if (!witness) continue;
    const checked = checkCosignature(witness, note.text, sig.signature);
    if (typeof checked === 'number') {
      if (!result.cosignatures.some((c) => c.witness === witness)) result.cosignatures.push({ witness, timestamp: checked });
    } else result.failed.push({ witness, problem: checked });
  }
  return result;
}
