/**
 * C2SP signed notes, checkpoints and cosignatures held to public vectors
 * (test/fixtures/tlog/README.md: golang.org/x/mod's sumdb/note, the signed-note spec's
 * example, a real sum.golang.org checkpoint) and to round-trip and tamper properties.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../src/core/tlog/bytes.ts';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from '../../src/core/tlog/checkpoint.ts';
import { cosign, cosignedMessage, readCosignatures } from '../../src/core/tlog/cosignature.ts';
import {
  addSignatures,
  COSIGNATURE_V1,
  decodeNote,
  formatSignerKey,
  formatVerifierKey,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signerFromSeed,
  signText,
  type VerifierKey,
} from '../../src/core/tlog/note.ts';

interface NoteVectors {
  signers: { vkey: string; text: string; signed: string }[];
  notes: {
    desc: string;
    vkeys: string[];
    text: string;
    note: string;
    verifiedBy?: string[];
    problem?: string;
    checkpoint?: { origin: string; size: number; root: string; extensions: string[] };
  }[];
  badVerifierKeys: { desc: string; vkey: string }[];
  witnessedCheckpoint: { note: string; text: string; origin: string; size: number; logKey: string; witnessKey: string };
}
const vectors = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'tlog', 'signed-notes.json'), 'utf8')) as NoteVectors;

function vkey(text: string): VerifierKey {
  const key = parseVerifierKey(text);
  if (typeof key === 'string') throw new Error(`${text}: ${key}`);
  return key;
}

/** A deterministic seed for tests (the core takes randomness from its caller). */
const seed = (n: number) => new Uint8Array(32).fill(n);

describe('verifier and signer keys', () => {
  it.each(vectors.notes.flatMap((n) => n.vkeys))('reads and writes %s unchanged', (text) => {
    expect(formatVerifierKey(vkey(text))).toBe(text);
  });

  it('refuses every truncation and every one-byte change of a good key (as x/mod does)', () => {
    const good = vectors.notes[0]!.vkeys[0]!;
    const mangled: string[] = [];
    for (let i = 0; i <= good.length; i++) for (let j = i + 1; j <= good.length; j++) if (i !== 0 || j !== good.length) mangled.push(good.slice(i, j));
    for (let i = 0; i < good.length; i++) mangled.push(good.slice(0, i) + String.fromCharCode(good.charCodeAt(i) + 1) + good.slice(i + 1));
    for (const bad of mangled) expect(typeof parseVerifierKey(bad), bad).toBe('string');
  });

  it.each(vectors.badVerifierKeys)('refuses a key: $desc', ({ vkey: text }) => {
    expect(typeof parseVerifierKey(text)).toBe('string');
  });

  it('a signer key made from a seed formats, parses back, and derives its verifier key', () => {
    const signer = signerFromSeed('Throwaway', seed(11));
    const skey = formatSignerKey(signer);
    const parsed = parseSignerKey(skey);
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(formatSignerKey(parsed)).toBe(skey);
    const verifier = parseVerifierKey(formatVerifierKey(parsed));
    if (typeof verifier === 'string') throw new Error(verifier);
    expect(formatVerifierKey(verifier)).toBe(formatVerifierKey(signer));
    // The key ID is part of the key: one that does not match is refused.
    const id = /\+([0-9a-f]{8})\+/.exec(skey)![1]!;
    const other = ((parseInt(id, 16) + 1) >>> 0).toString(16).padStart(8, '0');
    expect(parseSignerKey(skey.replace(`+${id}+`, `+${other}+`))).toBe('key-id-mismatch');
  });
});

