/**
 * The verifier's hand-written fast path (decision 0005) held to openpgp.js and zod: it
 * may decline (and openpgp.js or zod then decides), but whenever it answers, it must
 * give their answer. Valid inputs must take the fast path, or it would prove nothing.
 */
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { canaryData, type AttestationData, type HeartbeatData } from '../../src/core/canary/model.ts';
import { parseCanaryDataFast } from '../../src/core/canary/validate.ts';
import { looksCanonical } from '../../src/core/canary/read-text.ts';
import { findCanonicalProblems } from '../../src/core/canonical.ts';
import { decodeFrame, frameOf } from '../../src/core/pgp/armor.ts';
import { base64, decodeByHand, readSignedFile } from '../../src/core/pgp/cleartext.ts';
import { checkSignatures, newCheckContext } from '../../src/core/pgp/check-signatures.ts';
import { verifiesFast } from '../../src/core/pgp/fast-verify.ts';
import { KeyFacts } from '../../src/core/pgp/key-facts.ts';
import type { FastSignature } from '../../src/core/pgp/signature-packet.ts';
import { nodeCrypto } from '../../src/io/node-crypto.ts';
import { certifyReplacement } from '../../src/core/pgp/rotation.ts';
import { makeSubkeySigner, signedFile } from '../helpers/tamper.ts';
import { DAY, HOUR, STATEMENTS, at, makeKey, makeWorld, type Issued, type TestKey, type World } from '../helpers/world.ts';
import { attestationData, plainLine } from './arbitraries.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let w: World;
let att: Issued<AttestationData>;
let hb: Issued<HeartbeatData>;

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest({ statements: [...STATEMENTS, { id: 'XOPERS', text: 'Aucune réquisition — 未收到任何搜查令 🙂' }] });
  hb = await w.heartbeat(att);
});

/** What openpgp.js reads from a framed file, in the fields the fast path uses. */
async function byOpenpgp(file: string) {
  const framed = frameOf(file, 'attestation');
  if (!framed.ok) return framed;
  const split = await decodeFrame(framed.frame, 'attestation');
  if (!split.ok) return split;
  return { ok: true, text: split.value.text, signatures: split.value.signatures.map(fields) };
}

function fields(p: openpgp.SignaturePacket | FastSignature) {
  if ('hashedPart' in p) {
    return {
      type: p.type,
      algorithm: p.publicKeyAlgorithm,
      hash: p.hashAlgorithm,
      created: p.created.getTime(),
      issuer: p.issuerKeyID,
      hashed: [...p.hashedPart],
      left16: [...p.signedHashValue],
      r: [...p.r],
      s: [...p.s],
    };
  }
  const q = p as unknown as { signatureData: Uint8Array; params: { r: Uint8Array; s: Uint8Array } };
  return {
    type: p.signatureType,
    algorithm: p.publicKeyAlgorithm,
    hash: p.hashAlgorithm,
    created: p.created?.getTime(),
    issuer: p.issuerKeyID.toHex(),
    hashed: [...q.signatureData],
    left16: [...p.signedHashValue!],
    r: [...q.params.r],
    s: [...q.params.s],
  };
}

/** Any single byte of the file changed (signed text, headers or armor). */
const mutated = (file: string) => {
  const bytes = encoder.encode(file);
  return fc
    .record({ index: fc.nat({ max: bytes.length - 1 }), value: fc.integer({ min: 0, max: 255 }) })
    .filter(({ index, value }) => bytes[index] !== value)
    .map(({ index, value }) => {
      const copy = bytes.slice();
      copy[index] = value;
      return decoder.decode(copy);
    });
};

