/** Rules that concern an attestation on its own and against its predecessor. */
import type { AttestationData } from '../canary/model.ts';
import { diffStatements, unexplained } from '../canary/statement-diff.ts';
import type { Reason } from './reasons.ts';
import { sameService } from './service.ts';
import type { SignedDocument } from './signed-document.ts';
import { tallySigners, thresholdReasons, type SignerTrust } from './signers.ts';

const DAY = 86_400_000;
/** No attestation may claim more than a year, whatever its own policy says. */
export const MAX_LIFETIME_DAYS = 366;

export interface Clock {
  now: Date;
  skewSeconds: number;
}

/** The fewest signers the verifier accepts, whatever an attestation says, and where that comes from. */
export interface SignerFloor {
  min: number;
  /** "--min-signers", "the highest threshold your --state has seen"… */
  from: string;
}

/**
 * Who signed and whether enough did. `floor`: the verifier's own minimum, so that a
 * lowered threshold cannot pass unseen (decision 0009).
 */
export function signerReasons(doc: SignedDocument<AttestationData>, trust: SignerTrust, floor?: SignerFloor): Reason[] {
  const d = doc.data;
  const panic = new Set(d.panicKeys.map((k) => k.fingerprint));
  const tally = tallySigners(doc.signatures, d.signers.keys, trust, 'attestation', panic);
  const min = floor?.min ?? 1;
  const counted = tally.counted.length;
  const reasons = [...tally.reasons];
  const policy = `${d.signers.threshold} of ${d.signers.keys.length}`;
  if (counted >= d.signers.threshold && counted < min) {
    // The attestation's own policy is met: what falls short is the verifier's floor.
    reasons.push(...tally.unpinned, {
      code: 'THRESHOLD_BELOW_MINIMUM',
      subject: 'attestation',
      message: `the attestation asks for ${policy} signatures, but you require ${min} (${floor!.from}); ${counted} trusted signature(s): a lowered threshold?`,
    });
  } else {
    reasons.push(...thresholdReasons(tally, Math.max(d.signers.threshold, min), 'attestation'));
  }
  if (d.signers.threshold < min && counted >= min) {
    reasons.push({
      code: 'THRESHOLD_LOWERED',
      subject: 'attestation',
      message: `the attestation asks for only ${policy} signatures, below the ${min} you require (${floor!.from}); ${counted} signed, so it passes`,
    });
  }
  if (d.signers.threshold === 1 && min < 2) {
    reasons.push({
      code: 'THRESHOLD_SINGLE',
      subject: 'attestation',
      message: `ONE signature is enough for this attestation (${policy}): a single stolen key can issue it. Require more with --min-signers N, or keep a --state`,
    });
  }
  for (const s of doc.signatures) {
    if (s.status === 'good' && s.fingerprint && panic.has(s.fingerprint)) {
      reasons.push({
        code: 'PANIC_KEY_SIGNATURE',
        subject: 'attestation',
        message: `signed by the panic key ${s.fingerprint}: the signers are telling you not to trust this canary`,
      });
    }
  }
  const expiring = doc.signatures.filter((s) => s.status === 'good' && s.keyExpires && s.keyExpires.getTime() < Date.parse(d.expires));
  for (const s of expiring)
    reasons.push({
      code: 'KEY_EXPIRES_SOON',
      subject: 'attestation',
      message: `the key of ${s.fingerprint} expires ${s.keyExpires!.toISOString()}, before this attestation does`,
    });
  return reasons;
}

export function timeReasons(doc: SignedDocument, clock: Clock, subject: Reason['subject']): Reason[] {
  const reasons: Reason[] = [];
  const now = clock.now.getTime();
  const skew = clock.skewSeconds * 1000;
  const issued = Date.parse(doc.data.issued);
  const expires = Date.parse(doc.data.expires);
  if (issued > now + skew)
    reasons.push({
      code: 'FUTURE_DATED',
      subject,
      message: `issued ${doc.data.issued}, after the verifier's clock (${clock.now.toISOString()}) plus ${clock.skewSeconds}s`,
    });
  if (expires <= issued) reasons.push({ code: 'FORMAT_INVALID', subject, message: 'expires before it was issued' });
  for (const s of doc.signatures) {
    if (s.created.getTime() > now + skew)
      reasons.push({ code: 'FUTURE_DATED', subject, message: `signature by ${s.fingerprint ?? s.keyID} is dated ${s.created.toISOString()}, in the future` });
    else if (s.created.getTime() < issued - skew)
      reasons.push({
        code: 'SIGNATURE_TIME_INCONSISTENT',
        subject,
        message: `signature by ${s.fingerprint ?? s.keyID} (${s.created.toISOString()}) predates the issue time ${doc.data.issued}`,
      });
  }
  if (expires <= now)
    reasons.push({ code: subject === 'heartbeat' ? 'HEARTBEAT_EXPIRED' : 'ATTESTATION_EXPIRED', subject, message: `expired at ${doc.data.expires}` });
  return reasons;
}

