/**
 * RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs (decision 0030).
 *
 * Proofs are computed from the hashes of *complete* subtrees only (2^level leaves starting
 * at index * 2^level), read through a `SubtreeHashes` function: an in-memory tree
 * (`memoryTree`) and the C2SP tiles (`tiles.ts`) both provide one, so a proof read back
 * from the published tiles is computed by the same code as one made while appending.
 * Verification follows the step-by-step algorithms of RFC 9162 2.1.3.2 and 2.1.4.2, which
 * are correct for trees that are not full (a naive index-parity walk is not).
 */
import { sha256 } from '@noble/hashes/sha2.js';

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

/** The hash of complete subtree `index` at `level` (2^level leaves); it must exist. */
export type SubtreeHashes = (level: number, index: number) => Hash;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

export function leafHash(entry: Uint8Array): Hash {
  const input = new Uint8Array(entry.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(entry, 1);
  return sha256(input);
}

export function nodeHash(left: Hash, right: Hash): Hash {
  const input = new Uint8Array(left.length + right.length + 1);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** Tree sizes and indices are JavaScript integers: 2^53 leaves is far beyond any canary log. */
function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/** The largest power of two strictly smaller than n (n ≥ 2): RFC 6962's split point k. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** By arithmetic, not bitwise operators: those truncate to 32 bits, and sizes may exceed 2^31. */
function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

function log2(n: number): number {
  return Math.round(Math.log2(n));
}

/** MTH(D[lo:hi]); the recursion only ever reaches aligned complete subtrees. */
function subtreeRoot(lo: number, hi: number, read: SubtreeHashes): Hash {
  const n = hi - lo;
  if (isPowerOfTwo(n)) {
    const level = log2(n);
    return read(level, lo / n);
  }
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(lo, lo + k, read), subtreeRoot(lo + k, hi, read));
}

/** MTH(D[0:size]). */
export function treeHash(size: number, read: SubtreeHashes): Hash {
  checkSize('size', size);
  return size === 0 ? EMPTY_ROOT : subtreeRoot(0, size, read);
}

/** PATH(m, D[lo:hi]) of RFC 6962 2.1.1, from the bottom up. */
function path(m: number, lo: number, hi: number, read: SubtreeHashes): Hash[] {
  const n = hi - lo;
  if (n === 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...path(m, lo, lo + k, read), subtreeRoot(lo + k, hi, read)];
  return [...path(m - k, lo + k, hi, read), subtreeRoot(lo, lo + k, read)];
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 2.1.3.1). */
export function inclusionProof(index: number, size: number, read: SubtreeHashes): Hash[] {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`);
  return path(index, 0, size, read);
}

/** SUBPROOF(m, D[lo:hi], b) of RFC 6962 2.1.2. */
function subproof(m: number, lo: number, hi: number, complete: boolean, read: SubtreeHashes): Hash[] {
  const n = hi - lo;
  if (m === n) return complete ? [] : [subtreeRoot(lo, hi, read)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(m, lo, lo + k, complete, read), subtreeRoot(lo + k, hi, read)];
  return [...subproof(m - k, lo + k, hi, false, read), subtreeRoot(lo, lo + k, read)];
}

/**
 * The consistency proof from the tree of `size1` leaves to the tree of `size2` leaves
 * (RFC 9162 2.1.4.1); empty when the sizes are equal or size1 is 0 (nothing to prove).
 */
export function consistencyProof(size1: number, size2: number, read: SubtreeHashes): Hash[] {
  checkSize('size1', size1);
  checkSize('size2', size2);
  if (size1 > size2) throw new RangeError(`a tree of ${size1} leaves cannot be a prefix of one of ${size2}`);
  if (size1 === 0 || size1 === size2) return [];
  return subproof(size1, 0, size2, true, read);
}

export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Why a proof failed, for the verifier's reasons; null when it holds. */
export type ProofProblem =
  | 'index-out-of-range'
  | 'size-order'
  | 'bad-hash-length'
  | 'wrong-proof-length'
  | 'root-mismatch'
  | 'proof-not-empty'
  | 'empty-proof'
  | 'from-empty-tree'
  | 'bad-number';

const badNumber = (...ns: number[]) => ns.some((n) => !Number.isSafeInteger(n) || n < 0);

function allHashes(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((h) => h.length === HASH_SIZE);
}

/** Right-shifts fn and sn until LSB(fn) is set or fn is 0 (RFC 9162's inner loop). */
function shiftUntilOdd(fn: number, sn: number): [number, number] {
  while (fn % 2 === 0 && fn !== 0) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return [fn, sn];
}

/** RFC 9162 2.1.3.2: does `proof` show leaf `index` (hash `leaf`) in the tree (`size`, `root`)? */
export function checkInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): ProofProblem | null {
  if (badNumber(index, size)) return 'bad-number';
  if (index >= size) return 'index-out-of-range';
  // A root of another length simply does not match (as in transparency-dev/merkle).
  if (leaf.length !== HASH_SIZE || !allHashes(proof)) return 'bad-hash-length';
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return 'wrong-proof-length';
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      [fn, sn] = shiftUntilOdd(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return 'wrong-proof-length';
  return hashesEqual(r, root) ? null : 'root-mismatch';
}

/**
 * RFC 9162 2.1.4.2: is the tree (`size2`, `root2`) an append-only extension of
 * (`size1`, `root1`)? Equal sizes need an empty proof and equal roots. A proof from the
 * empty tree, even to the empty tree, is refused as meaningless (as transparency-dev/merkle
 * does): a caller that remembers no checkpoint, or one of size 0, has nothing to check.
 */
export function checkConsistency(size1: number, size2: number, proof: readonly Hash[], root1: Hash, root2: Hash): ProofProblem | null {
  if (badNumber(size1, size2)) return 'bad-number';
  if (size2 < size1) return 'size-order';
  if (!allHashes(proof)) return 'bad-hash-length';
  if (size1 === 0) return 'from-empty-tree';
  if (size1 === size2) {
    if (proof.length > 0) return 'proof-not-empty';
    return hashesEqual(root1, root2) ? null : 'root-mismatch';
  }
  if (proof.length === 0) return 'empty-proof';
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return 'wrong-proof-length';
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      [fn, sn] = shiftUntilOdd(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return 'wrong-proof-length';
  return hashesEqual(fr, root1) && hashesEqual(sr, root2) ? null : 'root-mismatch';
}

/**
 * An in-memory tree of leaf hashes that keeps every complete subtree hash, level by level,
 * so that appending n leaves costs n hashes and any proof is read without rehashing.
 */
export interface MemoryTree {
  readonly size: number;
  append(leafHashes: readonly Hash[]): void;
  read: SubtreeHashes;
  root(): Hash;
}

export function memoryTree(initial: readonly Hash[] = []): MemoryTree {
  const levels: Hash[][] = [[]];
  const tree: MemoryTree = {
    get size() {
      return levels[0]!.length;
    },
    append(leafHashes) {
      for (const h of leafHashes) {
        if (h.length !== HASH_SIZE) throw new RangeError(`a leaf hash has ${HASH_SIZE} bytes, got ${h.length}`);
        levels[0]!.push(h);
        // Complete every subtree this leaf closes: while the row has an even length.
        for (let level = 0; levels[level]!.length % 2 === 0; level++) {
          const row = levels[level]!;
          if (!levels[level + 1]) levels.push([]);
          levels[level + 1]!.push(nodeHash(row[row.length - 2]!, row[row.length - 1]!));
        }
      }
    },
    read(level, index) {
      const h = levels[level]?.[index];
      if (!h) throw new RangeError(`no complete subtree ${index} at level ${level} in a tree of ${levels[0]!.length} leaves`);
      return h;
    },
    root() {
      return treeHash(levels[0]!.length, tree.read);
    },
  };
  tree.append(initial);
  return tree;
}