describe('reading the armor by hand', () => {
  it("reads candor's own files by hand, exactly as openpgp.js reads them", async () => {
    for (const file of [att.file, hb.file]) {
      const framed = frameOf(file, 'attestation');
      if (!framed.ok) throw new Error('not framed');
      const hand = decodeByHand(framed.frame);
      expect(hand, 'the fast path must take a plain candor file').not.toBeNull();
      expect({ ok: true, text: hand!.text, signatures: hand!.signatures.map(fields) }).toEqual(await byOpenpgp(file));
    }
  });

  it('after any single-byte change, reads what openpgp.js reads or leaves the file to it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(att.file), mutated(hb.file)), async (file) => {
        const framed = frameOf(file, 'attestation');
        const hand = framed.ok ? decodeByHand(framed.frame) : null;
        if (hand) expect({ ok: true, text: hand.text, signatures: hand.signatures.map(fields) }).toEqual(await byOpenpgp(file));
        // And the reader the verifier uses gives the same verdict on the file either way.
        const read = await readSignedFile(file, 'attestation');
        const expected = await byOpenpgp(file);
        if (read.ok) expect({ ok: true, text: read.value.text, signatures: read.value.signatures.map(fields) }).toEqual(expected);
        else expect(read).toEqual(expected);
      }),
      { numRuns: 600 },
    );
  });

  it('decodes base64 as Buffer does, and refuses what is not strict base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(base64(Buffer.from(bytes).toString('base64'))).toEqual(new Uint8Array(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQZaz09+/=-_ \n'), maxLength: 24 }), (s) => {
        const decoded = base64(s);
        if (decoded) expect(Buffer.from(decoded).toString('base64')).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checking the signature by hand', () => {
  let signer: TestKey;
  beforeAll(async () => {
    signer = await makeKey('Fast Path');
  });

  /** Canonical-looking text: lines of plain text, some starting with '-', ending with LF. */
  const texts = fc
    .array(
      fc.oneof(
        plainLine(60),
        fc.constant(''),
        plainLine(20).map((l) => `-${l}`),
      ),
      { minLength: 1, maxLength: 12 },
    )
    .map((lines) => `${lines.join('\n')}\n`);

  async function both(text: string, file: string, keys: openpgp.Key[]) {
    const read = await readSignedFile(file, 'attestation');
    if (!read.ok) return null;
    const slow = await checkSignatures(text, read.value.signatures, keys, 'signature-time');
    const fast = await checkSignatures(text, read.value.signatures, keys, 'signature-time', newCheckContext(nodeCrypto));
    return { read: read.value, slow, fast };
  }

  it('says "good" for every genuine signature, as openpgp.js does', async () => {
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const file = await signedFile(text, [signer], at(0));
        const r = await both(text, file, [signer.publicKey]);
        expect(r!.fast).toEqual(r!.slow);
        expect(r!.slow.map((s) => s.status)).toEqual(['good']);
        for (const sig of r!.read.signatures) {
          if ('hashedPart' in sig) expect(verifiesFast(r!.read.text, sig, signer.publicKey, nodeCrypto)).toBe(true);
        }
        // Plain lines are read by hand: the fast path is really taken.
        if (!/(^|\n)-/.test(text)) expect(r!.read.signatures.every((s) => 'hashedPart' in s)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with openpgp.js on any single byte changed in a signed file', async () => {
    const text = att.text;
    await fc.assert(
      fc.asyncProperty(mutated(att.file), async (file) => {
        const r = await both(text, file, w.keys);
        if (!r) return;
        // Checked against the text actually read (which the change may have altered).
        expect(await checkSignatures(r.read.text, r.read.signatures, w.keys, 'signature-time', newCheckContext(nodeCrypto))).toEqual(
          await checkSignatures(r.read.text, r.read.signatures, w.keys, 'signature-time'),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never says "good" for the genuine signature over a changed text', async () => {
    const read = await readSignedFile(hb.file, 'heartbeat');
    if (!read.ok) throw new Error('unreadable');
    const [sig] = read.value.signatures;
    if (!sig || !('hashedPart' in sig)) throw new Error('not read by hand');
    fc.assert(
      fc.property(fc.nat({ max: hb.text.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        const text = hb.text.slice(0, i) + c + hb.text.slice(i + 1);
        if (text !== hb.text) expect(verifiesFast(text, sig, w.ci.publicKey, nodeCrypto)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('key validity, asked once per key', () => {
  it('asks openpgp.js once for a plain key, whatever the dates', async () => {
    const key = (await makeKey('Plain')).publicKey;
    const ask = vi.spyOn(key, 'getSigningKey');
    const facts = new KeyFacts();
    for (let i = 0; i < 50; i++) expect(await facts.canSign(key, key.getKeyID(), at(i * HOUR))).toBe(true);
    expect(ask).toHaveBeenCalledTimes(1);
  });

  it("gives getSigningKey's answer at any date, around every boundary", async () => {
    const created = at(-30 * DAY);
    const keys = [w.ci, await makeKey('Expiring', { expiresInDays: 35 }), await makeKey('Late', { created: at(HOUR) })];
    const { publicKey: revoked } = await openpgp.revokeKey({ key: w.signers[1]!.privateKey, date: at(HOUR), format: 'object' });
    // A key certified by another (as `candor keys rotate` leaves it), and a key signing with a subkey.
    const certified = await certifyReplacement(keys[1]!.publicKey, w.signers[0]!.privateKey, { now: at(-DAY) });
    const token = await makeSubkeySigner('Token', created);
    const candidates = [...keys.map((k) => k.publicKey), revoked, certified, token.publicKey];
    const instants = [created, at(-30 * DAY + 1000), at(-30 * DAY - 1000), at(5 * DAY), at(5 * DAY - 1), at(5 * DAY + 1000), at(HOUR), at(HOUR - 1000), at(0)];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...candidates),
        fc.oneof(
          fc.constantFrom(...instants),
          fc.integer({ min: -40 * DAY, max: 40 * DAY }).map((d) => at(d)),
        ),
        async (key, date) => {
          const facts = new KeyFacts();
          for (const keyID of key.getKeyIDs()) {
            const ask = (d: Date) =>
              key.getSigningKey(keyID, d).then(
                () => true,
                () => false,
              );
            expect(await facts.canSign(key, keyID, at(0))).toBe(await ask(at(0)));
            expect(await facts.canSign(key, keyID, date)).toBe(await ask(date));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the canonical-text check at once', () => {
  it('passes exactly the texts findCanonicalProblems finds nothing in', () => {
    const chars = fc.constantFrom(
      'a',
      'Z',
      ' ',
      '\t',
      '\n',
      '\r',
      '-',
      '\u0000',
      '\u0007',
      '\u001f',
      '\u007f',
      '\u00a0',
      'é',
      'e\u0301',
      '\uFFFD',
      '\uD800',
      '\u2028',
      '🙂',
    );
    const texts = fc.oneof(fc.string({ unit: chars, maxLength: 30 }), fc.constantFrom(att.text, hb.text), mutated(att.text));
    fc.assert(
      fc.property(texts, (text) => {
        expect(looksCanonical(text)).toBe(findCanonicalProblems(text).length === 0);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('the canary data without zod', () => {
  /** Same values and the same key order: what JSON.stringify and the renderer see. */
  const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

  it('returns exactly what zod returns for valid attestations and heartbeats', () => {
    fc.assert(
      fc.property(attestationData, (data) => {
        const raw = JSON.parse(JSON.stringify(data));
        const fast = parseCanaryDataFast(raw);
        expect(fast).not.toBeNull();
        same(fast, canaryData.parse(raw));
      }),
      { numRuns: 300 },
    );
    same(parseCanaryDataFast(JSON.parse(JSON.stringify(hb.data))), canaryData.parse(JSON.parse(JSON.stringify(hb.data))));
  });

  /** A random change somewhere in the data: a value replaced, a key added or removed. */
  const json = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant('2026-02-30T00:00:00Z'),
    fc.constant(' https://x.example'),
    fc.constant('HTTP://X.EXAMPLE/'),
    fc.constant('ftp://x.example/'),
    fc.constant(-1),
    fc.constant(2 ** 53),
    fc.constant('-x'),
    fc.constant([]),
    fc.constant({}),
  );
  function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
    if (value && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
    return [prefix];
  }
  function edit(data: unknown, path: (string | number)[], how: 'set' | 'delete' | 'add', value: unknown): unknown {
    const copy = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    if (path.length === 0) return how === 'set' ? value : copy;
    let parent: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path.at(-1)!;
    if (how === 'set') parent[last] = value;
    else if (how === 'delete') delete parent[last];
    else if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) (parent[last] as Record<string, unknown>)['extra'] = value;
    return copy;
  }

  it('takes the same instants as zod (real calendar seconds)', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const instants = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        two(19),
        two(39),
        two(29),
        two(69),
        two(69),
      )
      .map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
    const edges = fc.constantFrom(
      '1900-02-29T00:00:00Z',
      '2000-02-29T12:00:00Z',
      '2024-02-29T23:59:59Z',
      '2023-02-29T00:00:00Z',
      '0000-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-12-31T23:59:59Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-06-30T23:59:60Z',
      '2026-00-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
    );
    fc.assert(
      fc.property(fc.oneof(instants, edges), (issued) => {
        const raw = { ...JSON.parse(JSON.stringify(hb.data)), issued };
        expect(parseCanaryDataFast(raw) !== null).toBe(canaryData.safeParse(raw).success);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts a changed document only when zod does, and then returns what zod returns', () => {
    const documents = [att.data, hb.data].map((d) => JSON.parse(JSON.stringify(d)) as unknown);
    const changes = fc.constantFrom(...documents).chain((doc) =>
      fc.record({
        doc: fc.constant(doc),
        path: fc.constantFrom(...paths(doc)),
        how: fc.constantFrom('set' as const, 'delete' as const, 'add' as const),
        value: json,
      }),
    );
    fc.assert(
      fc.property(changes, ({ doc, path, how, value }) => {
        const raw = edit(doc, path, how, value);
        const fast = parseCanaryDataFast(raw);
        const zod = canaryData.safeParse(raw);
        if (fast !== null) {
          expect(zod.success).toBe(true);
          same(fast, zod.data);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
