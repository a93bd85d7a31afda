/**
 * RFC 6962 / 9162 Merkle trees held to public vectors (test/fixtures/tlog/README.md):
 * the reference tree of transparency-dev/merkle, its generated verification corpus
 * (happy paths and one mutation per file), and properties over random trees.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkConsistency,
  checkInclusion,
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  memoryTree,
  nodeHash,
  treeHash,
} from '../../src/core/tlog/merkle.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'tlog');
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const b64 = (s: string | null) => new Uint8Array(Buffer.from(s ?? '', 'base64'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface TreeVectors {
  hasher: { desc: string; kind: 'empty' | 'leaf' | 'node'; input?: string; left?: string; right?: string; want: string }[];
  leaves: string[];
  nodeHashes: string[][];
  roots: string[];
  inclusion: { index: number; size: number; proof: string[] }[];
  consistency: { size1: number; size2: number; proof: string[] }[];
}
const vectors = JSON.parse(readFileSync(path.join(FIXTURES, 'rfc6962-tree.json'), 'utf8')) as TreeVectors;
const leaves = vectors.leaves.map((l) => leafHash(hex(l)));

/** Every *.json file under a folder, with its path relative to the fixtures. */
interface CorpusCase {
  leafIdx: number;
  treeSize: number;
  leafHash: string;
  root: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
function corpus(sub: string): { file: string; data: CorpusCase }[] {
  const dir = path.join(FIXTURES, 'transparency-dev', sub);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: `${sub}/${f}`, data: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CorpusCase }));
}

describe('RFC 6962 hashing', () => {
  it.each(vectors.hasher)('$desc', (v) => {
    const got = v.kind === 'empty' ? EMPTY_ROOT : v.kind === 'leaf' ? leafHash(hex(v.input!)) : nodeHash(hex(v.left!), hex(v.right!));
    expect(toHex(got)).toBe(v.want);
  });

  it('keeps every complete subtree hash of the reference tree', () => {
    const tree = memoryTree(leaves);
    vectors.nodeHashes.forEach((row, level) => row.forEach((h, index) => expect(toHex(tree.read(level, index)), `level ${level} index ${index}`).toBe(h)));
  });

  it('computes the root of every prefix of the reference tree, full or not', () => {
    const tree = memoryTree(leaves);
    vectors.roots.forEach((root, size) => expect(toHex(treeHash(size, tree.read)), `size ${size}`).toBe(root));
    // Appending one leaf at a time gives the same roots as building at once.
    const grown = memoryTree();
    for (let size = 1; size <= leaves.length; size++) {
      grown.append([leaves[size - 1]!]);
      expect(toHex(grown.root())).toBe(vectors.roots[size]);
    }
  });
});

describe('proof generation matches the reference proofs', () => {
  const tree = memoryTree(leaves);
  it.each(vectors.inclusion)('inclusion of leaf $index in $size', (v) => {
    const proof = inclusionProof(v.index, v.size, tree.read);
    expect(proof.map(toHex)).toEqual(v.proof);
    expect(checkInclusion(v.index, v.size, leaves[v.index]!, proof, hex(vectors.roots[v.size]!))).toBeNull();
  });
  it.each(vectors.consistency)('consistency $size1 → $size2', (v) => {
    const proof = consistencyProof(v.size1, v.size2, tree.read);
    expect(proof.map(toHex)).toEqual(v.proof);
    expect(checkConsistency(v.size1, v.size2, proof, hex(vectors.roots[v.size1]!), hex(vectors.roots[v.size2]!))).toBeNull();
  });
  it('refuses impossible requests', () => {
    expect(() => inclusionProof(8, 8, tree.read)).toThrow(RangeError);
    expect(() => consistencyProof(5, 4, tree.read)).toThrow(RangeError);
    expect(() => treeHash(9, tree.read)).toThrow(RangeError);
  });
});

describe('the transparency-dev verification corpus', () => {
  const inclusion = corpus('inclusion');
  const consistency = corpus('consistency');
  it('has the files the README lists', () => {
    expect(inclusion.length).toBe(98);
    expect(consistency.length).toBe(98);
  });
  it.each(inclusion)('$file', ({ data }) => {
    const problem = checkInclusion(data.leafIdx, data.treeSize, b64(data.leafHash), (data.proof ?? []).map(b64), b64(data.root));
    if (data.wantErr) expect(problem, data.desc).not.toBeNull();
    else expect(problem, data.desc).toBeNull();
  });
  it.each(consistency)('$file', ({ data }) => {
    const problem = checkConsistency(data.size1, data.size2, (data.proof ?? []).map(b64), b64(data.root1), b64(data.root2));
    if (data.wantErr) expect(problem, data.desc).not.toBeNull();
    else expect(problem, data.desc).toBeNull();
  });
});

