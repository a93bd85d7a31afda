/**
 * Keys in the states a signer's key can drift into without expiring: a signing subkey
 * whose binding signature is bad, expired or lacks the signing flag, an expired subkey,
 * a revoked user ID. Each is published as a real OpenPGP key would be (armored, read back).
 */
import * as openpgp from 'openpgp';
import { rawSign, type Signer } from './packets.ts';
import type { TestKey } from './world.ts';

const reread = async (key: openpgp.Key) => openpgp.readKey({ armoredKey: key.armor() });

/** The signing subkey of `key`, its index, and the primary key's secret packet. */
function parts(key: TestKey) {
  const index = key.privateKey.subkeys.findIndex((s) => s.getAlgorithmInfo().algorithm === 'eddsaLegacy');
  if (index < 0) throw new Error('keys: no signing subkey');
  return { index, primary: key.privateKey.keyPacket as openpgp.SecretKeyPacket, sub: key.privateKey.subkeys[index]!.keyPacket };
}

export interface BindingOptions {
  /** Key flags of the binding (default: sign data). */
  flags?: number;
  /** Seconds after its creation when the binding signature itself expires. */
  signatureExpiresAfter?: number;
  /** Seconds after the subkey's creation when the subkey expires. */
  keyExpiresAfter?: number;
  created: Date;
}

/**
 * The public key of a subkey signer whose only binding signature is replaced by one
 * made with these options (and, for "sign data", the subkey's back-signature).
 */
export async function rebindSubkey(key: TestKey, opts: BindingOptions): Promise<openpgp.PublicKey> {
  const { index, primary, sub } = parts(key);
  const data = { key: primary, bind: sub };
  const binding = new openpgp.SignaturePacket();
  binding.signatureType = openpgp.enums.signature.subkeyBinding;
  binding.publicKeyAlgorithm = primary.algorithm;
  binding.hashAlgorithm = openpgp.enums.hash.sha512;
  const flags = opts.flags ?? openpgp.enums.keyFlags.signData;
  binding.keyFlags = new Uint8Array([flags]);
  if (opts.signatureExpiresAfter) {
    binding.signatureExpirationTime = opts.signatureExpiresAfter;
    binding.signatureNeverExpires = false;
  }
  if (opts.keyExpiresAfter) {
    binding.keyExpirationTime = opts.keyExpiresAfter;
    binding.keyNeverExpires = false;
  }
  if (flags & openpgp.enums.keyFlags.signData) {
    const back = new openpgp.SignaturePacket();
    back.signatureType = openpgp.enums.signature.keyBinding;
    back.publicKeyAlgorithm = sub.algorithm;
    back.hashAlgorithm = openpgp.enums.hash.sha512;
    binding.embeddedSignature = await rawSign(back, sub as openpgp.SecretSubkeyPacket, data, opts.created);
  }
  await rawSign(binding, primary, data, opts.created);
  const pub = key.privateKey.toPublic();
  pub.subkeys[index]!.bindingSignatures = [binding];
  return reread(pub);
}

/** The public key with its subkey binding signature's last byte changed: it no longer verifies. */
export async function breakBinding(key: TestKey): Promise<openpgp.PublicKey> {
  const { index } = parts(key);
  const pub = key.privateKey.toPublic();
  const [binding] = pub.subkeys[index]!.bindingSignatures;
  const bytes = binding!.write();
  bytes[bytes.length - 1]! ^= 0x01;
  const broken = new openpgp.SignaturePacket();
  broken.read(bytes);
  pub.subkeys[index]!.bindingSignatures = [broken];
  return reread(pub);
}

/** The public key with its only user ID revoked at `date` ("user ID no longer valid" unless `reason` says otherwise). */
export async function revokeUserID(key: Signer, date: Date, reason = openpgp.enums.reasonForRevocation.userIDInvalid): Promise<openpgp.PublicKey> {
  const pub = key.privateKey.toPublic();
  pub.users[0] = await pub.users[0]!.revoke(key.privateKey.keyPacket as openpgp.SecretKeyPacket, { flag: reason, string: 'no longer used' }, date);
  return reread(pub);
}

/** The public key with its user ID self-signature replaced by one whose key flags are `flags` (e.g. certify only). */
export async function recertify(key: TestKey, flags: number, created: Date): Promise<openpgp.PublicKey> {
  const primary = key.privateKey.keyPacket as openpgp.SecretKeyPacket;
  const user = key.privateKey.users[0]!;
  const cert = new openpgp.SignaturePacket();
  cert.signatureType = openpgp.enums.signature.certPositive;
  cert.publicKeyAlgorithm = primary.algorithm;
  cert.hashAlgorithm = openpgp.enums.hash.sha512;
  cert.keyFlags = new Uint8Array([flags]);
  await rawSign(cert, primary, { userID: user.userID, key: primary }, created);
  const pub = key.privateKey.toPublic();
  pub.users[0]!.selfCertifications = [cert];
  return reread(pub);
}