describe('signed notes', () => {
  it.each(vectors.signers)("verifies x/mod's exact signature with $vkey", (v) => {
    const opened = openNote(v.signed, [vkey(v.vkey)]);
    if (typeof opened === 'string') throw new Error(opened);
    expect(opened.note.text).toBe(v.text);
  });

  it('what it signs opens with the derived verifier key, and fails with any other', () => {
    const signer = signerFromSeed('Throwaway', seed(12));
    const other = signerFromSeed('Throwaway', seed(13));
    const text = 'If a canary is signed,\nits history should be too.\n';
    const note = `${text}\n${signText(text, signer)}\n`;
    const opened = openNote(note, [vkey(formatVerifierKey(signer))]);
    if (typeof opened === 'string') throw new Error(opened);
    expect(opened.note.text).toBe(text);
    expect(typeof openNote(note, [vkey(formatVerifierKey(other))])).toBe('string');
  });

  it.each(vectors.notes)('$desc', (v) => {
    const opened = openNote(v.note, v.vkeys.map(vkey));
    if (v.problem) {
      expect(opened).toBe(v.problem);
      return;
    }
    if (typeof opened === 'string') throw new Error(opened);
    expect(opened.note.text).toBe(v.text);
    expect(opened.verifiedBy.map((k) => k.name)).toEqual(v.verifiedBy);
  });

  it('refuses malformed notes', () => {
    const good = vectors.notes[0]!.note;
    expect(parseNote(good.replace('\n\n', '\n'))).toBe('malformed-note');
    expect(parseNote(good.slice(0, -1))).toBe('malformed-note');
    expect(parseNote(good.replace('problem', 'pro\tblem'))).toBe('malformed-note');
    expect(parseNote(good.replace('— ', '-- '))).toBe('malformed-signature-line');
    expect(parseNote(good.replace('x08go', 'x08g'))).toBe('malformed-signature-line');
    expect(parseNote(`${good}\n`)).toBe('malformed-signature-line');
    const line = good.slice(good.lastIndexOf('— '));
    expect(parseNote(good + line.repeat(100))).toBe('too-many-signatures');
    expect(decodeNote(new Uint8Array([0x61, 0xff, 0x0a]))).toBeNull();
    expect(decodeNote(new TextEncoder().encode(good))).toBe(good);
  });

  it('a note may contain blank lines: the last one separates the signatures', () => {
    const signer = signerFromSeed('example.com/key', seed(7));
    const text = 'first\n\nsecond\n';
    const opened = openNote(`${text}\n${signText(text, signer)}\n`, [signer]);
    expect(typeof opened === 'string' ? opened : opened.note.text).toBe(text);
  });

  it('any change to a signed note is caught (property)', () => {
    const signer = signerFromSeed('example.com/key', seed(1));
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9 +/=]{1,20}$/), { minLength: 1, maxLength: 4 }), fc.nat(), (lines, pick) => {
        const text = lines.map((l) => `${l}\n`).join('');
        const signed = `${text}\n${signText(text, signer)}\n`;
        expect(typeof openNote(signed, [signer])).toBe('object');
        const at = pick % (text.length - 1);
        const changed = text.slice(0, at) + (text[at] === 'a' ? 'b' : 'a') + text.slice(at + 1);
        expect(openNote(signed.replace(text, changed), [signer])).toBe('bad-signature');
      }),
      { numRuns: 100 },
    );
  });
});

describe('checkpoints', () => {
  const sum = vectors.notes.find((n) => n.checkpoint)!;

  it('reads a real sum.golang.org checkpoint', () => {
    const opened = openCheckpoint(sum.note, sum.checkpoint!.origin, vkey(sum.vkeys[0]!));
    if (typeof opened === 'string') throw new Error(opened);
    expect(opened.checkpoint).toEqual({ ...sum.checkpoint, root: decodeBase64(sum.checkpoint!.root) });
    expect(formatCheckpoint(opened.checkpoint)).toBe(sum.text);
    expect(openCheckpoint(sum.note, 'Go rocks but I might have the wrong ID', vkey(sum.vkeys[0]!))).toBe('wrong-origin');
  });

  it.each([
    ['two lines', 'origin\n1\n'],
    ['a leading zero', 'origin\n01\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n'],
    ['a sign', 'origin\n+1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n'],
    ['a root of 31 bytes', 'origin\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Q==\n'],
    ['unpadded base64', 'origin\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk\n'],
    ['an empty extension line', 'origin\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\next\n'],
    ['an empty origin', '\n1\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n'],
    ['a size beyond 2^53', 'origin\n9007199254740993\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n'],
  ])('refuses a checkpoint with %s', (_, text) => {
    expect(parseCheckpoint(text)).toBe('malformed-checkpoint');
  });

  it('keeps extension lines and round-trips a signed checkpoint', () => {
    const log = signerFromSeed('candor.example/log', seed(2));
    const cp = { origin: 'candor.example/log', size: 42, root: new Uint8Array(32).fill(9), extensions: ['ext one'] };
    const opened = openCheckpoint(signCheckpoint(cp, log), cp.origin, log);
    if (typeof opened === 'string') throw new Error(opened);
    expect(opened.checkpoint).toEqual(cp);
    expect(openCheckpoint(signCheckpoint(cp, log), cp.origin, signerFromSeed('candor.example/log', seed(3)))).toBe('no-known-signature');
  });
});

