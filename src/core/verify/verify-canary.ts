/**
 * `candor verify` as a pure function: files, keys and the clock in; a verdict with
 * reasons out. The I/O edge fetches files, keys, documents and block lookups.
 */
import type * as openpgp from 'openpgp';
import { documentHash } from '../canonical.ts';
import type { AttestationData, HeartbeatData } from '../canary/model.ts';
import { newCheckContext, type CheckContext } from '../pgp/check-signatures.ts';
import { documentHashSync, type FastCrypto } from '../pgp/fast-crypto.ts';
import { attestationReasons, endorsedBy, historyReasons, signerReasons, type Clock } from './attestation.ts';
import { heartbeatHistoryReasons, heartbeatReasons, type BlockLookup } from './heartbeat.ts';
import { verdictOf, type Reason, type Verdict } from './reasons.ts';
import { readSignedDocument, type SignedDocument } from './signed-document.ts';

export interface VerifyInput {
  attestation: string;
  heartbeat?: string;
  /** The previous attestation this verifier saw (rollback and statement checks). */
  previous?: string;
  /** The last heartbeat this verifier saw. */
  lastHeartbeat?: { sequence: number; hash: string };
  /** Public key material; only `pins` are trusted for attestation signers. */
  keys: openpgp.Key[];
  pins: string[];
  /** Fetched bytes of the documents the attestation lists; null when not found. Omit to skip. */
  documents?: Record<string, Uint8Array | null>;
  blockLookup?: BlockLookup;
  /** Two-layer canaries must come with a heartbeat; single-layer ones may not. */
  requireHeartbeat?: boolean;
  /** The fewest signers the verifier accepts, whatever the attestation's own policy says. */
  minSigners?: number;
  /** Synchronous hashing and Ed25519 from the I/O edge: the fast path (decision 0005). Same verdicts without. */
  crypto?: FastCrypto;
}

export interface VerifyResult {
  verdict: Verdict;
  reasons: Reason[];
  trust: 'two-layer' | 'automated' | 'unknown';
  attestation?: SignedDocument<AttestationData>;
  heartbeat?: SignedDocument<HeartbeatData>;
  checkedAt: string;
}

/** "automated" when an attestation signer is also a heartbeat key: no person needs to act for it to stay alive. */
export function trustOf(a: AttestationData): 'two-layer' | 'automated' {
  const hbKeys = new Set(a.heartbeat.keys.map((k) => k.fingerprint));
  return a.signers.keys.some((k) => hbKeys.has(k.fingerprint)) ? 'automated' : 'two-layer';
}

async function documentReasons(a: AttestationData, fetched: Record<string, Uint8Array | null>, crypto: FastCrypto | undefined): Promise<Reason[]> {
  const reasons: Reason[] = [];
  for (const doc of a.documents) {
    const bytes = fetched[doc.path];
    if (!bytes) reasons.push({ code: 'DOCUMENT_MISSING', subject: 'attestation', message: `${doc.path} could not be found` });
    else if ((crypto ? documentHashSync(crypto, bytes) : await documentHash(bytes)) !== doc.sha256) reasons.push({ code: 'DOCUMENT_HASH_MISMATCH', subject: 'attestation', message: `${doc.path} does not match the hash the attestation signs (${doc.sha256})` });
  }
  return reasons;
}

async function previousDoc(input: VerifyInput, clock: Clock, pins: Set<string>, ctx: CheckContext) {
  if (!input.previous) return { reasons: [] as Reason[], doc: undefined };
  const prev = await readSignedDocument(input.previous, 'attestation', input.keys, clock, 'previous', ctx);
  if (!prev.ok) return { reasons: prev.reasons.map((r) => ({ ...r, subject: 'previous' as const })), doc: undefined };
  const reasons = signerReasons(prev.doc, pins).filter((r) => !['KEY_EXPIRED'].includes(r.code));
  return { reasons: reasons.map((r) => ({ ...r, subject: 'previous' as const })), doc: reasons.some((r) => r.code === 'THRESHOLD_NOT_MET') ? undefined : prev.doc };
}

/**
 * Pinned keys, plus the previous attestation's signers (continuity, not trust on first
 * use), plus this attestation's signers when the previous policy's threshold endorsed it:
 * that is how signers hand over to new keys.
 */
export function trustedSigners(pins: Set<string>, doc: SignedDocument<AttestationData>, previous?: SignedDocument<AttestationData>): Set<string> {
  if (!previous) return pins;
  const trusted = new Set([...pins, ...previous.data.signers.keys.map((k) => k.fingerprint)]);
  if (endorsedBy(doc, previous.data, trusted).length >= previous.data.signers.threshold) doc.data.signers.keys.forEach((k) => trusted.add(k.fingerprint));
  return trusted;
}

export async function verifyCanary(input: VerifyInput, clock: Clock): Promise<VerifyResult> {
  const checkedAt = clock.now.toISOString();
  const pins = new Set(input.pins.map((p) => p.toUpperCase()));
  // One context for the run: each key is looked at once, whatever it signed.
  const ctx = newCheckContext(input.crypto);
  const previous = await previousDoc(input, clock, pins, ctx);
  const att = await readSignedDocument(input.attestation, 'attestation', input.keys, clock, 'attestation', ctx);
  if (!att.ok) return { verdict: 'invalid', reasons: [...previous.reasons, ...att.reasons], trust: 'unknown', checkedAt };
  const trusted = trustedSigners(pins, att.doc, previous.doc);
  const reasons: Reason[] = [...previous.reasons, ...signerReasons(att.doc, trusted, input.minSigners), ...attestationReasons(att.doc, clock)];
  if (previous.doc) reasons.push(...historyReasons(att.doc, previous.doc, trusted));
  else reasons.push({ code: 'HISTORY_UNCHECKED', subject: 'attestation', message: 'no previous attestation given (--previous or --state): rollback and statement changes were not checked' });
  if (input.documents) reasons.push(...(await documentReasons(att.doc.data, input.documents, input.crypto)));
  const trust = trustOf(att.doc.data);
  if (trust === 'automated') reasons.push({ code: 'AUTOMATED_ONLY', subject: 'attestation', message: 'automated canary: the attestation is signed by a CI heartbeat key, not only by people' });
  const result: VerifyResult = { verdict: 'alive', reasons, trust, attestation: att.doc, checkedAt };
  if (input.heartbeat) {
    const hb = await readSignedDocument(input.heartbeat, 'heartbeat', input.keys, clock, 'heartbeat', ctx);
    if (!hb.ok) reasons.push(...hb.reasons);
    else {
      result.heartbeat = hb.doc;
      reasons.push(...heartbeatReasons(hb.doc, att.doc, clock, input.blockLookup));
      if (input.lastHeartbeat) reasons.push(...heartbeatHistoryReasons(hb.doc, input.lastHeartbeat));
    }
  } else if (input.requireHeartbeat !== false && att.doc.data.heartbeat.keys.length > 0) {
    reasons.push({ code: 'HEARTBEAT_MISSING', subject: 'heartbeat', message: 'no heartbeat: the attestation expects one every ' + `${att.doc.data.heartbeat.intervalHours} hours` });
  }
  result.verdict = verdictOf(reasons);
  return result;
}
