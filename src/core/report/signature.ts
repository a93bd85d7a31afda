/**
 * Each report's canonical JSON is signed with a detached OpenPGP signature, so that
 * `gpg --verify 2025-h1.json.asc 2025-h1.json` checks the published numbers as they are.
 */
import * as openpgp from 'openpgp';
import { fingerprintOf } from '../pgp/keys.ts';

const encoder = new TextEncoder();

export async function signReportJson(json: string, key: openpgp.PrivateKey, clock: { now: Date }): Promise<string> {
  const message = await openpgp.createMessage({ binary: encoder.encode(json) });
  const signature = await openpgp.sign({ message, signingKeys: key, detached: true, date: clock.now, format: 'object' });
  // Signature.armor() keeps the CRC line that GnuPG 2.2 needs (see src/core/pgp/armor.ts).
  return signature.armor().replace(/\r\n/g, '\n');
}

export type ReportSignatureCheck = { ok: true; fingerprint: string; created: Date } | { ok: false; reason: string };

/** Good only if some `keys` entry made a valid signature over exactly these bytes. */
export async function verifyReportJson(json: string, armored: string, keys: openpgp.Key[]): Promise<ReportSignatureCheck> {
  try {
    const signature = await openpgp.readSignature({ armoredSignature: armored });
    const message = await openpgp.createMessage({ binary: encoder.encode(json) });
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
