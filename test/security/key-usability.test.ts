/**
 * Keys that did not expire but still cannot sign (issue 11, class 8): each gets its own
 * reason, and never "the key had expired when it signed". A signing subkey whose binding
 * lacks the signing flag, is bad or has expired; a subkey that expired itself (then
 * KEY_EXPIRED, naming the subkey); a certification-only primary key; a revoked user ID.
 * The signatures are made with the key material directly (an attacker holding a stolen
 * subkey, or a careless signer's tool, would not ask openpgp.js's permission).
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { armorCleartext } from '../../src/core/pgp/armor.ts';
import type { ReasonCode } from '../../src/core/verify/reasons.ts';
import { breakBinding, rebindSubkey, recertify, revokeUserID } from '../helpers/keys.ts';
import { forgeWith } from '../helpers/packets.ts';
import { makeSubkeySigner, packetsOf } from '../helpers/tamper.ts';
import { DAY, HOUR, at, makeKey, makeWorld, type TestKey, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

let w: World;
let token: TestKey;
let plain: TestKey;

beforeAll(async () => {
  w = await makeWorld();
  token = await makeSubkeySigner('Signer T', at(-30 * DAY));
  plain = await makeKey('Signer X');
});

const FLAGS = openpgp.enums.keyFlags;
const created = at(-30 * DAY);

/** An attestation signed by world signer A and by `signer` (with its subkey or primary key), verified against `published`. */
async function verifyWith(signer: TestKey, published: openpgp.Key, by: 'subkey' | 'primary') {
  const att = await w.attest({ config: { signers: { threshold: 2, keys: [w.signers[0]!.ref, signer.ref] } }, signWith: [w.signers[0]!] });
  const file = armorCleartext(att.text, [...(await packetsOf(att.file)), await forgeWith(att.text, signer, at(0), by)]);
  return check(w, { attestation: file, keys: [...w.keys, published], pins: [...w.pins, signer.ref.fingerprint], requireHeartbeat: false });
}

interface Case {
  name: string;
  signer: () => TestKey;
  key: () => Promise<openpgp.Key>;
  by: 'subkey' | 'primary';
  code: ReasonCode;
  detail: RegExp;
}

const CASES: Case[] = [
  {
    name: 'a signing subkey whose binding signature lacks the signing flag',
    signer: () => token,
    by: 'subkey',
    code: 'KEY_UNUSABLE',
    detail: /^the subkey [0-9A-F]{16} is not bound for signing: its binding signature's key flags do not allow it to sign data$/,
    key: () => rebindSubkey(token, { created, flags: FLAGS.encryptCommunication | FLAGS.encryptStorage }),
  },
  {
    name: 'a signing subkey whose binding signature does not verify',
    signer: () => token,
    by: 'subkey',
    code: 'KEY_UNUSABLE',
    detail: /^the signing subkey [0-9A-F]{16} has no binding signature by its primary key that is valid when it signed \(it is bad, or has expired\)$/,
    key: () => breakBinding(token),
  },
  {
    name: 'a signing subkey whose binding signature had expired when it signed',
    signer: () => token,
    by: 'subkey',
    code: 'KEY_UNUSABLE',
    detail: /^the signing subkey [0-9A-F]{16} has no binding signature by its primary key that is valid when it signed/,
    key: () => rebindSubkey(token, { created, signatureExpiresAfter: DAY / 1000 }),
  },
  {
    name: 'a signing subkey that had expired when it signed',
    signer: () => token,
    by: 'subkey',
    code: 'KEY_EXPIRED',
    detail: /^the signing subkey [0-9A-F]{16} had expired when it signed$/,
    key: () => rebindSubkey(token, { created, keyExpiresAfter: (29 * DAY) / 1000 }),
  },
  {
    name: 'a signing subkey that has expired since it signed',
    signer: () => token,
    by: 'subkey',
    code: 'KEY_EXPIRED',
    detail: /^the signing subkey [0-9A-F]{16} has expired$/,
    key: () => rebindSubkey(token, { created, keyExpiresAfter: (30 * DAY + HOUR) / 1000 }),
  },
  {
    name: 'a certification-only primary key',
    signer: () => plain,
    by: 'primary',
    code: 'KEY_UNUSABLE',
    detail: /^the key is not for signing: its self-signature's key flags do not allow it to sign data/,
    key: () => recertify(plain, FLAGS.certifyKeys, created),
  },
  {
    name: 'a key whose only user ID was revoked before it signed',
    signer: () => plain,
    by: 'primary',
    code: 'KEY_USER_ID_REVOKED',
    detail: /^the key's user ID "Signer X <signer\.x@example\.org>" is revoked, and the key has no other valid one$/,
    key: () => revokeUserID(plain, at(-DAY)),
  },
  {
    name: 'a key whose only user ID was revoked after it signed',
    signer: () => plain,
    by: 'primary',
    code: 'KEY_USER_ID_REVOKED',
    detail: /^the key's user ID "Signer X <signer\.x@example\.org>" is revoked/,
    key: () => revokeUserID(plain, at(HOUR)),
  },
];

describe('a key that cannot sign, and why', () => {
  it.each(CASES)('$name: $code', async ({ signer, key, by, code, detail }) => {
    const r = await verifyWith(signer(), await key(), by);
    expect(r.codes).not.toContain(code === 'KEY_EXPIRED' ? 'KEY_UNUSABLE' : 'KEY_EXPIRED');
    const reason = r.reasons.find((x) => x.code === code);
    expect(reason?.message.replace(/^signature by [0-9A-F]{40}: /, '')).toMatch(detail);
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });
});

describe('the same keys, fine', () => {
  it('the signing subkey with its genuine binding counts', async () => {
    const r = await verifyWith(token, token.publicKey, 'subkey');
    expect(r.codes).toEqual(['HISTORY_UNCHECKED']);
    expect(r.verdict).toBe('alive');
  });

  it('a key with one of two user IDs revoked counts', async () => {
    const two = await makeKey('Signer Y');
    const { privateKey } = await openpgp.reformatKey({
      privateKey: two.privateKey,
      userIDs: [
        { name: 'Signer Y', email: 'y@example.org' },
        { name: 'Old Y', email: 'old-y@example.org' },
      ],
      date: created,
      format: 'object',
    });
    const signer = { ...two, privateKey, publicKey: privateKey.toPublic() };
    const pub = privateKey.toPublic();
    pub.users[1] = await pub.users[1]!.revoke(
      privateKey.keyPacket as openpgp.SecretKeyPacket,
      { flag: openpgp.enums.reasonForRevocation.userIDInvalid },
      at(-DAY),
    );
    const r = await verifyWith(signer, await openpgp.readKey({ armoredKey: pub.armor() }), 'primary');
    expect(r.codes).toEqual(['HISTORY_UNCHECKED']);
    expect(r.verdict).toBe('alive');
  });
});
