/**
 * Checks each signature packet on its own and says why it fails. openpgp.js resolves
 * `verify()` even for a bad signature; only each signature's `verified` promise rejects,
 * so every one is awaited here and callers never see openpgp.js's raw result.
 *
 * With injected primitives (`crypto`), a v4 Ed25519 text signature by a primary key is
 * checked by hand (decision 0005); everything about the key is still asked of openpgp.js,
 * once per key and date (KeyFacts). Without them, every signature goes to openpgp.js.
 */
import * as openpgp from 'openpgp';
import type { SignatureInput } from './cleartext.ts';
import type { FastCrypto } from './fast-crypto.ts';
import { verifiesFast } from './fast-verify.ts';
import { KeyFacts } from './key-facts.ts';
import { whyCannotSign, type Unusable, type When } from './key-usability.ts';
import { FAR_FUTURE, fingerprintOf } from './keys.ts';
import { makeCleartext } from './openpgp-internals.ts';
import type { FastSignature } from './signature-packet.ts';
import { packetProblem, signatureExpiry } from './signature-rules.ts';

export type SignatureStatus =
  'good' | 'bad' | 'signature-expired' | 'unknown-key' | 'key-expired' | 'key-unusable' | 'key-revoked' | 'user-id-revoked' | 'key-not-yet-valid';

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

/** How signatures are checked in one verification run. */
export interface CheckContext {
  crypto?: FastCrypto | undefined;
  facts: KeyFacts;
}

export const newCheckContext = (crypto?: FastCrypto): CheckContext => ({ crypto, facts: new KeyFacts() });

const WILDCARD = '0'.repeat(16);
const isFast = (s: SignatureInput): s is FastSignature => 'hashedPart' in s;

/** The packet as openpgp.js reads it, for a signature read by hand that the fast path cannot decide. */
async function packetOf(signature: SignatureInput): Promise<openpgp.SignaturePacket> {
  if (!isFast(signature)) return signature;
  const { packets } = await openpgp.readSignature({ binarySignature: signature.bytes });
  return packets[0] as openpgp.SignaturePacket;
}

