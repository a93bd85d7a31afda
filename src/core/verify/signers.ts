/** Who signed, whether they count, and why not. */
import type { KeyRef } from '../canary/model.ts';
import type { SignatureCheck } from '../pgp/check-signatures.ts';
import type { Reason } from './reasons.ts';

const STATUS_REASON = {
  bad: 'SIGNATURE_BAD',
  'signature-expired': 'SIGNATURE_EXPIRED',
  'key-expired': 'KEY_EXPIRED',
  'key-unusable': 'KEY_UNUSABLE',
  'key-revoked': 'KEY_REVOKED',
  'user-id-revoked': 'KEY_USER_ID_REVOKED',
  'key-not-yet-valid': 'KEY_NOT_YET_VALID',
} as const;

export interface SignerTally {
  /** Fingerprints of policy keys with a good signature that the verifier trusts. */
  counted: string[];
  reasons: Reason[];
  /** Signatures that cannot count because the key is not trusted (or not known). */
  unpinned: Reason[];
}

/**
 * Untrusted signatures matter only when the trusted ones fall short: then they are why
 * (KEY_UNPINNED); otherwise they are an extra signature that was not counted (a note).
 */
export function thresholdReasons(tally: SignerTally, threshold: number, subject: Reason['subject']): Reason[] {
  if (tally.counted.length >= threshold) return tally.unpinned.map((r) => ({ ...r, code: 'SIGNATURE_EXTRA', message: `${r.message} (not counted)` }));
  return [...tally.unpinned, { code: 'THRESHOLD_NOT_MET', subject, message: `${tally.counted.length} trusted signature(s), ${threshold} required` }];
}

/**
 * Counts good signatures by `allowed` keys that are also `trusted`. Any signature that
 * fails is a reason in itself: a bad signature next to good ones is still tampering.
 */
export function tallySigners(checks: SignatureCheck[], allowed: KeyRef[], trusted: Set<string>, subject: Reason['subject'], ignore = new Set<string>()): SignerTally {
  const reasons: Reason[] = [];
  const unpinned: Reason[] = [];
  const counted = new Set<string>();
  const allowedSet = new Set(allowed.map((k) => k.fingerprint));
  for (const check of checks) {
    const who = check.fingerprint ?? `key ID ${check.keyID}`;
    if (check.status === 'good' && ignore.has(check.fingerprint!)) continue;
    if (check.status === 'unknown-key') {
      unpinned.push({ code: 'KEY_UNPINNED', subject, message: `signature by ${who}: no trusted public key for it` });
    } else if (check.status !== 'good') {
      reasons.push({ code: STATUS_REASON[check.status], subject, message: `signature by ${who}: ${check.detail}` });
    } else if (!allowedSet.has(check.fingerprint!)) {
      reasons.push({ code: 'SIGNATURE_EXTRA', subject, message: `good signature by ${who}, which the signer policy does not list` });
    } else if (!trusted.has(check.fingerprint!)) {
      unpinned.push({ code: 'KEY_UNPINNED', subject, message: `signature by ${who}: the key is not pinned (--keys) nor authorised by the previous attestation` });
    } else {
      counted.add(check.fingerprint!);
    }
  }
  return { counted: [...counted], reasons, unpinned };
}
