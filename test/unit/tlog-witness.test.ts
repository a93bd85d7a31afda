/**
 * The witness's add-checkpoint decision (C2SP tlog-witness): the spec's request example,
 * the tessera log cosigned as it grows, and every refusal the spec names (unknown log,
 * bad signature, old size too large or not the recorded one, a fork of the same size, a
 * bad proof, a proof from the empty tree, an empty tree with a wrong root).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../src/core/tlog/checkpoint.ts';
import { readCosignatures } from '../../src/core/tlog/cosignature.ts';
import { consistencyProof, leafHash, memoryTree, treeHash, type Hash } from '../../src/core/tlog/merkle.ts';
import { addSignatures, COSIGNATURE_V1, parseNote, parseVerifierKey, signerFromSeed, type VerifierKey } from '../../src/core/tlog/note.ts';
import { addCheckpoint, formatAddCheckpoint, parseAddCheckpoint, type WitnessRecord } from '../../src/core/tlog/witness.ts';
import { tileHashes, tilePath } from '../../src/core/tlog/tiles.ts';

const witness = signerFromSeed('witness.example', new Uint8Array(32).fill(1), COSIGNATURE_V1);
const NOW = 1_796_000_000;

describe('request encoding', () => {
  it('reads the spec example (tlog-witness, add-checkpoint)', () => {
    const body = `old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
`;
    const req = parseAddCheckpoint(body);
    expect(req?.oldSize).toBe(20852014);
    expect(req?.proof.length).toBe(4);
    expect(req && formatAddCheckpoint(req)).toBe(body);
  });

  it.each([
    ['no old line', 'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n\ncp\n'],
    ['a leading zero', 'old 01\n\ncp\n'],
    ['a short hash', 'old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpka==\n\ncp\n'],
    ['64 proof lines', `old 1\n${'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n'.repeat(64)}\ncp\n`],
    ['no blank line', 'old 1\n'],
  ])('refuses %s', (_, body) => expect(parseAddCheckpoint(body)).toBeNull());
});

describe('cosigning the tessera log as it grows', () => {
  const TESSERA = path.join(import.meta.dirname, '..', 'fixtures', 'tlog', 'tessera');
  const origin = 'example.com/log/testdata';
  const key = parseVerifierKey('example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx') as VerifierKey;
  const checkpoint = (n: number) => readFileSync(path.join(TESSERA, `checkpoint.${n}`), 'utf8');
  const read = tileHashes(15, (t) => new Uint8Array(readFileSync(path.join(TESSERA, tilePath(t)))));

  it('cosigns 0 → 5 → 15, and the cosignature verifies on the checkpoint', () => {
    let record: WitnessRecord | null = null;
    for (const [old, size] of [
      [0, 5],
      [5, 15],
    ] as const) {
      const body = formatAddCheckpoint({ oldSize: old, proof: old === 0 ? [] : consistencyProof(old, size, read), checkpoint: checkpoint(size) });
      const answer = addCheckpoint(body, [{ origin, key }], () => record, witness, NOW + size);
      if (answer.status !== 200) throw new Error(answer.reason);
      record = answer.record;
      expect(record.size).toBe(size);
      const note = parseNote(checkpoint(size));
      if (typeof note === 'string') throw new Error(note);
      const cosigned = readCosignatures(addSignatures(note, answer.lines), [witness]);
      expect(typeof cosigned === 'string' ? cosigned : cosigned.cosignatures.map((c) => c.timestamp)).toEqual([NOW + size]);
    }
  });

  it('answers 409 with its size when the old size is not the one it cosigned, and 404 for another log', () => {
    const record = { size: 5, root: treeHash(5, read) };
    const body = formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: checkpoint(15) });
    expect(addCheckpoint(body, [{ origin, key }], () => record, witness, NOW)).toEqual({
      status: 409,
      reason: 'the last cosigned checkpoint has size 5',
      size: 5,
    });
    expect(addCheckpoint(body, [{ origin: 'example.com/other', key }], () => record, witness, NOW).status).toBe(404);
  });

  it('answers 403 for a checkpoint not signed by the log key, or with a failing signature', () => {
    const body = formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: checkpoint(15) });
    const otherKey = signerFromSeed(origin, new Uint8Array(32).fill(7));
    expect(addCheckpoint(body, [{ origin, key: otherKey }], () => null, witness, NOW).status).toBe(403);
    const altered = formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: checkpoint(15).replace('\n15\n', '\n16\n') });
    expect(addCheckpoint(altered, [{ origin, key }], () => null, witness, NOW).status).toBe(403);
  });
});

describe('refusing a forked or inconsistent log', () => {
  const log = signerFromSeed('candor.example/log', new Uint8Array(32).fill(2));
  const logs = [{ origin: log.name, key: log }];
  const entries = (tag: string, n: number) => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(i === 3 ? tag : `entry ${i}`)));
  const honest = memoryTree(entries('entry 3', 10));
  const forked = memoryTree(entries('rewritten', 10));
  const signed = (size: number, root: Hash) => signCheckpoint({ origin: log.name, size, root, extensions: [] }, log);
  const seen: WitnessRecord = { size: 6, root: treeHash(6, honest.read) };

  it('cosigns the honest extension', () => {
    const body = formatAddCheckpoint({ oldSize: 6, proof: consistencyProof(6, 10, honest.read), checkpoint: signed(10, honest.root()) });
    expect(addCheckpoint(body, logs, () => seen, witness, NOW).status).toBe(200);
  });

  it('refuses a fork that rewrote an entry it had seen (422), whatever proof comes with it', () => {
    for (const proof of [consistencyProof(6, 10, forked.read), consistencyProof(6, 10, honest.read)]) {
      const body = formatAddCheckpoint({ oldSize: 6, proof, checkpoint: signed(10, forked.root()) });
      expect(addCheckpoint(body, logs, () => seen, witness, NOW).status).toBe(422);
    }
  });

  it('refuses a different root at the size it cosigned (409 with its size, as the spec says), and accepts the same one again', () => {
    expect(
      addCheckpoint(formatAddCheckpoint({ oldSize: 6, proof: [], checkpoint: signed(6, treeHash(6, forked.read)) }), logs, () => seen, witness, NOW),
    ).toMatchObject({ status: 409, size: 6 });
    expect(addCheckpoint(formatAddCheckpoint({ oldSize: 6, proof: [], checkpoint: signed(6, seen.root) }), logs, () => seen, witness, NOW).status).toBe(200);
  });

  it('refuses a rollback (400), a proof from the empty tree (422), an empty tree with a wrong root (422)', () => {
    expect(
      addCheckpoint(formatAddCheckpoint({ oldSize: 6, proof: [], checkpoint: signed(4, treeHash(4, honest.read)) }), logs, () => seen, witness, NOW).status,
    ).toBe(400);
    expect(
      addCheckpoint(formatAddCheckpoint({ oldSize: 0, proof: [honest.root()], checkpoint: signed(10, honest.root()) }), logs, () => null, witness, NOW).status,
    ).toBe(422);
    expect(addCheckpoint(formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: signed(0, honest.root()) }), logs, () => null, witness, NOW).status).toBe(
      422,
    );
  });
});
