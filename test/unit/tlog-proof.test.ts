/**
 * C2SP tlog-proof files: the encoding cases of transparency-dev/formats
 * (proof/tlog_proof_test.go at 0b850f1a7b4a5b70deeacac6535e4b8023809d21, rebuilt here from
 * its inputs), and end-to-end proofs for the entries of the tessera log in
 * test/fixtures/tlog/tessera/, cosigned by local witnesses.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cosign } from '../../src/core/tlog/cosignature.ts';
import { inclusionProof, leafHash } from '../../src/core/tlog/merkle.ts';
import { addSignatures, COSIGNATURE_V1, parseNote, parseVerifierKey, signerFromSeed, type VerifierKey } from '../../src/core/tlog/note.ts';
import { formatTlogProof, parseTlogProof, verifyTlogProof } from '../../src/core/tlog/proof.ts';
import { tileHashes, tilePath } from '../../src/core/tlog/tiles.ts';

const sha = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('tlog-proof encoding (transparency-dev/formats cases)', () => {
  const [h1, h2] = [sha('hash1'), sha('hash2')];
  const extra = new TextEncoder().encode('extra information');
  it.each([
    [
      'without extra data',
      { index: 5, proof: [h1, h2], checkpoint: 'test checkpoint\n' },
      `c2sp.org/tlog-proof@v1\nindex 5\n${b64(h1)}\n${b64(h2)}\n\ntest checkpoint\n`,
    ],
    [
      'with extra data',
      { index: 10, proof: [h1], checkpoint: 'checkpoint data\n', extra },
      `c2sp.org/tlog-proof@v1\nextra ${b64(extra)}\nindex 10\n${b64(h1)}\n\ncheckpoint data\n`,
    ],
    ['with no hashes', { index: 0, proof: [], checkpoint: 'checkpoint\n' }, 'c2sp.org/tlog-proof@v1\nindex 0\n\ncheckpoint\n'],
  ])('%s', (_, proof, want) => {
    expect(formatTlogProof(proof)).toBe(want);
    expect(parseTlogProof(want)).toEqual(proof);
  });

  it.each([
    ['a missing header', 'wrong-header\nindex 0\n\ncheckpoint\n'],
    ['extra data not in base64', 'c2sp.org/tlog-proof@v1\nextra !!notbase64!!\nindex 0\n\ncheckpoint\n'],
    ['no index', 'c2sp.org/tlog-proof@v1\n\n\ncheckpoint\n'],
    ['an index that is not a number', 'c2sp.org/tlog-proof@v1\nindex notanumber\n\ncheckpoint\n'],
    ['a negative index', 'c2sp.org/tlog-proof@v1\nindex -5\n\ncheckpoint\n'],
    ['a leading zero', 'c2sp.org/tlog-proof@v1\nindex 05\n\ncheckpoint\n'],
    ['a hash not in base64', 'c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\ncheckpoint\n'],
    ['a hash of 64 bytes', `c2sp.org/tlog-proof@v1\nindex 0\n${b64(new Uint8Array(64))}\n\ncheckpoint\n`],
    ['no blank line', 'c2sp.org/tlog-proof@v1\nindex 0\n'],
  ])('refuses %s', (_, text) => expect(parseTlogProof(text)).toBe('malformed-proof'));
});

describe('proofs for the tessera log, cosigned by local witnesses', () => {
  const TESSERA = path.join(import.meta.dirname, '..', 'fixtures', 'tlog', 'tessera');
  const logKey = parseVerifierKey('example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx') as VerifierKey;
  const origin = 'example.com/log/testdata';
  const entries = 'one two three four five six seven eit nain ten ileven twelf threeten fourten fivten'.split(' ');
  const signed = readFileSync(path.join(TESSERA, 'checkpoint'), 'utf8');
  const read = tileHashes(15, (t) => new Uint8Array(readFileSync(path.join(TESSERA, tilePath(t)))));
  const w1 = signerFromSeed('witness.one.example', new Uint8Array(32).fill(1), COSIGNATURE_V1);
  const w2 = signerFromSeed('witness.two.example', new Uint8Array(32).fill(2), COSIGNATURE_V1);
  const note = parseNote(signed);
  if (typeof note === 'string') throw new Error(note);
  const cosigned = addSignatures(note, [cosign(note.text, w1, 1_796_000_000), cosign(note.text, w2, 1_796_000_100)]);
  const proofFor = (i: number) => formatTlogProof({ index: i, proof: inclusionProof(i, 15, read), checkpoint: cosigned });
  const leaf = (i: number) => leafHash(new TextEncoder().encode(entries[i]));
  const trust = { origin, logKey, witnesses: [w1, w2] };

  it.each(entries.map((_, i) => i))('entry %i verifies offline with both cosignatures and their times', (i) => {
    const result = verifyTlogProof(proofFor(i), leaf(i), trust);
    if (typeof result === 'string') throw new Error(result);
    expect(result.checkpoint.size).toBe(15);
    expect(result.cosignatures.map((c) => [c.witness.name, c.timestamp])).toEqual([
      ['witness.one.example', 1_796_000_000],
      ['witness.two.example', 1_796_000_100],
    ]);
    expect(result.failedCosignatures).toEqual([]);
  });

  it('refuses another entry, another index, another origin, another log key', () => {
    expect(verifyTlogProof(proofFor(3), leaf(4), trust)).toBe('root-mismatch');
    expect(verifyTlogProof(proofFor(3).replace('index 3', 'index 2'), leaf(3), trust)).toBe('root-mismatch');
    expect(verifyTlogProof(proofFor(3), leaf(3), { ...trust, origin: 'example.com/other' })).toBe('wrong-origin');
    expect(verifyTlogProof(proofFor(3), leaf(3), { ...trust, logKey: signerFromSeed(origin, new Uint8Array(32).fill(9)) })).toBe('no-known-signature');
    expect(verifyTlogProof(proofFor(3).replace('index 3', 'index 15'), leaf(3), trust)).toBe('index-out-of-range');
  });

  it('reports a cosignature made for another checkpoint as failed, not as a witness', () => {
    const other = cosign(note.text.replace('\n15\n', '\n16\n'), w2, 1_796_000_100);
    const mixed = addSignatures(note, [cosign(note.text, w1, 1_796_000_000), other]);
    const result = verifyTlogProof(formatTlogProof({ index: 0, proof: inclusionProof(0, 15, read), checkpoint: mixed }), leaf(0), trust);
    if (typeof result === 'string') throw new Error(result);
    expect(result.cosignatures.map((c) => c.witness.name)).toEqual(['witness.one.example']);
    expect(result.failedCosignatures.map((f) => [f.witness.name, f.problem])).toEqual([['witness.two.example', 'bad-signature']]);
  });
});
