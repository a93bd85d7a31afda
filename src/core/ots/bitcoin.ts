/**
 * Bitcoin block headers, checked the way a node checks them without the rest of the
 * chain: the double SHA-256 of the 80 bytes must be at or below the target its own
 * nBits field encodes, that target must be no easier than a pinned minimum, and each
 * header must name the previous one's hash. A header that only "contains the merkle
 * root" proves nothing: anyone can write one; mining one at the pinned difficulty is
 * what costs.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, fromHex, toHex } from './bytes.ts';

export const HEADER_LENGTH = 80;

export interface BlockHeader {
  raw: Uint8Array;
  version: number;
  /** Internal byte order, as in the header. */
  prevHash: Uint8Array;
  /** Internal byte order: what an OpenTimestamps Bitcoin attestation commits to. */
  merkleRoot: Uint8Array;
  /** Unix seconds, as the miner set it (within about two hours of the real time). */
  time: number;
  bits: number;
  nonce: number;
  /** Internal byte order (the display form, as explorers show it, is reversed). */
  hash: Uint8Array;
}

const u32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0, true);

export function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

export function parseHeader(raw: Uint8Array): BlockHeader {
  if (raw.length !== HEADER_LENGTH) throw new RangeError(`a block header is ${HEADER_LENGTH} bytes, not ${raw.length}`);
  return {
    raw,
    version: u32(raw, 0),
    prevHash: raw.slice(4, 36),
    merkleRoot: raw.slice(36, 68),
    time: u32(raw, 68),
    bits: u32(raw, 72),
    nonce: u32(raw, 76),
    hash: sha256d(raw),
  };
}

/** A hash as block explorers write it: byte-reversed hex. */
export function displayHash(internal: Uint8Array): string {
  return toHex(internal.slice().reverse());
}

export function fromDisplayHash(hex: string): Uint8Array {
  return fromHex(hex).reverse();
}

/**
 * The target nBits encodes (Bitcoin's compact form, arith_uint256::SetCompact), or null
 * for an encoding no valid block has: negative, zero, or overflowing 256 bits.
 */
export function targetFromBits(bits: number): bigint | null {
  const exponent = bits >>> 24;
  const mantissa = bits & 0x007fffff;
  if (bits & 0x00800000) return null;
  if (mantissa === 0) return null;
  if (exponent > 34 || (mantissa > 0xff && exponent > 33) || (mantissa > 0xffff && exponent > 32)) return null;
  const m = BigInt(mantissa);
  return exponent <= 3 ? m >> BigInt(8 * (3 - exponent)) : m << BigInt(8 * (exponent - 3));
}

/** The hash as the number compared with the target (little-endian bytes). */
export function hashValue(internal: Uint8Array): bigint {
  return BigInt(`0x${displayHash(internal)}`);
}

/** Difficulty 1 (bits 0x1d00ffff) over the target: the number people quote. */
export function difficulty(bits: number): number {
  const target = targetFromBits(bits);
  if (target === null) return 0;
  const one = targetFromBits(0x1d00ffff)!;
  // Scaled so that the division keeps six digits of precision.
  return Number((one * 1_000_000n) / target) / 1_000_000;
}

export type HeaderProblem =
  | { code: 'OTS_HEADER_BITS_INVALID'; index: number }
  | { code: 'OTS_HEADER_POW_INVALID'; index: number }
  | { code: 'OTS_HEADER_DIFFICULTY_TOO_LOW'; index: number }
  | { code: 'OTS_HEADER_CHAIN_BROKEN'; index: number };

/**
 * Checks a run of consecutive headers. `minimumBits` is the pinned floor: a header whose
 * target is larger (easier) than the floor's is refused whatever its hash.
 */
export function checkHeaderChain(headers: BlockHeader[], minimumBits: number): HeaderProblem[] {
  const floor = targetFromBits(minimumBits);
  if (floor === null) throw new RangeError(`the pinned minimum nBits 0x${minimumBits.toString(16)} is not a valid target`);
  const problems: HeaderProblem[] = [];
  headers.forEach((h, index) => {
    const target = targetFromBits(h.bits);
    if (target === null) problems.push({ code: 'OTS_HEADER_BITS_INVALID', index });
    else {
      if (target > floor) problems.push({ code: 'OTS_HEADER_DIFFICULTY_TOO_LOW', index });
      if (hashValue(h.hash) > target) problems.push({ code: 'OTS_HEADER_POW_INVALID', index });
    }
    const previous = headers[index - 1];
    if (previous && !bytesEqual(h.prevHash, previous.hash)) problems.push({ code: 'OTS_HEADER_CHAIN_BROKEN', index });
  });
  return problems;
}
