/** Attacks with keys: wrong, unpinned, expired, revoked, not yet valid keys, and too few signers. */
import * as openpgp from 'openpgp';
import { armorCleartext } from '../../src/core/pgp/armor.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { forgeSignature, makeSubkeySigner, mergeFiles, packetsOf, revokeSigningSubkey, signText } from '../helpers/tamper.ts';
import { DAY, HOUR, at, makeKey, makeWorld, type TestKey, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

let w: World;
let mallory: TestKey;

beforeAll(async () => {
  w = await makeWorld();
  mallory = await makeKey('Mallory');
});

const policy = (...keys: TestKey[]) => ({ signers: { threshold: 2, keys: keys.map((k) => k.ref) } });

describe('who signed', () => {
  it('a key outside the signer policy is SIGNATURE_EXTRA and does not count (THRESHOLD_NOT_MET)', async () => {
    const att = await w.attest({ signWith: [w.signers[0]!, mallory] });
    const r = await check(w, { attestation: att.file, keys: [...w.keys, mallory.publicKey], requireHeartbeat: false });
    expect(r.codes).toContain('SIGNATURE_EXTRA');
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });

  it('a signature by a key the verifier has no public key for is KEY_UNPINNED and does not count', async () => {
    const att = await w.attest({ signWith: [w.signers[0]!, mallory] });
    const r = await check(w, { attestation: att.file, requireHeartbeat: false });
    expect(r.codes).toContain('KEY_UNPINNED');
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });

  it("a policy that names the attacker's key, signed by it, is KEY_UNPINNED when the verifier does not pin it", async () => {
    const att = await w.attest({ config: policy(w.signers[0]!, mallory), signWith: [w.signers[0]!, mallory] });
    const r = await check(w, { attestation: att.file, keys: [...w.keys, mallory.publicKey], requireHeartbeat: false });
    expect(r.codes).toContain('KEY_UNPINNED');
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });

  it('the CI heartbeat key standing in for a second person is SIGNATURE_EXTRA (THRESHOLD_NOT_MET)', async () => {
    const att = await w.attest({ signWith: [w.signers[0]!, w.ci] });
    const r = await check(w, { attestation: att.file, requireHeartbeat: false });
    expect(r.codes).toContain('SIGNATURE_EXTRA');
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });

  it('a thief of the CI key re-issuing the canary as "automated" is KEY_UNPINNED against the people\'s pins', async () => {
    const att = await w.attest({ config: { signers: { threshold: 1, keys: [w.ci.ref] } }, signWith: [w.ci] });
    const r = await check(w, { attestation: att.file, requireHeartbeat: false });
    expect(r.codes).toContain('KEY_UNPINNED');
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });
});

describe('how many signed', () => {
  it('one signature where the policy requires two is THRESHOLD_NOT_MET', async () => {
    const att = await w.attest({ signWith: [w.signers[0]!] });
    const r = await check(w, { attestation: att.file, requireHeartbeat: false });
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });

  it('one signer signing twice (two packets) still counts once: THRESHOLD_NOT_MET', async () => {
    const att = await w.attest({ signWith: [w.signers[0]!] });
    const again = await signText(att.text, [w.signers[0]!], at(1000));
    const file = armorCleartext(att.text, [...(await packetsOf(att.file)), ...again]);
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });

  it('a bad signature spliced in next to enough good ones is SIGNATURE_BAD (invalid)', async () => {
    const att = await w.attest();
    const other = await w.attest({ now: at(-DAY), signWith: [w.signers[2]!] });
    const file = await mergeFiles(att.text, att.file, other.file);
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('SIGNATURE_BAD');
    expect(r.codes).not.toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });
});

describe('key validity', () => {
  it('a signer key that has expired since it signed is KEY_EXPIRED', async () => {
    // Created T0 - 30 days, valid 35 days: expires T0 + 5 days.
    const expiring = await makeKey('Signer X', { expiresInDays: 35 });
    const att = await w.attest({ config: policy(w.signers[0]!, expiring), signWith: [w.signers[0]!, expiring] });
    const later = at(6 * DAY);
    const hb = await w.heartbeat(att, { now: at(-HOUR, later) });
    const r = await check(
      w,
      { attestation: att.file, heartbeat: hb.file, keys: [...w.keys, expiring.publicKey], pins: [...w.pins, expiring.ref.fingerprint] },
      later,
    );
    expect(r.codes).toContain('KEY_EXPIRED');
    expect(r.verdict).toBe('invalid');
  });

  it('a signature by a key that has since been revoked (revoked public key published) is KEY_REVOKED', async () => {
    const att = await w.attest();
    const { publicKey: revoked } = await openpgp.revokeKey({ key: w.signers[1]!.privateKey, date: at(HOUR), format: 'object' });
    const keys = w.keys.map((k) => (k.getFingerprint() === revoked.getFingerprint() ? revoked : k));
    const r = await check(w, { attestation: att.file, keys, requireHeartbeat: false });
    expect(r.codes).toContain('KEY_REVOKED');
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });

  it('a signature by a signing subkey (gpg with a hardware token) of a pinned key counts', async () => {
    const token = await makeSubkeySigner('Signer T', at(-30 * DAY));
    const att = await w.attest({ config: policy(w.signers[0]!, token), signWith: [w.signers[0]!, token] });
    const r = await check(w, { attestation: att.file, keys: [...w.keys, token.publicKey], pins: [...w.pins, token.ref.fingerprint], requireHeartbeat: false });
    expect(r.codes).not.toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('alive');
  });

  it('a signature by a signing subkey that has since been revoked is KEY_REVOKED', async () => {
    const token = await makeSubkeySigner('Signer T', at(-30 * DAY));
    const att = await w.attest({ config: policy(w.signers[0]!, token), signWith: [w.signers[0]!, token] });
    const revoked = await revokeSigningSubkey(token, at(HOUR));
    const r = await check(w, { attestation: att.file, keys: [...w.keys, revoked], pins: [...w.pins, token.ref.fingerprint], requireHeartbeat: false });
    expect(r.codes).toContain('KEY_REVOKED');
    expect(r.verdict).toBe('invalid');
  });

  it('a signature dated before its key was created is KEY_NOT_YET_VALID', async () => {
    const late = await makeKey('Signer Late', { created: at(HOUR) });
    const att = await w.attest({ config: policy(w.signers[0]!, late), signWith: [w.signers[0]!] });
    const file = armorCleartext(att.text, [...(await packetsOf(att.file)), await forgeSignature(att.text, late, at(0))]);
    const r = await check(w, { attestation: file, keys: [...w.keys, late.publicKey], pins: [...w.pins, late.ref.fingerprint], requireHeartbeat: false });
    expect(r.codes).toContain('KEY_NOT_YET_VALID');
    expect(r.verdict).toBe('invalid');
  });
});
