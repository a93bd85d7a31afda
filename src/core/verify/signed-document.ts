/** One signed canary file: frame, canonical text, data, and every signature checked. */
import type * as openpgp from 'openpgp';
import { documentHash } from '../canonical.ts';
import { parseCanaryTextFast } from '../canary/read-text.ts';
import type { CanaryData } from '../canary/model.ts';
import { readSignedFile } from '../pgp/cleartext.ts';
import { checkSignatures, newCheckContext, type CheckContext, type SignatureCheck } from '../pgp/check-signatures.ts';
import { documentHashSync } from '../pgp/fast-crypto.ts';
import type { Reason } from './reasons.ts';

export interface SignedDocument<T extends CanaryData = CanaryData> {
  data: T;
  /** The signed text only: what a reader may trust. */
  text: string;
  hash: string;
  signatures: SignatureCheck[];
}

export type DocumentResult<T extends CanaryData> = { ok: true; doc: SignedDocument<T> } | { ok: false; reasons: Reason[] };

/** `ctx` carries the injected primitives and what is known about the keys, for a whole verification run. */
export async function readSignedDocument<K extends CanaryData['kind']>(
  file: string,
  kind: K,
  keys: openpgp.Key[],
  clock: { now: Date } | 'signature-time',
  subject: Reason['subject'] = kind,
  ctx: CheckContext = newCheckContext(),
): Promise<DocumentResult<Extract<CanaryData, { kind: K }>>> {
  const split = await readSignedFile(file, subject);
  if (!split.ok) return split;
  const { text } = split.value;
  // Signatures first: a tampered file must say SIGNATURE_BAD even when it no longer parses.
  const signatures = await checkSignatures(text, split.value.signatures, keys, clock, ctx);
  const parsed = await parseCanaryTextFast(text, subject);
  if (!parsed.ok) {
    const bad = signatures
      .filter((s) => s.status === 'bad')
      .map((s): Reason => ({ code: 'SIGNATURE_BAD', subject, message: `signature by ${s.fingerprint ?? s.keyID}: ${s.detail}` }));
    return { ok: false, reasons: [...bad, ...parsed.reasons] };
  }
  if (parsed.data.kind !== kind) {
    return { ok: false, reasons: [{ code: 'WRONG_KIND', subject, message: `expected an ${kind}, got a ${parsed.data.kind}` }] };
  }
  const hash = ctx.crypto ? documentHashSync(ctx.crypto, text) : await documentHash(text);
  return { ok: true, doc: { data: parsed.data as Extract<CanaryData, { kind: K }>, text, hash, signatures } };
}
