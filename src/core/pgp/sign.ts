/** Cleartext signing with openpgp.js; several signers; merging detached signatures made elsewhere. */
import * as openpgp from 'openpgp';
import { isCanonical } from '../canonical.ts';
import { SigningError } from '../errors.ts';
import { armorCleartext, splitSignedFile } from './armor.ts';
import { fingerprintOf } from './keys.ts';
import { signaturePacketsOf } from './openpgp-internals.ts';
import { requireKeyUsableAt } from './signing-key.ts';

async function signaturePackets(text: string, keys: openpgp.PrivateKey[], date: Date): Promise<openpgp.SignaturePacket[]> {
  for (const key of keys) await requireKeyUsableAt(key, date);
  const message = await openpgp.createCleartextMessage({ text });
  const armored = await openpgp.sign({ message, signingKeys: keys, date, config: { preferredHashAlgorithm: openpgp.enums.hash.sha512 } });
  const parsed = await openpgp.readCleartextMessage({ cleartextMessage: armored });
  return signaturePacketsOf(parsed);
}

function assertCanonical(text: string): void {
  if (!isCanonical(text)) {
    throw new SigningError('DOCUMENT_INVALID', 'refusing to sign text that is not canonical', {
      expected: 'UTF-8, LF, no trailing spaces, final LF',
      hint: 'Compose documents with candor; do not edit them by hand.',
    });
  }
}

/** Signs canonical `text` with every key; returns the published cleartext file. */
export async function signDocument(text: string, keys: openpgp.PrivateKey[], clock: { now: Date }): Promise<string> {
  assertCanonical(text);
  return armorCleartext(text, await signaturePackets(text, keys, clock.now));
}

async function readSplit(file: string, source: string) {
  const split = await splitSignedFile(file, 'attestation');
  if (!split.ok) {
    throw new SigningError('DOCUMENT_INVALID', 'not a cleartext-signed canary document', { file: source, received: split.reasons[0]!.message });
  }
  return split.value;
}

/** Adds signatures by more signers to an already signed file (same text). */
export async function addSignatures(file: string, keys: openpgp.PrivateKey[], clock: { now: Date }, source = 'the document'): Promise<string> {
  const { text, signatures } = await readSplit(file, source);
  const already = new Set(signatures.map((s) => s.issuerKeyID.toHex()));
  const fresh = keys.filter((k) => !already.has(k.getKeyID().toHex()));
  return armorCleartext(text, [...signatures, ...(await signaturePackets(text, fresh, clock.now))]);
}

/** Prepared-but-unsigned document: signers sign this file with gpg --textmode. */
export function unsignedBody(text: string): string {
  assertCanonical(text);
  return text;
}

/** openpgp.js throws from verify() itself when expectSigned fails, and from each `verified` otherwise. */
async function verifyDetached(text: string, signature: openpgp.Signature, keys: openpgp.Key[], source: string): Promise<void> {
  try {
    const message = await openpgp.createMessage({ text });
    const created = signature.packets[0]?.created ?? undefined;
    const result = await openpgp.verify({ message, signature, verificationKeys: keys, ...(created ? { date: created } : {}), expectSigned: true });
    await Promise.all(result.signatures.map((s) => s.verified));
  } catch (error) {
    // The signer's key is known by now (mergeDetachedSignature): what is left is other text.
    throw new SigningError('SIGNATURE_DOES_NOT_MATCH', 'the detached signature does not verify over the prepared attestation', {
      file: source,
      expected: 'a signature over content/canary/pending/attestation.txt exactly as prepared',
      received: 'a signature over other text (another file, or the file as it was before it was prepared again)',
      cause: error,
      hint: 'Sign the exact prepared file with gpg --armor --textmode --detach-sign content/canary/pending/attestation.txt.',
    });
  }
}

/**
 * Merges a detached signature (e.g. `gpg --armor --textmode --detach-sign`, a hardware
 * key) into the cleartext file after checking that it verifies over the same text.
 */
export async function mergeDetachedSignature(opts: {
  file: string | null;
  text: string;
  detached: string;
  signerKeys: openpgp.Key[];
  source: string;
}): Promise<string> {
  const signature = await openpgp.readSignature({ armoredSignature: opts.detached }).catch((error: unknown) => {
    throw new SigningError('DOCUMENT_INVALID', 'not an OpenPGP signature', {
      file: opts.source,
      expected: 'an armored detached signature (-----BEGIN PGP SIGNATURE-----)',
      received: 'text that does not read as one',
      cause: error,
      hint: 'Make it with: gpg --armor --textmode --detach-sign content/canary/pending/attestation.txt',
    });
  });
  const packets = [...signature.packets] as openpgp.SignaturePacket[];
  for (const packet of packets) {
    const id = packet.issuerKeyID.toHex();
    if (opts.signerKeys.some((k) => k.getKeyIDs().some((kid) => kid.toHex() === id))) continue;
    const made = packet.issuerFingerprint
      ? Array.from(packet.issuerFingerprint, (b) => b.toString(16).padStart(2, '0'))
          .join('')
          .toUpperCase()
      : `key ID ${id.toUpperCase()}`;
    throw new SigningError('SIGNER_NOT_IN_POLICY', `signed by ${made}, which is not one of the attestation signers`, {
      file: opts.source,
      expected: `a signature by a key of signers.keys (or a panic key) in canary.yml with its public key in keys/: ${opts.signerKeys.map(fingerprintOf).join(', ') || 'none found'}`,
      received: made,
      hint: 'Sign with your own signer key, or have the signers add this key to signers.keys first (docs/content.md#canary-configuration).',
    });
  }
  for (const packet of packets) {
    if (packet.signatureType !== openpgp.enums.signature.text) {
      throw new SigningError('SIGNATURE_NOT_TEXT_MODE', 'binary-mode signature', {
        file: opts.source,
        expected: 'a text-mode signature (type 0x01)',
        received: `type 0x${packet.signatureType?.toString(16).padStart(2, '0')}`,
        hint: 'Sign with: gpg --armor --textmode --detach-sign FILE',
      });
    }
  }
  await verifyDetached(opts.text, signature, opts.signerKeys, opts.source);
  const existing = opts.file ? (await readSplit(opts.file, opts.source)).signatures : [];
  const seen = new Set(existing.map((s) => s.issuerKeyID.toHex()));
  return armorCleartext(opts.text, [...existing, ...packets.filter((p) => !seen.has(p.issuerKeyID.toHex()))]);
}

export { fingerprintOf };
