/** Reading, describing and generating OpenPGP keys (openpgp.js, v4 keys only). */
import * as openpgp from 'openpgp';
import { ContentError, SigningError } from '../errors.ts';

export interface KeyInfo {
  fingerprint: string;
  userIDs: string[];
  created: Date;
  /** null when the key never expires. */
  expires: Date | null;
  revoked: boolean;
  isPrivate: boolean;
  version: number;
  algorithm: string;
}

export const FAR_FUTURE = new Date(Date.UTC(9999, 0, 1));

export function fingerprintOf(key: openpgp.Key): string {
  return key.getFingerprint().toUpperCase();
}

/** Reads every key in an armored or binary blob. */
export async function readKeys(data: string | Uint8Array, file: string): Promise<openpgp.Key[]> {
  // A key file is not published text: a byte-order mark before its armor changes nothing (unlike a canary's, decision 0001).
  if (typeof data === 'string') data = data.replace(/^\uFEFF/, '');
  try {
    const keys =
      typeof data === 'string' && data.includes('-----BEGIN PGP')
        ? await openpgp.readKeys({ armoredKeys: data })
        : await openpgp.readKeys({ binaryKeys: typeof data === 'string' ? new TextEncoder().encode(data) : data });
    return keys;
  } catch (error) {
    throw new ContentError('KEY_INVALID', 'not an OpenPGP key', {
      file,
      expected: 'an armored OpenPGP public key',
      received: 'a file that does not read as an OpenPGP key',
      cause: error,
      hint: 'Export it with: gpg --armor --export FINGERPRINT (see docs/content.md#keys).',
    });
  }
}

export async function isRevoked(key: openpgp.Key): Promise<boolean> {
  // Revocation applies whenever it was made: a key revoked for compromise taints its past signatures too.
  for (const date of [FAR_FUTURE, key.getCreationTime()]) {
    if (await key.isRevoked(undefined, undefined, date).catch(() => false)) return true;
  }
  return false;
}

export async function describeKey(key: openpgp.Key): Promise<KeyInfo> {
  const expiration = await key.getExpirationTime().catch(() => null);
  return {
    fingerprint: fingerprintOf(key),
    userIDs: key.getUserIDs(),
    created: key.getCreationTime(),
    expires: expiration instanceof Date ? expiration : null,
    revoked: await isRevoked(key),
    isPrivate: key.isPrivate(),
    version: key.keyPacket.version,
    algorithm: key.getAlgorithmInfo().algorithm,
  };
}

/** Unlocks a private key; never echoes the passphrase or key material in errors. */
export async function unlockKey(armored: string, passphrase: string | undefined, source: string): Promise<openpgp.PrivateKey> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch (error) {
    throw new ContentError('KEY_INVALID', 'not an armored OpenPGP private key', {
      file: source,
      expected: 'an armored OpenPGP private key (gpg --armor --export-secret-keys FINGERPRINT)',
      received: `${armored.length} characters`,
      cause: error,
    });
  }
  if (key.keyPacket.version !== 4) {
    throw new SigningError('KEY_UNSUPPORTED', `v${key.keyPacket.version} key`, {
      file: source,
      expected: 'a v4 key (gpg, gpgv and Sequoia on Debian reject v6 signatures)',
      received: `v${key.keyPacket.version}`,
    });
  }
  if (key.isDecrypted()) return key;
  if (!passphrase) {
    throw new SigningError('PASSPHRASE_MISSING', 'the signing key is protected by a passphrase', {
      file: source,
      hint: 'Set CANDOR_PASSPHRASE or use --passphrase-file.',
    });
  }
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch {
    throw new SigningError('PASSPHRASE_WRONG', 'the passphrase does not unlock the signing key', {
      file: source,
      hint: 'Check CANDOR_PASSPHRASE or --passphrase-file.',
    });
  }
}

export interface GenerateOptions {
  name: string;
  email?: string;
  passphrase?: string;
  expiresInDays?: number;
  now: Date;
}

/** A v4 Ed25519 key (the kind every Debian OpenPGP tool verifies), armored. */
export async function generateSigningKey(opts: GenerateOptions): Promise<{ privateKey: string; publicKey: string; fingerprint: string }> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: opts.name, ...(opts.email ? { email: opts.email } : {}) }],
    keyExpirationTime: opts.expiresInDays ? opts.expiresInDays * 86_400 : 0,
    date: opts.now,
    format: 'object',
    config: { v6Keys: false },
    ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
  });
  return { privateKey: privateKey.armor(), publicKey: publicKey.armor(), fingerprint: fingerprintOf(publicKey) };
}