describe('cosignatures (tlog-cosignature v1, Ed25519)', () => {
  const log = signerFromSeed('candor.example/log', seed(4));
  const w1 = signerFromSeed('witness.one.example', seed(5), COSIGNATURE_V1);
  const w2 = signerFromSeed('witness.two.example', seed(6), COSIGNATURE_V1);
  const checkpoint = signCheckpoint({ origin: 'candor.example/log', size: 3, root: new Uint8Array(32).fill(1), extensions: [] }, log);

  it('signs the spec message: cosignature/v1, the time line, then the checkpoint text', () => {
    expect(cosignedMessage('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 1679315147)).toBe(
      'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
  });

  it('verifies its own cosignatures with their timestamps, and ignores unknown witnesses', () => {
    const note = parseNote(checkpoint);
    if (typeof note === 'string') throw new Error(note);
    const text = note.text;
    const signed = addSignatures(note, [cosign(text, w1, 1_796_000_000), cosign(text, w2, 1_796_000_060)]);
    expect(readCosignatures(signed, [w1, w2])).toEqual({
      cosignatures: [
        { witness: w1, timestamp: 1_796_000_000 },
        { witness: w2, timestamp: 1_796_000_060 },
      ],
      failed: [],
    });
    expect(readCosignatures(signed, [w2])).toEqual({ cosignatures: [{ witness: w2, timestamp: 1_796_000_060 }], failed: [] });
    // The log's signature still verifies with the cosignatures added.
    expect(typeof openCheckpoint(signed, 'candor.example/log', log)).toBe('object');
    // A cosignature key is not a log key: the key ID differs by type.
    expect(w1.keyId).not.toBe(signerFromSeed('witness.one.example', seed(5)).keyId);
  });

  it('reports a forged or moved cosignature as failed', () => {
    const note = parseNote(checkpoint);
    if (typeof note === 'string') throw new Error(note);
    const line = cosign(note.text, w1, 1_796_000_000);
    // The same cosignature bytes under a changed timestamp: the time is signed too.
    const bytes = decodeBase64(line.split(' ')[2]!)!;
    bytes[4 + 7]! ^= 1;
    const forged = `— ${w1.name} ${Buffer.from(bytes).toString('base64')}`;
    expect(readCosignatures(addSignatures(note, [forged]), [w1])).toEqual({ cosignatures: [], failed: [{ witness: w1, problem: 'bad-signature' }] });
    // A cosignature of another checkpoint does not verify on this one.
    const other = signCheckpoint({ origin: 'candor.example/log', size: 4, root: new Uint8Array(32).fill(2), extensions: [] }, log);
    const otherNote = parseNote(other);
    if (typeof otherNote === 'string') throw new Error(otherNote);
    expect(readCosignatures(addSignatures(note, [cosign(otherNote.text, w1, 1)]), [w1])).toEqual({
      cosignatures: [],
      failed: [{ witness: w1, problem: 'bad-signature' }],
    });
    expect(() => cosign(note.text, signerFromSeed('x', seed(8)), 1)).toThrow(RangeError);
    expect(() => cosign(note.text, w1, -1)).toThrow(RangeError);
  });
});

describe('a real witnessed checkpoint (florolf/tlog-scales)', () => {
  const w = vectors.witnessedCheckpoint;

  it("verifies the log's signature and remora's cosignature, with its time", () => {
    const opened = openCheckpoint(w.note, w.origin, vkey(w.logKey));
    if (typeof opened === 'string') throw new Error(opened);
    expect(opened.checkpoint.size).toBe(w.size);
    const cosigned = readCosignatures(w.note, [vkey(w.witnessKey)]);
    if (typeof cosigned === 'string') throw new Error(cosigned);
    expect(cosigned.failed).toEqual([]);
    // 0x6a122120 seconds: 2026-05-23T21:50:24Z.
    expect(cosigned.cosignatures.map((c) => [c.witness.name, c.timestamp])).toEqual([['remora.n621.de', 0x6a122120]]);
  });

  it('fails both once the tree size is changed', () => {
    const clobbered = w.note.replace(`\n${w.size}\n`, '\n42\n');
    expect(openCheckpoint(clobbered, w.origin, vkey(w.logKey))).toBe('bad-signature');
    const cosigned = readCosignatures(clobbered, [vkey(w.witnessKey)]);
    expect(typeof cosigned === 'string' ? cosigned : cosigned.failed.map((f) => f.problem)).toEqual(['bad-signature']);
  });
});