async function cryptoCheck(text: string, packet: openpgp.SignaturePacket, key: openpgp.Key): Promise<string | null> {
  const message = makeCleartext(text, [packet]);
  try {
    // Verified as of its own creation time: expiry and revocation are judged separately, with reasons.
    const result = await openpgp.verify({ message, verificationKeys: [key], ...(packet.created ? { date: packet.created } : {}), expectSigned: true });
    await Promise.all(result.signatures.map((s) => s.verified));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A gpg or hardware-token signer usually signs with a subkey, which can be revoked on its own. */
async function isSubkeyRevoked(key: openpgp.Key, signingKey: openpgp.Key | openpgp.Subkey, facts: KeyFacts): Promise<boolean> {
  if (signingKey === key || !('bindingSignatures' in signingKey)) return false;
  return facts.subkeyRevoked(signingKey, async () => {
    for (const date of [FAR_FUTURE, signingKey.getCreationTime()]) {
      if (await signingKey.isRevoked(undefined as never, undefined as never, date).catch(() => false)) return true;
    }
    return false;
  });
}

/** Why the signer cannot sign at `date` (expired, unusable, user ID revoked), or null when it can. */
async function unusableAt(signer: Signer, date: Date, when: When, facts: KeyFacts): Promise<Unusable | null> {
  const expiration = await facts.expiration(signer.key);
  const expired = expiration !== null && expiration.getTime() <= date.getTime();
  if (!expired && (await facts.canSign(signer.key, signer.keyID, date))) return null;
  return whyCannotSign(signer.key, signer.signingKey, signer.keyID, date, when, expiration);
}

interface Signer {
  key: openpgp.Key;
  signingKey: openpgp.Key | openpgp.Subkey;
  keyID: openpgp.KeyID;
}

/**
 * The key and subkey openpgp.js would pick for the signature (the first key holding its
 * key ID). For a packet read by hand, the same lookup by hex; a key whose own ID is the
 * all-zero wildcard (which openpgp.js matches to anything) sends it to openpgp.js instead.
 */
function signerOf(signature: SignatureInput, keys: openpgp.Key[], facts: KeyFacts): Signer | null | 'ask-openpgp' {
  if (!isFast(signature)) {
    const key = keys.find((k) => k.getKeys(signature.issuerKeyID).length > 0);
    return key ? { key, signingKey: key.getKeys(signature.issuerKeyID)[0]!, keyID: signature.issuerKeyID } : null;
  }
  return facts.signer(keys, signature.issuerKeyID, () => {
    const holds = (k: openpgp.Key | openpgp.Subkey) => k.getKeyID().toHex() === signature.issuerKeyID || k.getKeyID().toHex() === WILDCARD;
    const key = keys.find((k) => k.getKeys().some(holds));
    if (!key) return null;
    const signingKey = key.getKeys().find(holds)!;
    return signingKey.getKeyID().toHex() === WILDCARD ? 'ask-openpgp' : { key, signingKey, keyID: signingKey.getKeyID() };
  });
}

async function checkOne(text: string, input: SignatureInput, keys: openpgp.Key[], now: Date, ctx: CheckContext): Promise<SignatureCheck> {
  let signature = input;
  let signer = signerOf(signature, keys, ctx.facts);
  if (signer === 'ask-openpgp') {
    signature = await packetOf(signature);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion narrows `signer` for the code below: a parsed packet never asks openpgp again
    signer = signerOf(signature, keys, ctx.facts) as Signer | null;
  }
  const keyID = isFast(signature) ? signature.issuerKeyID.toUpperCase() : signature.issuerKeyID.toHex().toUpperCase();
  const created = signature.created ?? new Date(0);
  const expiration = signer ? await ctx.facts.expiration(signer.key) : null;
  const base = { keyID, created, fingerprint: signer ? fingerprintOf(signer.key) : null, keyExpires: expiration };
  if (!signer) return { ...base, status: 'unknown-key', detail: `no public key for key ID ${keyID}` };
  const { key, signingKey } = signer;
  if (signingKey.getCreationTime().getTime() > created.getTime()) {
    return { ...base, status: 'key-not-yet-valid', detail: `key created ${signingKey.getCreationTime().toISOString()}, after the signature` };
  }
  if ((await ctx.facts.revoked(key)) || (await isSubkeyRevoked(key, signingKey, ctx.facts)))
    return { ...base, status: 'key-revoked', detail: 'the signing key is revoked' };
  const then = await unusableAt(signer, created, 'signed', ctx.facts);
  if (then) return { ...base, ...then };
  const problem = isFast(signature) ? null : packetProblem(signature);
  if (problem) return { ...base, status: 'bad', detail: problem };
  // The fast path covers the primary key only; a subkey's binding is openpgp.js's to check.
  const fast = ctx.crypto && isFast(signature) && signingKey === key && (await verifiesFast(text, signature, key, ctx.crypto));
  const failure = fast ? null : await cryptoCheck(text, await packetOf(signature), key);
  if (failure) return { ...base, status: 'bad', detail: failure };
  // Read by hand means no expiration subpacket (signature-packet.ts leaves those to openpgp.js).
  const expires = isFast(signature) ? null : signatureExpiry(signature);
  if (expires && expires.getTime() <= now.getTime())
    return { ...base, status: 'signature-expired', detail: `the signature expired ${expires.toISOString()} (its own expiration time, set by the signer)` };
  const since = await unusableAt(signer, now, 'now', ctx.facts);
  if (since) return { ...base, ...since };
  return { ...base, status: 'good', detail: 'good signature' };
}

/**
 * `clock.now` judges key expiry; `'signature-time'` judges each key when it signed,
 * which is how an archive of past documents is checked.
 */
export async function checkSignatures(
  text: string,
  signatures: SignatureInput[],
  keys: openpgp.Key[],
  clock: { now: Date } | 'signature-time',
  ctx: CheckContext = newCheckContext(),
): Promise<SignatureCheck[]> {
  return Promise.all(signatures.map((s) => checkOne(text, s, keys, clock === 'signature-time' ? (s.created ?? new Date(0)) : clock.now, ctx)));
}
