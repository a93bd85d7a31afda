/**
 * The operations on the edges of a timestamp tree, with the reference client's tags,
 * limits and order (python-opentimestamps core/op.py). Each takes the message at its
 * node and gives the message of the next.
 */
import { ripemd160, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { compareBytes, concat, toHex } from './bytes.ts';
import { OtsFormatError } from './errors.ts';

export type HashOpKind = 'sha1' | 'ripemd160' | 'sha256' | 'keccak256';
export type Op = { kind: 'append'; arg: Uint8Array } | { kind: 'prepend'; arg: Uint8Array } | { kind: 'reverse' } | { kind: 'hexlify' } | { kind: HashOpKind };

/** Tags from RFC 4880 for the hashes, 0xf0… for the others, as the reference uses them. */
export const OP_TAG = { sha1: 0x02, ripemd160: 0x03, sha256: 0x08, keccak256: 0x67, append: 0xf0, prepend: 0xf1, reverse: 0xf2, hexlify: 0xf3 } as const;
const BY_TAG = new Map<number, Op['kind']>(Object.entries(OP_TAG).map(([k, v]) => [v, k as Op['kind']]));
export const DIGEST_LENGTH: Record<HashOpKind, number> = { sha1: 20, ripemd160: 20, sha256: 32, keccak256: 32 };
const HASHES: Record<HashOpKind, (m: Uint8Array) => Uint8Array> = { sha1, ripemd160, sha256, keccak256: keccak_256 };

/** Bounds the memory a verifier needs on one path; append/prepend arguments too. */
export const MAX_RESULT_LENGTH = 4096;
export const MAX_MSG_LENGTH = 4096;

export function isHashOp(kind: string): kind is HashOpKind {
  return Object.hasOwn(DIGEST_LENGTH, kind);
}

export function opTag(op: Op): number {
  return OP_TAG[op.kind];
}

export function opKindForTag(tag: number): Op['kind'] | undefined {
  return BY_TAG.get(tag);
}

function invalid(op: Op, why: string): OtsFormatError {
  return new OtsFormatError('OTS_OP_INVALID', `the operation ${op.kind} cannot apply here`, { expected: 'a message the operation accepts', received: why });
}

/** Applies one operation; refuses what the reference refuses (too long, empty). */
export function applyOp(op: Op, msg: Uint8Array): Uint8Array {
  const maxMsg = op.kind === 'hexlify' ? MAX_RESULT_LENGTH / 2 : MAX_MSG_LENGTH;
  if (msg.length > maxMsg) throw invalid(op, `a message of ${msg.length} bytes (at most ${maxMsg})`);
  let result: Uint8Array;
  switch (op.kind) {
    case 'append':
      result = concat(msg, op.arg);
      break;
    case 'prepend':
      result = concat(op.arg, msg);
      break;
    case 'reverse':
      if (msg.length === 0) throw invalid(op, 'an empty message');
      result = msg.slice().reverse();
      break;
    case 'hexlify':
      if (msg.length === 0) throw invalid(op, 'an empty message');
      result = new TextEncoder().encode(toHex(msg));
      break;
    default:
      result = HASHES[op.kind](msg);
  }
  // An empty result would let the commitment graph loop back on itself.
  if (result.length === 0) throw invalid(op, 'an empty result');
  if (result.length > MAX_RESULT_LENGTH) throw invalid(op, `a result of ${result.length} bytes (at most ${MAX_RESULT_LENGTH})`);
  return result;
}

/** The reference's order: by tag, then by argument (bytes order). Serialization sorts by it. */
export function compareOps(a: Op, b: Op): number {
  const byTag = opTag(a) - opTag(b);
  if (byTag !== 0) return byTag;
  return 'arg' in a && 'arg' in b ? compareBytes(a.arg, b.arg) : 0;
}

export function opsEqual(a: Op, b: Op): boolean {
  return compareOps(a, b) === 0;
}

export function describeOp(op: Op): string {
  return 'arg' in op ? `${op.kind} ${toHex(op.arg)}` : op.kind;
}
