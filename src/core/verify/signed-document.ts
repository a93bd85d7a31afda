/** One signed canary file: frame, canonical text, data, and every signature checked. */
import type * as openpgp from 'openpgp';
import { documentHash } from '../canonical.ts';
import { parseCanaryText } from '../canary/document.ts';
import type { CanaryData } from '../canary/model.ts';
import { splitSignedFile } from '../pgp/armor.ts';
import { checkSignatures, type SignatureCheck } from '../pgp/check-signatures.ts';
import type { Reason } from './reasons.ts';

export interface SignedDocument<T extends CanaryData = CanaryData> {
  data: T;
  /** The signed text only: what a reader may trust. */
  text: string;
  hash: string;
  signatures: SignatureCheck[];
}

export type DocumentResult<T extends CanaryData> = { ok: true; doc: SignedDocument<T> } | { ok: false; reasons: Reason[] };

export async function readSignedDocument<K extends CanaryData['kind']>(
  file: string, kind: K, keys: openpgp.Key[], clock: { now: Date } | 'signature-time', subject: Reason['subject'] = kind,
): Promise<DocumentResult<Extract<CanaryData, { kind: K }>>> {
  const split = await splitSignedFile(file, subject);
  if (!split.ok) return split;
  // Signatures first: a tampered file must say SIGNATURE_BAD even when it no longer parses.
  const signatures = await checkSignatures(split.value.text, split.value.signatures, keys, clock);
  const parsed = parseCanaryText(split.value.text, subject);
  if (!parsed.ok) {
    const bad = signatures.filter((s) => s.status === 'bad').map((s): Reason => ({ code: 'SIGNATURE_BAD', subject, message: `signature by ${s.fingerprint ?? s.keyID}: ${s.detail}` }));
    return { ok: false, reasons: [...bad, ...parsed.reasons] };
  }
  if (parsed.data.kind !== kind) {
    return { ok: false, reasons: [{ code: 'WRONG_KIND', subject, message: `expected an ${kind}, got a ${parsed.data.kind}` }] };
  }
  return { ok: true, doc: { data: parsed.data as Extract<CanaryData, { kind: K }>, text: split.value.text, hash: await documentHash(split.value.text), signatures } };
}
