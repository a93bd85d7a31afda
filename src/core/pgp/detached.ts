/**
 * Detached OpenPGP signatures over exact bytes (binary mode), so that
 * `gpg --verify FILE.asc FILE` checks a published file as it is: report JSON, the
 * site manifest.
 */
import * as openpgp from 'openpgp';
import { asPublished, firstDifference } from './framing.ts';
import { fingerprintOf } from './keys.ts';
import { packetProblem, signatureExpiry } from './signature-rules.ts';
import { requireKeyUsableAt } from './signing-key.ts';

const encoder = new TextEncoder();
const bytesOf = (data: string | Uint8Array) => (typeof data === 'string' ? encoder.encode(data) : data);

export async function signDetached(data: string | Uint8Array, key: openpgp.PrivateKey, clock: { now: Date }): Promise<string> {
  await requireKeyUsableAt(key, clock.now);
  const message = await openpgp.createMessage({ binary: bytesOf(data) });
  const signature = await openpgp.sign({ message, signingKeys: key, detached: true, date: clock.now, format: 'object' });
  // Signature.armor() keeps the CRC line that GnuPG 2.2 needs (see src/core/pgp/armor.ts).
  return signature.armor().replace(/\r\n/g, '\n');
}

export type DetachedCheck = { ok: true; fingerprint: string; created: Date } | { ok: false; reason: string };

/**
 * Why an armored detached signature is not exactly what signDetached writes for its
 * packets (armor headers such as Comment:, text after the checksum, packets openpgp.js
 * skips, re-wrapped base64), or null. openpgp.js reads all of that without a word.
 */
function armorProblem(armored: string, signature: openpgp.Signature): string | null {
  const where = firstDifference(asPublished(armored), signature.armor().replace(/\r\n/g, '\n'));
  return where && `the signature file is not exactly the armor candor writes for its signature: ${where}; sign it again with candor`;
}

/**
 * Good only if some `keys` entry made a valid signature over exactly these bytes, the
 * armor is exactly candor's, and (given a clock) the signature has not expired.
 */
export async function verifyDetached(data: string | Uint8Array, armored: string, keys: openpgp.Key[], clock?: { now: Date }): Promise<DetachedCheck> {
  try {
    const signature = await openpgp.readSignature({ armoredSignature: armored });
    // openpgp.js keeps a packet of an unsupported version as an unparsed one: nothing Candor can check.
    const packets = [...signature.packets].filter((p): p is openpgp.SignaturePacket => p instanceof openpgp.SignaturePacket);
    const unread = packets.length < signature.packets.length ? 'the signature file holds a packet that is not a signature candor can read' : null;
    const problem = armorProblem(armored, signature) ?? unread ?? packets.map(packetProblem).find(Boolean);
    if (problem) return { ok: false, reason: problem };
    const expires = packets.map(signatureExpiry).find((d) => d && clock && d.getTime() <= clock.now.getTime());
    if (expires) return { ok: false, reason: `the signature expired ${expires.toISOString()}` };
    const message = await openpgp.createMessage({ binary: bytesOf(data) });
    const created = packets[0]?.created ?? undefined;
    const result = await openpgp.verify({ message, signature, verificationKeys: keys, expectSigned: true, ...(created ? { date: created } : {}) });
    await Promise.all(result.signatures.map((s) => s.verified));
    const keyID = result.signatures[0]!.keyID;
    const key = keys.find((k) => k.getKeys(keyID).length > 0)!;
    return { ok: true, fingerprint: fingerprintOf(key), created: created ?? new Date(0) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
