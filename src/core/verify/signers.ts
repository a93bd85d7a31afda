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

/**
 * Whom a verifier trusts to sign attestations (decision 0009). A heartbeat (CI) key is
 * never a signer pin, unless the verifier accepted an automated canary for it.
 */
export interface SignerTrust {
  /** Fingerprints whose good signature counts. */
  trusted: Set<string>;
  /** Heartbeat keys: their signature on an attestation does not count (HEARTBEAT_KEY_AS_SIGNER). */
  heartbeatOnly: Set<string>;
  /** Why a key is not trusted, when the verifier knows more than "not pinned". */
  why: Map<string, string>;
}

export const trustOnly = (trusted: Iterable<string>): SignerTrust => ({ trusted: new Set(trusted), heartbeatOnly: new Set(), why: new Map() });

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
export function tallySigners(
  checks: SignatureCheck[],
  allowed: KeyRef[],
  trust: SignerTrust,
  subject: Reason['subject'],
  ignore = new Set<string>(),
): SignerTally {
  const { trusted, heartbeatOnly, why } = trust;
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
    } else if (heartbeatOnly.has(check.fingerprint!)) {
      unpinned.push({
        code: 'HEARTBEAT_KEY_AS_SIGNER',
        subject,
        message: `signature by ${who}, a heartbeat (CI) key: it cannot sign for the people; accept an automated canary only with --automated ${check.fingerprint}`,
      });
    } else if (!trusted.has(check.fingerprint!)) {
      const because = why.get(check.fingerprint!) ?? 'the key is not pinned (--keys) nor authorised by the previous attestation';
      unpinned.push({ code: 'KEY_UNPINNED', subject, message: `signature by ${who}: ${because}` });
    } else {
      counted.add(check.fingerprint!);
    }
  }
  return { counted: [...counted], reasons, unpinned };
}
