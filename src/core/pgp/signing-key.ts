/**
 * Before signing: the key must be able to sign at the signing time. openpgp.js would
 * refuse too, in its own words ("Signature creation time is in the future"); this says
 * which key, why, and what to do.
 */
import type * as openpgp from 'openpgp';
import { SigningError } from '../errors.ts';
import { fingerprintOf } from './keys.ts';

const iso = (d: Date): string => d.toISOString().replace('.000Z', 'Z');

export async function requireKeyUsableAt(key: openpgp.PrivateKey, now: Date): Promise<void> {
  const file = `key ${fingerprintOf(key)}`;
  const created = key.getCreationTime();
  if (created.getTime() > now.getTime()) {
    throw new SigningError('KEY_NOT_YET_VALID', 'the key was made after the signing time', {
      file,
      expected: `a clock at or after ${iso(created)}, when the key was made`,
      received: iso(now),
      hint: 'Check the clock: --now or CANDOR_NOW (README.md#cli-reference).',
    });
  }
  if (await key.isRevoked(undefined, undefined, now)) {
    throw new SigningError('KEY_REVOKED', 'the key is revoked', {
      file,
      hint: 'A revoked key must not sign again: sign with its replacement (candor keys rotate; docs/content.md, "keys/").',
    });
  }
  const expires = await key.getExpirationTime();
  if (expires instanceof Date && expires.getTime() <= now.getTime()) {
    throw new SigningError('KEY_EXPIRED', 'the key has expired', {
      file,
      expected: `a signing time before ${iso(expires)}`,
      received: iso(now),
      hint: 'Extend it (gpg --quick-set-expire) and publish the public key again, or rotate it (candor keys rotate).',
    });
  }
  await key.getSigningKey(undefined, now).catch(() => {
    throw new SigningError('KEY_NOT_SIGNING_CAPABLE', 'no part of this key can sign at this time', {
      file,
      received: iso(now),
      hint: 'Its signing subkey may be expired, revoked or missing: gpg --list-keys shows it; rotate the key (candor keys rotate).',
    });
  });
}
