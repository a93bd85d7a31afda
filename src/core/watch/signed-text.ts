/**
 * Another system's OpenPGP-signed canary (Qubes, Kicksecure, Riseup…): cleartext-signed,
 * or a text with a detached signature. Its signature is checked with openpgp.js against
 * the keys given; the dates and statements are read by the site's rule from the signed
 * text only; the verdict follows from the trusted signers, the stated expiry and what this
 * watcher saw last. Pure: the files, keys, previous state and clock come in.
 */
import * as openpgp from 'openpgp';
import { documentHash } from '../canonical.ts';
import { fingerprintOf } from '../pgp/keys.ts';
import type { SignedTextRule } from './config.ts';
import { extract } from './extract.ts';
import type { Observation, SiteState } from './transition.ts';

export interface SignedTextInput {
  /** The file as served. */
  text: string;
  /** The armored detached signature, when the site has one; else `text` is cleartext-signed. */
  signature?: string;
  keys: openpgp.Key[];
  rule: SignedTextRule;
  /** Fingerprints trusted: the pins, or those accepted (tofu). Undefined: a first tofu check, every good signer. */
  trusted: string[] | undefined;
  previous: SiteState | undefined;
  now: Date;
}

type Reason = { code: string; message: string };

/** The signed text and the fingerprints of the keys whose signatures on it are good. */
async function check(input: SignedTextInput): Promise<{ text: string; good: string[] } | Reason> {
  let message: openpgp.CleartextMessage | openpgp.Message<string>;
  let signature: openpgp.Signature | undefined;
  let text: string;
  try {
    if (input.signature) {
      text = input.text;
      message = await openpgp.createMessage({ text });
      signature = await openpgp.readSignature({ armoredSignature: input.signature });
    } else {
      const block = /-----BEGIN PGP SIGNED MESSAGE-----[\s\S]*?-----END PGP SIGNATURE-----/.exec(input.text);
      if (!block) return { code: 'SIGNATURE_MISSING', message: 'the file holds no OpenPGP signed message' };
      const outside = input.text.slice(0, block.index) + input.text.slice(block.index + block[0].length);
      if (outside.trim()) return { code: 'TEXT_OUTSIDE_SIGNED', message: 'the file has text outside the signed message, which nobody signed' };
      if (/-----BEGIN PGP SIGNED MESSAGE-----/.test(outside)) return { code: 'MULTIPLE_SIGNED_BLOCKS', message: 'the file holds a second signed message' };
      message = await openpgp.readCleartextMessage({ cleartextMessage: block[0] });
      text = message.getText();
    }
  } catch (error) {
    return { code: 'FORMAT_INVALID', message: `the signature cannot be read: ${(error as Error).message}` };
  }
  const good: string[] = [];
  const result = await openpgp.verify({
    message: message as openpgp.Message<string>,
    ...(signature ? { signature } : {}),
    verificationKeys: input.keys,
    date: input.now,
  });
  for (const s of result.signatures) {
    const ok = await s.verified.then(
      () => true,
      () => false,
    );
    const key = input.keys.find((k) => k.getKeys(s.keyID).length > 0);
    if (ok && key) good.push(fingerprintOf(key));
  }
  return { text, good: [...new Set(good)].sort() };
}

/** One check of a signed-text site, as an observation for transition(). */
export async function observeSignedText(input: SignedTextInput): Promise<Extract<Observation, { kind: 'checked' }>> {
  const at = input.now.toISOString();
  const hash = await documentHash(input.text + (input.signature ?? ''));
  const base = { kind: 'checked' as const, at, hash, signers: [] as string[], untrusted: [] as string[], statements: [] as string[] };
  const checked = await check(input);
  if ('code' in checked) return { ...base, verdict: 'invalid', reasons: [checked] };
  const trusted = input.trusted ?? checked.good;
  const signers = checked.good.filter((f) => trusted.includes(f));
  const untrusted = checked.good.filter((f) => !trusted.includes(f));
  const extracted = extract(checked.text, input.rule);
  if (!extracted.ok) return { ...base, signers, untrusted, verdict: 'invalid', reasons: [{ code: 'RULE_NO_MATCH', message: extracted.problem }] };
  const { issued, expires, expiresFrom, statements } = extracted.value;
  const obs = { ...base, signers, untrusted, statements, issued, expires, expiresFrom };
  const reasons: Reason[] = [];
  let verdict: Observation & { kind: 'checked' } extends { verdict: infer V } ? V : never = 'alive';
  const prev = input.previous;
  if (signers.length === 0) {
    verdict = 'invalid';
    reasons.push({
      code: checked.good.length ? 'KEY_UNPINNED' : 'SIGNATURE_BAD',
      message: checked.good.length ? `signed by ${checked.good.join(', ')}, not a key you trust` : 'no good signature by any key given',
    });
  } else if (prev?.issued && issued < prev.issued) {
    verdict = 'invalid';
    reasons.push({ code: 'ROLLBACK', message: `issued ${issued}, before the canary seen last (issued ${prev.issued}): an older canary is served` });
  } else if (prev?.issued && issued === prev.issued && prev.hash && prev.hash !== hash && prev.signers.length > 0) {
    verdict = 'invalid';
    reasons.push({ code: 'CANARY_REPLACED', message: `a different canary with the same issue date (${issued}) as the one seen last` });
  } else {
    const removed = (prev?.statements ?? []).filter((s) => !statements.includes(s));
    if (removed.length > 0 || prev?.status === 'tripped') {
      verdict = 'tripped';
      reasons.push({
        code: 'STATEMENT_REMOVED',
        message: removed.length
          ? `no longer says: ${removed.map((s) => JSON.stringify(s)).join(', ')}`
          : 'a statement was removed earlier (see the previous events)',
      });
    } else if (expires <= at) {
      verdict = 'stale';
      reasons.push({
        code: 'ATTESTATION_EXPIRED',
        message: `expired ${expires}${expiresFrom === 'rule' ? ' (by the watch rule: the canary states no expiry)' : ''}`,
      });
    } else if (issued > new Date(input.now.getTime() + 300_000).toISOString()) {
      verdict = 'invalid';
      reasons.push({ code: 'FUTURE_DATED', message: `issued ${issued}, after now` });
    }
  }
  return { ...obs, verdict, reasons };
}
