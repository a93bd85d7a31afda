/**
 * The invariant of issue 11, class 1, under random structural and multi-byte mutations
 * (test/property/mutations.ts): a file whose bytes are not exactly the framing candor
 * writes is never alive, no signature in it is ever "good", whether openpgp.js alone or
 * the fast path (node:crypto, decision 0005) verifies it, and both say the same thing;
 * the two armor readers read the same text and packets, or refuse alike.
 */
import fc from 'fast-check';
import type * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { armorCleartext, decodeFrame, frameOf } from '../../src/core/pgp/armor.ts';
import { asPublished, frameCleartext, hashName } from '../../src/core/pgp/framing.ts';
import { decodeByHand, readSignedFile } from '../../src/core/pgp/cleartext.ts';
import type { FastSignature } from '../../src/core/pgp/signature-packet.ts';
import { verifyCanary, type VerifyInput } from '../../src/core/verify/verify-canary.ts';
import { nodeCrypto } from '../../src/io/node-crypto.ts';
import { HOUR, STATEMENTS, at, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { mutatedFile } from './mutations.ts';

const CLOCK = { now: at(2 * HOUR), skewSeconds: 300 };

let w: World;
let att: Issued<AttestationData>;
let hb: Issued<HeartbeatData>;

beforeAll(async () => {
  w = await makeWorld();
  // Non-ASCII statements, so that inserted characters land next to multi-byte ones.
  att = await w.attest({ statements: [...STATEMENTS, { id: 'XOPERS', text: 'Aucune réquisition reçue — 未收到任何搜查令 🙂' }] });
  hb = await w.heartbeat(att);
});

/** Verified both ways; they must agree. */
async function bothWays(input: VerifyInput) {
  const slow = await verifyCanary(input, CLOCK);
  const fast = await verifyCanary({ ...input, crypto: nodeCrypto }, CLOCK);
  expect(fast, 'the fast path (node:crypto) and openpgp.js disagree').toEqual(slow);
  return slow;
}

const good = (r: Awaited<ReturnType<typeof bothWays>>, doc: 'attestation' | 'heartbeat') => (r[doc]?.signatures ?? []).filter((s) => s.status === 'good');

function fields(p: openpgp.SignaturePacket | FastSignature) {
  if ('hashedPart' in p) return { created: p.created.getTime(), issuer: p.issuerKeyID, hashed: [...p.hashedPart], r: [...p.r], s: [...p.s] };
  const q = p as unknown as { signatureData: Uint8Array; params: { r: Uint8Array; s: Uint8Array } };
  return { created: p.created?.getTime(), issuer: p.issuerKeyID.toHex(), hashed: [...q.signatureData], r: [...q.params.r], s: [...q.params.s] };
}

/** The file candor writes for this text and these packets, however they were read. */
function framingOf(text: string, signatures: (openpgp.SignaturePacket | FastSignature)[]): string {
  const hand = signatures.filter((s): s is FastSignature => 'hashedPart' in s);
  if (hand.length < signatures.length) return armorCleartext(text, signatures as openpgp.SignaturePacket[]);
  return frameCleartext(
    text,
    hand.map((s) => hashName(s.hashAlgorithm)),
    Uint8Array.from(hand.flatMap((s) => [...s.bytes])),
  );
}

describe('structural mutations of a signed file', () => {
  it('the genuine files are alive, and read by hand (the baseline)', async () => {
    const r = await bothWays({ attestation: att.file, heartbeat: hb.file, keys: w.keys, pins: w.pins });
    expect(r.verdict).toBe('alive');
    for (const file of [att.file, hb.file]) {
      const framed = frameOf(file, 'attestation');
      expect(framed.ok && decodeByHand(framed.frame), 'valid input must take the fast path').toBeTruthy();
    }
  });

  it("an attestation that is not exactly candor's framing is never alive, and none of its signatures is good", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFile(att.file), async (file) => {
        fc.pre(asPublished(file) !== att.file);
        const r = await bothWays({ attestation: file, keys: w.keys, pins: w.pins, requireHeartbeat: false });
        expect(r.verdict, JSON.stringify(file.slice(-400))).not.toBe('alive');
        expect(good(r, 'attestation')).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it("a heartbeat that is not exactly candor's framing never keeps the canary alive, and its signature is never good", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFile(hb.file), async (file) => {
        fc.pre(asPublished(file) !== hb.file);
        const r = await bothWays({ attestation: att.file, heartbeat: file, keys: w.keys, pins: w.pins });
        expect(r.verdict).not.toBe('alive');
        expect(good(r, 'heartbeat')).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('the hand reader reads what openpgp.js reads, or leaves the file to it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedFile(att.file), mutatedFile(hb.file)), async (file) => {
        const framed = frameOf(file, 'attestation');
        const byOpenpgp = framed.ok ? await decodeFrame(framed.frame, 'attestation') : framed;
        const hand = framed.ok ? decodeByHand(framed.frame) : null;
        if (hand) {
          expect(byOpenpgp.ok).toBe(true);
          if (byOpenpgp.ok)
            expect({ text: hand.text, signatures: hand.signatures.map(fields) }).toEqual({
              text: byOpenpgp.value.text,
              signatures: byOpenpgp.value.signatures.map(fields),
            });
        }
        const read = await readSignedFile(file, 'attestation');
        if (read.ok && byOpenpgp.ok) expect(read.value.text).toBe(byOpenpgp.value.text);
        else expect(read).toEqual(byOpenpgp);
        // Whatever either reader accepts is exactly the framing of what it read (whose signatures then decide).
        if (read.ok) expect(asPublished(file)).toBe(framingOf(read.value.text, read.value.signatures));
      }),
      { numRuns: 1000 },
    );
  });
});