export function attestationReasons(doc: SignedDocument<AttestationData>, clock: Clock): Reason[] {
  const d = doc.data;
  const reasons = timeReasons(doc, clock, 'attestation');
  if (Date.parse(d.expires) - Date.parse(d.issued) > MAX_LIFETIME_DAYS * DAY) {
    reasons.push({ code: 'LIFETIME_TOO_LONG', subject: 'attestation', message: `valid from ${d.issued} to ${d.expires}: more than ${MAX_LIFETIME_DAYS} days` });
  }
  if (d.signal.kind === 'duress') reasons.push({ code: 'DURESS', subject: 'attestation', message: `DURESS: ${d.signal.message}` });
  if (d.signal.kind === 'final') reasons.push({ code: 'FINAL', subject: 'attestation', message: `FINAL: this canary has ended. ${d.signal.message}` });
  return reasons;
}

/** Signers of the previous policy who signed this attestation. */
export function endorsedBy(doc: SignedDocument<AttestationData>, prev: AttestationData, trust: SignerTrust): string[] {
  return tallySigners(doc.signatures, prev.signers.keys, trust, 'attestation').counted;
}

const CHANGE_REASON = { removed: 'STATEMENT_REMOVED', reworded: 'STATEMENT_REWORDED', reordered: 'STATEMENT_REORDERED' } as const;

/** Rollback, chain and statement drift against the previous attestation. */
export function historyReasons(doc: SignedDocument<AttestationData>, previous: SignedDocument<AttestationData>, trust: SignerTrust): Reason[] {
  const current = doc.data;
  const currentHash = doc.hash;
  const prev = previous.data;
  const reasons: Reason[] = [];
  if (previous.hash === currentHash) return reasons;
  if (!sameService(current.service.url, prev.service.url)) {
    reasons.push({
      code: 'SERVICE_MISMATCH',
      subject: 'attestation',
      message: `this canary is for ${current.service.url}, the previous one was for ${prev.service.url}: another service's canary?`,
    });
  }
  // Before the sequence: a new chain started after the end (sequence 1 again) is still "after final".
  if (prev.signal.kind === 'final')
    reasons.push({ code: 'FINAL', subject: 'previous', message: 'the previous attestation ended this canary; nothing may follow it' });
  if (current.sequence <= prev.sequence) {
    reasons.push({
      code: 'SEQUENCE_NOT_INCREASING',
      subject: 'attestation',
      message: `sequence ${current.sequence} is not after the previous attestation's ${prev.sequence}: an older canary replayed?`,
    });
    return reasons;
  }
  if (current.sequence === prev.sequence + 1 && current.previous !== previous.hash) {
    reasons.push({
      code: 'PREVIOUS_HASH_MISMATCH',
      subject: 'attestation',
      message: `names previous ${current.previous ?? 'none'}, but the previous attestation hashes to ${previous.hash}`,
    });
  }
  if (current.sequence > prev.sequence + 1)
    reasons.push({
      code: 'HISTORY_UNCHECKED',
      subject: 'attestation',
      message: `${current.sequence - prev.sequence - 1} attestation(s) in between were not seen; the hash chain was not checked`,
    });
  const diffs = diffStatements(prev.statements, current.statements);
  for (const d of unexplained(diffs, current.changes)) {
    if (d.change === 'added') continue;
    reasons.push({ code: CHANGE_REASON[d.change], subject: 'attestation', message: `statement ${d.statement} was ${d.change} without a signed explanation` });
  }
  for (const c of current.changes) {
    reasons.push({ code: 'STATEMENT_CHANGE_EXPLAINED', subject: 'attestation', message: `[${c.statement}] ${c.change}: ${c.explanation}` });
  }
  // The new signer policy must be endorsed under the old one, or a thief could name their own keys.
  const endorsed = endorsedBy(doc, prev, trust);
  if (endorsed.length < prev.signers.threshold) {
    reasons.push({
      code: 'SIGNER_POLICY_BYPASSED',
      subject: 'attestation',
      message: `only ${endorsed.length} signer(s) of the previous policy signed; it requires ${prev.signers.threshold} to hand over to new signers`,
    });
  }
  if (current.signers.threshold < prev.signers.threshold) {
    reasons.push({
      code: 'THRESHOLD_LOWERED',
      subject: 'attestation',
      message: `the threshold went down from ${prev.signers.threshold} of ${prev.signers.keys.length} to ${current.signers.threshold} of ${current.signers.keys.length} signatures`,
    });
  }
  return reasons;
}
