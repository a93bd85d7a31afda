/**
 * Detached OpenPGP signatures over exact bytes (binary mode), so that
 * `gpg --verify FILE.asc FILE` checks a published file as it is: report JSON, the
 * site manifest.
 */
import * as openpgp from 'openpgp';
import { fingerprintOf } from './keys.ts';
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

/** Good only if some `keys` entry made a valid signature over exactly these bytes. */
export async function verifyDetached(data: string | Uint8Array, armored: string, keys: openpgp.Key[]): Promise<DetachedCheck> {
  try {
    const signature = await openpgp.readSignature({ armoredSignature: armored });
    const message = await openpgp.createMessage({ binary: bytesOf(data) });
    const created = (signature.packets[0] as openpgp.SignaturePacket | undefined)?.created ?? undefined;
    const result = await openpgp.verify({ message, signature, verificationKeys: keys, expectSigned: true, date: created });
    await Promise.all(result.signatures.map((s) => s.verified));
    const keyID = result.signatures[0]!.keyID;
    const key = keys.find((k) => k.getKeys(keyID).length > 0)!;
    return { ok: true, fingerprint: fingerprintOf(key), created: created ?? new Date(0) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
