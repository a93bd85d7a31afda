/**
 * The pure halves of stamping and upgrading, as the reference client does them
 * (opentimestamps-client otsclient/cmds.py): the document's digest gets a random nonce
 * appended and is hashed again, so a calendar never learns the digest; the result is
 * the commitment sent to every calendar, and each calendar's answer is merged in at it.
 * An upgrade asks each pending calendar for the rest of the path from its commitment.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, toHex } from './bytes.ts';
import { addOp, checkCalendarUri, mergeTimestamp, newTimestamp, parseTimestamp, shrinkToBitcoin, type DetachedTimestamp, type Timestamp } from './timestamp.ts';

export const NONCE_LENGTH = 16;

export interface StampStart {
  file: DetachedTimestamp;
  /** The node the calendars' answers are merged into. */
  tip: Timestamp;
  /** What is POSTed to each calendar's /digest. */
  commitment: Uint8Array;
}

/** The proof's skeleton for `document`; the nonce comes from the caller (the core has no randomness). */
export function startStamp(document: Uint8Array, nonce: Uint8Array): StampStart {
  if (nonce.length !== NONCE_LENGTH) throw new RangeError(`the nonce is ${NONCE_LENGTH} bytes`);
  const root = newTimestamp(sha256(document));
  const tip = addOp(addOp(root, { kind: 'append', arg: nonce }), { kind: 'sha256' });
  return { file: { hashOp: 'sha256', timestamp: root }, tip, commitment: tip.msg };
}

/** Merges one calendar's answer (a bare timestamp for the commitment) into the proof. */
export function addCalendarAnswer(tip: Timestamp, answer: Uint8Array): void {
  mergeTimestamp(tip, parseTimestamp(answer, tip.msg));
}

export interface PendingCommitment {
  uri: string;
  /** The node whose message the calendar was given; its answer is merged here. */
  node: Timestamp;
  /** The hex of that message, for GET /timestamp/<hex>. */
  commitmentHex: string;
}

/** Every calendar that still owes an upgrade, with where to ask and where to merge. */
export function pendingCommitments(stamp: Timestamp): PendingCommitment[] {
  const own = stamp.attestations.flatMap((a) =>
    a.kind === 'pending' && checkCalendarUri(a.uri) ? [{ uri: a.uri, node: stamp, commitmentHex: toHex(stamp.msg) }] : [],
  );
  return [...own, ...stamp.ops.flatMap(({ stamp: child }) => pendingCommitments(child))];
}

/** Merges a calendar's upgrade answer at the node it was asked for. */
export function addUpgradeAnswer(pending: PendingCommitment, answer: Uint8Array): void {
  mergeTimestamp(pending.node, parseTimestamp(answer, pending.node.msg));
}

/** The proof reduced to one Bitcoin attestation, or null while none has come. */
export function shrinkProof(file: DetachedTimestamp): DetachedTimestamp | null {
  const timestamp = shrinkToBitcoin(file.timestamp);
  return timestamp ? { hashOp: file.hashOp, timestamp } : null;
}

/** True when `file` is a proof of exactly these document bytes. */
export function proofIsFor(file: DetachedTimestamp, document: Uint8Array): boolean {
  return file.hashOp === 'sha256' && bytesEqual(file.timestamp.msg, sha256(document));
}
