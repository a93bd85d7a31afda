/**
 * Issue 11's classes 1, 2 and 8 through the shipped command: `bin/candor.mjs verify FILE
 * --heartbeat HB --keys ... --json` in a child process, for a representative set of the
 * attack files of the other security tests. The verdict, the reason codes and the exit
 * code are the interface a monitor reads.
 */
import path from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { armorCleartext } from '../../src/core/pgp/armor.ts';
import { frameCleartext } from '../../src/core/pgp/framing.ts';
import { VERDICT_EXIT, type ReasonCode } from '../../src/core/verify/reasons.ts';
import { FRAMING_ATTACKS } from '../helpers/attacks.ts';
import { candor } from '../helpers/candor-bin.ts';
import { rebindSubkey, revokeUserID } from '../helpers/keys.ts';
import { craftSignature, expiration, forgeWith, issuerKeyID } from '../helpers/packets.ts';
import { makeSubkeySigner, packetsOf } from '../helpers/tamper.ts';
import { DAY, HOUR, at, makeKey, makeWorld, type Issued, type TestKey, type World } from '../helpers/world.ts';
import { NOW } from './verify.ts';

let w: World;
let att: Issued<AttestationData>;
let hb: Issued<HeartbeatData>;
let dir: string;
let n = 0;

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest();
  hb = await w.heartbeat(att);
  dir = await mkdtemp(path.join(tmpdir(), 'candor-cli-attacks-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Json {
  verdict: string;
  reasons: { code: ReasonCode; subject: string; message: string }[];
}

/** Writes the files, runs the shipped CLI on them, and returns its exit code and --json verdict. */
async function verify(files: { canary: string; heartbeat: string; keys?: openpgp.Key[] }) {
  const at = path.join(dir, String(++n));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(at);
  const keys = files.keys ?? w.keys;
  const keyFiles = await Promise.all(
    keys.map(async (k, i) => {
      const file = path.join(at, `key-${i}.asc`);
      await writeFile(file, k.armor());
      return file;
    }),
  );
  await writeFile(path.join(at, 'canary.txt'), files.canary);
  await writeFile(path.join(at, 'heartbeat.txt'), files.heartbeat);
  const r = await candor([
    'verify',
    path.join(at, 'canary.txt'),
    '--heartbeat',
    path.join(at, 'heartbeat.txt'),
    '--keys',
    keyFiles.join(','),
    '--json',
    '--now',
    NOW.toISOString(),
  ]);
  const json = JSON.parse(r.out) as Json;
  return { code: r.code, verdict: json.verdict, codes: json.reasons.map((x) => x.code), reasons: json.reasons };
}

describe('candor verify (the shipped CLI) on the genuine files', () => {
  it('is ALIVE, exit 0, as published and with every line in CRLF', async () => {
    for (const crlf of [false, true]) {
      const fix = (f: string) => (crlf ? f.replaceAll('\n', '\r\n') : f);
      const r = await verify({ canary: fix(att.file), heartbeat: fix(hb.file) });
      expect(r).toMatchObject({ code: 0, verdict: 'alive' });
      expect(r.codes.filter((c) => !/_UNCHECKED$/.test(c))).toEqual([]);
    }
  });
});

const REPRESENTATIVE = [
  'a line of text after the checksum line, before END',
  'a lone "=" line, then text, after the checksum',
  'a -----BEGIN ANYTHING----- line after the checksum, then text',
  'a fake armor pair (-----FOO----- … -----BAR-----) holding a statement and a copy of the signature, between the text and the signature',
  'the same fake pair behind a U+2028 line separator',
  'no Hash: header (gpg and sq refuse it)',
  'a byte-order mark before BEGIN',
  'a wrong checksum (gpg refuses it)',
  'a space inside a base64 line',
  'a marker packet next to the signatures (readers skip it)',
];

describe('class 1: unsigned text inside a signed file', () => {
  const attacks = FRAMING_ATTACKS.filter((a) => REPRESENTATIVE.includes(a.name));

  it('the representative set is all there', () => {
    expect(attacks.map((a) => a.name).sort()).toEqual([...REPRESENTATIVE].sort());
  });

  it.each(attacks)('the attestation with $name: INVALID ($code), exit 3', async ({ attack, code }) => {
    const r = await verify({ canary: await attack(att.file), heartbeat: hb.file });
    expect(r.verdict).toBe('invalid');
    expect(r.code).toBe(VERDICT_EXIT.invalid);
    expect(r.reasons.filter((x) => x.code === code).map((x) => x.subject)).toEqual(['attestation']);
  });

  it.each(attacks.slice(0, 4))('the heartbeat with $name: INVALID ($code), exit 3', async ({ attack, code }) => {
    const r = await verify({ canary: att.file, heartbeat: await attack(hb.file) });
    expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
    expect(r.reasons.filter((x) => x.code === code).map((x) => x.subject)).toEqual(['heartbeat']);
  });
});

describe('class 2: what a signature packet says', () => {
  let oneSigner: Issued<AttestationData>;
  let genuine: Uint8Array;
  beforeAll(async () => {
    oneSigner = await w.attest({ signWith: [w.signers[0]!] });
    const list = new openpgp.PacketList<openpgp.SignaturePacket>();
    (await packetsOf(oneSigner.file)).forEach((p) => list.push(p));
    genuine = list.write();
  });
  const withB = (extra: Parameters<typeof craftSignature>[2]) =>
    frameCleartext(oneSigner.text, ['SHA512', 'SHA512'], Uint8Array.from([...genuine, ...craftSignature(oneSigner.text, w.signers[1]!, extra)]));

  it('a signature whose expiration time has passed (critical): SIGNATURE_EXPIRED, exit 3', async () => {
    const r = await verify({ canary: withB({ created: at(0), extraHashed: [expiration(HOUR / 1000, true)] }), heartbeat: (await w.heartbeat(oneSigner)).file });
    expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
    expect(r.codes).toEqual(expect.arrayContaining(['SIGNATURE_EXPIRED', 'THRESHOLD_NOT_MET']));
  });

  it('an unknown critical subpacket in the unhashed area: SIGNATURE_BAD, exit 3', async () => {
    const r = await verify({
      canary: withB({ created: at(0), unhashed: [issuerKeyID(w.signers[1]!.publicKey), { type: 50, critical: true, body: new Uint8Array([1]) }] }),
      heartbeat: (await w.heartbeat(oneSigner)).file,
    });
    expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
    expect(r.codes).toEqual(expect.arrayContaining(['SIGNATURE_BAD', 'THRESHOLD_NOT_MET']));
  });

  it('a heartbeat whose signature has expired: SIGNATURE_EXPIRED (heartbeat), exit 3', async () => {
    const beat = await w.heartbeat(att, { now: at(HOUR) });
    const file = frameCleartext(beat.text, ['SHA512'], craftSignature(beat.text, w.ci, { created: at(HOUR), extraHashed: [expiration(60)] }));
    const r = await verify({ canary: att.file, heartbeat: file });
    expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
    expect(r.reasons.filter((x) => x.code === 'SIGNATURE_EXPIRED').map((x) => x.subject)).toEqual(['heartbeat']);
  });
});

describe('class 8: a key that cannot sign, with its own reason', () => {
  let token: TestKey;
  let plain: TestKey;
  beforeAll(async () => {
    token = await makeSubkeySigner('Signer T', at(-30 * DAY));
    plain = await makeKey('Signer X');
  });

  async function signedWith(signer: TestKey, published: openpgp.Key, by: 'subkey' | 'primary') {
    const a = await w.attest({ config: { signers: { threshold: 2, keys: [w.signers[0]!.ref, signer.ref] } }, signWith: [w.signers[0]!] });
    const canary = armorCleartext(a.text, [...(await packetsOf(a.file)), await forgeWith(a.text, signer, at(0), by)]);
    return verify({ canary, heartbeat: (await w.heartbeat(a)).file, keys: [...w.keys, published] });
  }

  it('a signing subkey whose binding lacks the signing flag: KEY_UNUSABLE, not KEY_EXPIRED', async () => {
    const r = await signedWith(token, await rebindSubkey(token, { created: at(-30 * DAY), flags: openpgp.enums.keyFlags.encryptCommunication }), 'subkey');
    expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
    expect(r.codes).toContain('KEY_UNUSABLE');
    expect(r.codes).not.toContain('KEY_EXPIRED');
    expect(r.reasons.find((x) => x.code === 'KEY_UNUSABLE')?.message).toMatch(/is not bound for signing/);
  });

  it('a key whose only user ID is revoked: KEY_USER_ID_REVOKED, not KEY_EXPIRED', async () => {
    const r = await signedWith(plain, await revokeUserID(plain, at(-DAY)), 'primary');
    expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
    expect(r.codes).toContain('KEY_USER_ID_REVOKED');
    expect(r.codes).not.toContain('KEY_EXPIRED');
  });
});
