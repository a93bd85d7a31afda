/**
 * Signature packets that are genuine signatures by a pinned key but say more than "I
 * signed this" (issue 11, class 2): an expiration time that has passed (RFC 9580
 * 5.2.3.18; gpg says EXPSIG), critical subpackets a reader must not skip, creation or
 * expiration times stated twice or only where nothing is signed, encodings no encoder
 * writes. Each packet is built byte by byte (test/helpers/packets.ts) and checked on both
 * paths (check()): the hand reader must leave every one of them to openpgp.js.
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { frameCleartext } from '../../src/core/pgp/framing.ts';
import type { ReasonCode } from '../../src/core/verify/reasons.ts';
import { craftSignature, creationTime, expiration, issuerFingerprint, issuerKeyID, type CraftOptions } from '../helpers/packets.ts';
import { packetsOf } from '../helpers/tamper.ts';
import { HOUR, at, makeWorld, type Issued, type TestKey, type World } from '../helpers/world.ts';
import { NOW, check } from './verify.ts';

let w: World;
let att: Issued<AttestationData>;
let genuine: Uint8Array;
let a: TestKey;
let b: TestKey;

beforeAll(async () => {
  w = await makeWorld();
  [a, b] = [w.signers[0]!, w.signers[1]!];
  att = await w.attest({ signWith: [a] });
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  (await packetsOf(att.file)).forEach((p) => list.push(p));
  genuine = list.write();
});

/** Signer A's genuine signature and signer B's crafted one, framed exactly as candor frames it. */
function withB(opts: Partial<CraftOptions>): string {
  const crafted = craftSignature(att.text, b, { created: at(0), ...opts });
  return frameCleartext(att.text, ['SHA512', 'SHA512'], Uint8Array.from([...genuine, ...crafted]));
}

const unknown = (critical: boolean) => ({ type: 50, critical, body: new Uint8Array([1]) });
const SECONDS_TO_NOW = (NOW.getTime() - at(0).getTime()) / 1000;

/** `file`: the whole file is refused (unreadable, or not candor's framing), not only B's signature. */
interface Case {
  name: string;
  opts: () => Partial<CraftOptions>;
  code: ReasonCode;
  file?: true;
}

const REFUSED: Case[] = [
  { name: 'an expiration time that has passed', opts: () => ({ extraHashed: [expiration(HOUR / 1000)] }), code: 'SIGNATURE_EXPIRED' },
  { name: 'an expiration time that has passed, marked critical', opts: () => ({ extraHashed: [expiration(HOUR / 1000, true)] }), code: 'SIGNATURE_EXPIRED' },
  { name: 'an expiration time that is exactly now', opts: () => ({ extraHashed: [expiration(SECONDS_TO_NOW, true)] }), code: 'SIGNATURE_EXPIRED' },
  {
    name: 'two expiration times, one passed and one to come',
    opts: () => ({ extraHashed: [expiration(HOUR / 1000), expiration(365 * 86_400)] }),
    code: 'SIGNATURE_BAD',
  },
  {
    name: 'two creation times',
    opts: () => ({ hashed: [creationTime(at(0)), issuerFingerprint(b.publicKey), creationTime(at(HOUR))] }),
    code: 'SIGNATURE_BAD',
  },
  {
    name: 'a creation time in the unhashed area only',
    opts: () => ({ hashed: [issuerFingerprint(b.publicKey)], unhashed: [issuerKeyID(b.publicKey), creationTime(at(0))] }),
    code: 'SIGNATURE_BAD',
    file: true,
  },
  { name: 'an unknown critical subpacket in the hashed area', opts: () => ({ extraHashed: [unknown(true)] }), code: 'SIGNATURE_BAD' },
  {
    name: 'an unknown critical subpacket in the unhashed area (gpg says BADSIG)',
    opts: () => ({ unhashed: [issuerKeyID(b.publicKey), unknown(true)] }),
    code: 'SIGNATURE_BAD',
  },
  {
    name: 'a critical expiration time in the unhashed area',
    opts: () => ({ unhashed: [issuerKeyID(b.publicKey), expiration(HOUR / 1000, true)] }),
    code: 'SIGNATURE_BAD',
  },
  { name: 'MPIs written with leading zero octets (sq refuses them)', opts: () => ({ padMPIs: true }), code: 'TEXT_OUTSIDE_SIGNED', file: true },
  {
    name: 'a subpacket length in five octets',
    opts: () => ({ unhashed: [{ ...issuerKeyID(b.publicKey), longLength: true }] }),
    code: 'TEXT_OUTSIDE_SIGNED',
    file: true,
  },
];

const ACCEPTED: Omit<Case, 'code'>[] = [
  { name: 'an expiration time still to come, marked critical', opts: () => ({ extraHashed: [expiration(365 * 86_400, true)] }) },
  { name: 'an expiration time of zero (never)', opts: () => ({ extraHashed: [expiration(0)] }) },
  { name: 'an unknown subpacket that is not critical', opts: () => ({ extraHashed: [unknown(false)] }) },
  {
    name: 'a passed expiration time in the unhashed area, not critical (nothing signs it: ignored)',
    opts: () => ({ unhashed: [issuerKeyID(b.publicKey), expiration(HOUR / 1000)] }),
  },
];

describe('signature packets that must not count', () => {
  it.each(REFUSED)('$name: $code', async ({ opts, code, file }) => {
    const r = await check(w, { attestation: withB(opts()), requireHeartbeat: false });
    expect(r.codes).toContain(code);
    expect(r.verdict).toBe('invalid');
    if (file) expect(r.codes).toEqual([code]);
    else {
      // Signer A still counts; B's signature is the one refused, so the threshold of 2 is not met.
      expect(r.attestation?.signatures.map((s) => [s.fingerprint, s.status === 'good'])).toEqual([
        [a.ref.fingerprint, true],
        [b.ref.fingerprint, false],
      ]);
      expect(r.codes).toContain('THRESHOLD_NOT_MET');
    }
  });

  it('the expired signature says when it expired', async () => {
    const r = await check(w, { attestation: withB({ extraHashed: [expiration(HOUR / 1000, true)] }), requireHeartbeat: false });
    expect(r.reasons.find((x) => x.code === 'SIGNATURE_EXPIRED')?.message).toBe(
      `signature by ${b.ref.fingerprint}: the signature expired ${at(HOUR).toISOString()} (its own expiration time, set by the signer)`,
    );
  });

  it('a heartbeat whose signature has expired is SIGNATURE_EXPIRED (heartbeat)', async () => {
    const full = await w.attest();
    const hb = await w.heartbeat(full, { now: at(HOUR) });
    const crafted = craftSignature(hb.text, w.ci, { created: at(HOUR), extraHashed: [expiration(60, true)] });
    const r = await check(w, { attestation: full.file, heartbeat: frameCleartext(hb.text, ['SHA512'], crafted) });
    expect(r.reasons.filter((x) => x.code === 'SIGNATURE_EXPIRED').map((x) => x.subject)).toEqual(['heartbeat']);
    expect(r.verdict).toBe('invalid');
  });
});

describe('signature packets that count', () => {
  it.each(ACCEPTED)('$name', async ({ opts }) => {
    const r = await check(w, { attestation: withB(opts()), requireHeartbeat: false });
    expect(r.codes).toEqual(['HISTORY_UNCHECKED']);
    expect(r.verdict).toBe('alive');
  });
});
