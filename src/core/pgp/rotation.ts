/** Key rotation: the replacement key is certified by the key it replaces. */
import type * as openpgp from 'openpgp';
import { fingerprintOf } from './keys.ts';

export async function certifyReplacement(replacement: openpgp.Key, retired: openpgp.PrivateKey, clock: { now: Date }): Promise<openpgp.Key> {
  return replacement.signAllUsers([retired], clock.now);
}

/** True when some user ID of `replacement` carries a valid certification by `retired`. */
export async function isCertifiedBy(replacement: openpgp.Key, retired: openpgp.Key, clock: { now: Date }): Promise<boolean> {
  const retiredID = retired.getKeyID();
  for (const user of replacement.users) {
    const results = await user.verifyAllCertifications([retired], clock.now).catch(() => []);
    if (results.some((r) => r.valid && r.keyID.equals(retiredID))) return true;
  }
  return false;
}

export function describeRotation(retired: openpgp.Key, replacement: openpgp.Key): string {
  return `${fingerprintOf(retired)} -> ${fingerprintOf(replacement)}`;
}
