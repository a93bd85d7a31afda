/**
 * Checks each signature packet on its own and says why it fails. openpgp.js resolves
 * `verify()` even for a bad signature; only each signature's `verified` promise rejects,
 * so every one is awaited here and callers never see openpgp.js's raw result.
 */
import * as openpgp from 'openpgp';
import { FAR_FUTURE, fingerprintOf, isRevoked } from './keys.ts';
import { makeCleartext } from './openpgp-internals.ts';

export type SignatureStatus = 'good' | 'bad' | 'unknown-key' | 'key-expired' | 'key-revoked' | 'key-not-yet-valid';

export interface SignatureCheck {
  /** Primary-key fingerprint of the signer, when the key is known. */
  fingerprint: string | null;
  /** When the signer's key expires (null: never, or unknown key). */
  keyExpires: Date | null;
  keyID: string;
  created: Date;
  status: SignatureStatus;
  detail: string;
}

function findKey(keys: openpgp.Key[], keyID: openpgp.KeyID): openpgp.Key | undefined {
  return keys.find((k) => k.getKeys(keyID).length > 0);
}

async function cryptoCheck(text: string, packet: openpgp.SignaturePacket, key: openpgp.Key): Promise<string | null> {
  const message = makeCleartext(text, [packet]);
  try {
    // Verified as of its own creation time: expiry and revocation are judged separately, with reasons.
    const result = await openpgp.verify({ message, verificationKeys: [key], date: packet.created ?? undefined, expectSigned: true });
    await Promise.all(result.signatures.map((s) => s.verified));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A gpg or hardware-token signer usually signs with a subkey, which can be revoked on its own. */
async function isSubkeyRevoked(key: openpgp.Key, signingKey: openpgp.Key | openpgp.Subkey): Promise<boolean> {
  if (signingKey === key || !('bindingSignatures' in signingKey)) return false;
  for (const date of [FAR_FUTURE, signingKey.getCreationTime()]) {
    if (await signingKey.isRevoked(undefined as never, undefined as never, date).catch(() => false)) return true;
  }
  return false;
}

async function expiredAt(key: openpgp.Key, keyID: openpgp.KeyID, now: Date): Promise<boolean> {
  const expiration = await key.getExpirationTime().catch(() => null);
  if (expiration instanceof Date && expiration.getTime() <= now.getTime()) return true;
  try {
    await key.getSigningKey(keyID, now);
    return false;
  } catch {
    return true;
  }
}

async function checkOne(text: string, packet: openpgp.SignaturePacket, keys: openpgp.Key[], now: Date): Promise<SignatureCheck> {
  const keyID = packet.issuerKeyID.toHex().toUpperCase();
  const created = packet.created ?? new Date(0);
  const key = findKey(keys, packet.issuerKeyID);
  const expiration = key ? await key.getExpirationTime().catch(() => null) : null;
  const base = { keyID, created, fingerprint: key ? fingerprintOf(key) : null, keyExpires: expiration instanceof Date ? expiration : null };
  if (!key) return { ...base, status: 'unknown-key', detail: `no public key for key ID ${keyID}` };
  const signingKey = key.getKeys(packet.issuerKeyID)[0]!;
  if (signingKey.getCreationTime().getTime() > created.getTime()) {
    return { ...base, status: 'key-not-yet-valid', detail: `key created ${signingKey.getCreationTime().toISOString()}, after the signature` };
  }
  if (await isRevoked(key) || await isSubkeyRevoked(key, signingKey)) return { ...base, status: 'key-revoked', detail: 'the signing key is revoked' };
  if (await expiredAt(key, packet.issuerKeyID, created)) return { ...base, status: 'key-expired', detail: 'the key had expired when it signed' };
  const failure = await cryptoCheck(text, packet, key);
  if (failure) return { ...base, status: 'bad', detail: failure };
  if (await expiredAt(key, packet.issuerKeyID, now)) return { ...base, status: 'key-expired', detail: 'the signing key has expired' };
  return { ...base, status: 'good', detail: 'good signature' };
}

/**
 * `clock.now` judges key expiry; `'signature-time'` judges each key when it signed,
 * which is how an archive of past documents is checked.
 */
export async function checkSignatures(text: string, packets: openpgp.SignaturePacket[], keys: openpgp.Key[], clock: { now: Date } | 'signature-time'): Promise<SignatureCheck[]> {
  return Promise.all(packets.map((p) => checkOne(text, p, keys, clock === 'signature-time' ? (p.created ?? new Date(0)) : clock.now)));
}
