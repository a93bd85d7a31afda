/**
 * Why openpgp.js finds no valid signing key for a signature's issuer at a date, in the
 * words a verdict needs. openpgp.js only says "no" (getSigningKey throws); everything
 * used to be reported as an expired key, which sends an operator looking in the wrong
 * place. Asked only after KeyFacts.canSign said no: this path is rare and its cost does
 * not matter. The answer is still openpgp.js's: each branch asks it about one part.
 */
import * as openpgp from 'openpgp';
import { FAR_FUTURE } from './keys.ts';

export type Unusable = { status: 'key-expired' | 'key-unusable' | 'user-id-revoked'; detail: string };

/** "when it signed" (the signature's own time) or "now" (the verifier's clock). */
export type When = 'signed' | 'now';

const SIGN_DATA = openpgp.enums.keyFlags.signData;
const allowsSigning = (sig: openpgp.SignaturePacket): boolean => !sig.keyFlags || (sig.keyFlags[0]! & SIGN_DATA) !== 0;
const at = (when: When) => (when === 'signed' ? 'when it signed' : 'now');

/**
 * A revoked user ID, when the key has no valid primary user at `date`. Asked as of
 * FAR_FUTURE, like the key's own revocation (keys.ts): once openpgp.js has seen a user
 * ID's revocation it holds it revoked at every date.
 */
async function revokedUserID(key: openpgp.Key, date: Date): Promise<string | null> {
  if (
    await key.getPrimaryUser(date).then(
      () => true,
      () => false,
    )
  )
    return null;
  for (const user of key.users) {
    if (user.userID && (await user.isRevoked(undefined as never, undefined, FAR_FUTURE).catch(() => false))) return user.userID.userID;
  }
  return null;
}

async function subkeyProblem(subkey: openpgp.Subkey, date: Date, when: When): Promise<Unusable | null> {
  const id = subkey.getKeyID().toHex().toUpperCase();
  const binding = await subkey.verify(date).catch(() => null);
  if (!binding) {
    // A binding valid at `date` whose key-expiration time has passed: the subkey itself expired.
    const expires = await subkey.getExpirationTime(date).catch(() => null);
    if (expires instanceof Date && expires.getTime() <= date.getTime())
      return {
        status: 'key-expired',
        detail: when === 'signed' ? `the signing subkey ${id} had expired when it signed` : `the signing subkey ${id} has expired`,
      };
    return {
      status: 'key-unusable',
      detail: `the signing subkey ${id} has no binding signature by its primary key that is valid ${at(when)} (it is bad, or has expired)`,
    };
  }
  if (!allowsSigning(binding))
    return { status: 'key-unusable', detail: `the subkey ${id} is not bound for signing: its binding signature's key flags do not allow it to sign data` };
  return null;
}

async function primaryProblem(key: openpgp.Key, date: Date): Promise<Unusable | null> {
  const primary = await key.getPrimaryUser(date).catch(() => null);
  if (primary && !allowsSigning(primary.selfCertification))
    return {
      status: 'key-unusable',
      detail: "the key is not for signing: its self-signature's key flags do not allow it to sign data (a signing subkey should have signed)",
    };
  return null;
}

/** The reason `signingKey` (the primary key or one of its subkeys) cannot have made a good signature at `date`. */
export async function whyCannotSign(
  key: openpgp.Key,
  signingKey: openpgp.Key | openpgp.Subkey,
  keyID: openpgp.KeyID,
  date: Date,
  when: When,
  expiration: Date | null,
): Promise<Unusable> {
  if (expiration && expiration.getTime() <= date.getTime())
    return { status: 'key-expired', detail: when === 'signed' ? 'the key had expired when it signed' : 'the signing key has expired' };
  const user = await revokedUserID(key, date);
  if (user !== null) return { status: 'user-id-revoked', detail: `the key's user ID ${JSON.stringify(user)} is revoked, and the key has no other valid one` };
  const specific = signingKey === key ? await primaryProblem(key, date) : await subkeyProblem(signingKey as openpgp.Subkey, date, when);
  if (specific) return specific;
  const why = await key.getSigningKey(keyID, date).then(
    () => 'no reason given',
    (error: Error) => error.message,
  );
  return { status: 'key-unusable', detail: `the key cannot sign ${at(when)}: ${why}` };
}