describe('properties over random trees', () => {
  const entries = (n: number) => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));
  const bigTree = memoryTree(entries(601));

  it('every leaf of a random size has an inclusion proof that verifies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.nat(), (size, pick) => {
        const index = pick % size;
        const root = treeHash(size, bigTree.read);
        const proof = inclusionProof(index, size, bigTree.read);
        expect(checkInclusion(index, size, bigTree.read(0, index), proof, root)).toBeNull();
        // The same leaf does not verify at a neighbouring index or tree size.
        if (size > 1) expect(checkInclusion((index + 1) % size, size, bigTree.read(0, index), proof, root)).not.toBeNull();
        expect(checkInclusion(index, size + 1, bigTree.read(0, index), proof, treeHash(size + 1, bigTree.read))).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('consistency between random sizes m < n verifies, and not backwards', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 }), (a, b) => {
        const [m, n] = a < b ? [a, b] : [b, a];
        const proof = consistencyProof(m, n, bigTree.read);
        const [r1, r2] = [treeHash(m, bigTree.read), treeHash(n, bigTree.read)];
        expect(checkConsistency(m, n, proof, r1, r2)).toBeNull();
        if (m < n) expect(checkConsistency(m, n, proof, r2, r1)).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  const flip = (h: Uint8Array, bit: number) => {
    const copy = new Uint8Array(h);
    copy[bit >> 3]! ^= 1 << (bit & 7);
    return copy;
  };

  it('a flipped bit anywhere in a consistency proof or either root fails it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 600 }), fc.nat(), fc.nat(), fc.nat({ max: 255 }), (n, pick, which, bit) => {
        const m = (pick % (n - 1)) + 1;
        const parts = [treeHash(m, bigTree.read), treeHash(n, bigTree.read), ...consistencyProof(m, n, bigTree.read)];
        const target = which % parts.length;
        const bad = parts.map((h, i) => (i === target ? flip(h, bit) : h));
        expect(checkConsistency(m, n, bad.slice(2), bad[0]!, bad[1]!)).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('a flipped bit anywhere in an inclusion proof, the leaf or the root fails it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.nat(), fc.nat(), fc.nat({ max: 255 }), (n, pick, which, bit) => {
        const index = pick % n;
        const parts = [bigTree.read(0, index), treeHash(n, bigTree.read), ...inclusionProof(index, n, bigTree.read)];
        const target = which % parts.length;
        const bad = parts.map((h, i) => (i === target ? flip(h, bit) : h));
        expect(checkInclusion(index, n, bad[0]!, bad.slice(2), bad[1]!)).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('works beyond 2^31 and 2^32 leaves, where 32-bit bitwise arithmetic would break', () => {
    // A tree of identical leaves is a real Merkle tree whose level-L hashes are all equal,
    // so a reader can serve any size without storing anything.
    const levels = [leafHash(new Uint8Array(0))];
    for (let l = 1; l <= 53; l++) levels.push(nodeHash(levels[l - 1]!, levels[l - 1]!));
    const read = (level: number) => levels[level]!;
    for (const [m, n, index] of [
      [2 ** 31 + 3, 2 ** 32 + 2 ** 31 + 5, 2 ** 32 + 2 ** 31 + 1],
      [2 ** 32, 2 ** 40 + 7, 2 ** 40 + 6],
      [2 ** 45 + 1, 2 ** 52 + 2 ** 31, 2 ** 33],
    ] as const) {
      const [r1, r2] = [treeHash(m, read), treeHash(n, read)];
      expect(checkInclusion(index, n, levels[0]!, inclusionProof(index, n, read), r2), `leaf ${index} of ${n}`).toBeNull();
      expect(checkConsistency(m, n, consistencyProof(m, n, read), r1, r2), `${m} → ${n}`).toBeNull();
      expect(checkConsistency(m + 1, n, consistencyProof(m, n, read), treeHash(m + 1, read), r2)).not.toBeNull();
    }
  });
});
