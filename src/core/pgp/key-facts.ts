/**
 * What check-signatures.ts asks openpgp.js about a key, asked once per verification run
 * instead of once per signature. Each answer depends only on the key and the date asked
 * about (openpgp.js checks the self-signatures as of that date), so remembering it is
 * exact; an archive of 3,650 heartbeats by one key asks about revocation once, not 3,650
 * times. One instance per run: keys are not assumed immutable across runs.
 */
import type * as openpgp from 'openpgp';
import { isRevoked } from './keys.ts';

/** When a key can sign: valid at every date in [from, until), never outside. */
interface Window {
  from: number;
  until: number;
  valid: boolean;
}

const WILDCARD = '0'.repeat(16);

/**
 * For a key of the plainest shape (one user ID with one self-signature, no revocation
 * or direct-key signature, signing with the primary key), openpgp.js's getSigningKey
 * depends on the date only through four instants: the key's and the self-signature's
 * creation, and their expiry. It is then asked once, at the start of that window, and
 * its answer holds for the whole window. null: any other shape, asked date by date.
 */
function windowOf(key: openpgp.Key, keyID: openpgp.KeyID): { from: number; until: number } | null {
  const direct = (key as unknown as { directSignatures?: unknown[] }).directSignatures;
  const [user, ...others] = key.users;
  const cert = user?.selfCertifications.length === 1 ? user.selfCertifications[0]! : undefined;
  if (!cert?.created) return null;
  const primary = key.getKeyID().toHex();
  if (!user?.userID || !cert || others.length > 0 || user.revocationSignatures.length > 0 || key.revocationSignatures.length > 0 || direct?.length !== 0)
    return null;
  if (keyID.toHex() !== primary || primary === WILDCARD || key.subkeys.some((k) => [primary, WILDCARD].includes(k.getKeyID().toHex()))) return null;
  const created = key.keyPacket.created.getTime();
  const keyExpiry = cert.keyNeverExpires === false ? created + (cert.keyExpirationTime ?? 0) * 1000 : Infinity;
  return { from: Math.max(created, cert.created.getTime()), until: Math.min(keyExpiry, Number(cert.getExpirationTime())) };
}

export class KeyFacts {
  readonly #memo = new WeakMap<object, Map<string, Promise<unknown>>>();
  readonly #signers = new WeakMap<openpgp.Key[], Map<string, unknown>>();
  readonly #hex = new WeakMap<openpgp.KeyID, string>();

  /** keyID.toHex(), once per KeyID object: it is asked for every document. */
  #hexOf(keyID: openpgp.KeyID): string {
    let hex = this.#hex.get(keyID);
    if (hex === undefined) this.#hex.set(keyID, (hex = keyID.toHex()));
    return hex;
  }

  #once<T>(key: object, what: string, compute: () => Promise<T>): Promise<T> {
    let answers = this.#memo.get(key);
    if (!answers) this.#memo.set(key, (answers = new Map<string, Promise<unknown>>()));
    let answer = answers.get(what) as Promise<T> | undefined;
    if (!answer) answers.set(what, (answer = compute()));
    return answer;
  }

  /** When the key expires (null: never, or unknown), as openpgp.js's getExpirationTime says. */
  expiration(key: openpgp.Key): Promise<Date | null> {
    return this.#once(key, 'expiration', async () => {
      const expiration = await key.getExpirationTime().catch(() => null);
      return expiration instanceof Date ? expiration : null;
    });
  }

  revoked(key: openpgp.Key): Promise<boolean> {
    return this.#once(key, 'revoked', () => isRevoked(key));
  }

  /** Whether a subkey's own revocation applies, whatever its date (see check-signatures.ts). */
  subkeyRevoked(signingKey: openpgp.Subkey, compute: () => Promise<boolean>): Promise<boolean> {
    return this.#once(signingKey, 'revoked', compute);
  }

  /** Whether openpgp.js finds `keyID` a valid signing key of `key` at `date`. */
  async canSign(key: openpgp.Key, keyID: openpgp.KeyID, date: Date): Promise<boolean> {
    const window = await this.#once(key, `window ${this.#hexOf(keyID)}`, async (): Promise<Window | null> => {
      const w = windowOf(key, keyID);
      return w && { ...w, valid: w.from < w.until && (await this.#askAt(key, keyID, new Date(w.from))) };
    });
    // openpgp.js compares dates in whole seconds.
    const at = Math.floor(date.getTime() / 1000) * 1000;
    return window ? window.valid && window.from <= at && at < window.until : this.#askAt(key, keyID, date);
  }

  #askAt(key: openpgp.Key, keyID: openpgp.KeyID, date: Date): Promise<boolean> {
    return this.#once(key, `sign ${this.#hexOf(keyID)} ${date.getTime()}`, () =>
      key.getSigningKey(keyID, date).then(
        () => true,
        () => false,
      ),
    );
  }

  /** `lookup(keys)` once per key list and issuer key ID (hex). */
  signer<T>(keys: openpgp.Key[], issuer: string, lookup: () => T): T {
    let byIssuer = this.#signers.get(keys);
    if (!byIssuer) this.#signers.set(keys, (byIssuer = new Map<string, unknown>()));
    if (!byIssuer.has(issuer)) byIssuer.set(issuer, lookup());
    return byIssuer.get(issuer) as T;
  }
}
