/** Rules for a heartbeat: who may sign it, what it confirms, how long it lives, its freshness. */
import type { AttestationData, HeartbeatData } from '../canary/model.ts';
import { checkFreshnessShape, checkFreshnessTimes, type FreshnessProof } from '../freshness.ts';
import { timeReasons, type Clock } from './attestation.ts';
import type { Reason, ReasonCode } from './reasons.ts';
import { sameService } from './service.ts';
import type { SignedDocument } from './signed-document.ts';
import { tallySigners, trustOnly } from './signers.ts';

/** Headlines older than this, relative to the heartbeat, prove nothing. */
export const HEADLINE_MAX_AGE_HOURS = 72;

export interface BlockLookup {
  found: boolean;
  height?: number;
  time?: string;
  sources: string[];
}

function freshnessReasons(hb: HeartbeatData, att: AttestationData, lookup: BlockLookup | undefined): Reason[] {
  const shape = checkFreshnessShape(hb.freshness, { required: att.heartbeat.freshnessRequired });
  const reason = (code: string, message: string): Reason => ({ code: code as ReasonCode, subject: 'heartbeat', message });
  if (shape.length > 0) return shape.map((p) => reason(p.code, p.message));
  const proof = (hb.freshness ?? {}) as FreshnessProof;
  const reasons = checkFreshnessTimes(proof, {
    issued: new Date(hb.issued),
    maxBlockAgeHours: att.heartbeat.maxBlockAgeHours,
    headlineMaxAgeHours: HEADLINE_MAX_AGE_HOURS,
  }).map((p) => reason(p.code, p.message));
  if (!proof.bitcoin) return reasons;
  if (new Set(proof.bitcoin.sources).size < 2) {
    reasons.push(
      reason('FRESHNESS_MALFORMED', `block agreed by ${new Set(proof.bitcoin.sources).size} source(s); at least two independent explorers must agree`),
    );
  }
  if (!lookup) {
    reasons.push(reason('FRESHNESS_UNCHECKED', `block ${proof.bitcoin.height} was not looked up (offline); use --online to check it exists`));
  } else if (!lookup.found) {
    reasons.push(reason('FRESHNESS_BLOCK_UNKNOWN', `no explorer (${lookup.sources.join(', ')}) knows block ${proof.bitcoin.hash}`));
  } else if (lookup.height !== proof.bitcoin.height || lookup.time !== proof.bitcoin.time) {
    // The proof's own time was already checked against the issue time; the chain must agree with it.
    reasons.push(
      reason(
        'FRESHNESS_BLOCK_MISMATCH',
        `block ${proof.bitcoin.hash} is at height ${lookup.height} mined ${lookup.time}, not ${proof.bitcoin.height} at ${proof.bitcoin.time}`,
      ),
    );
  }
  return reasons;
}

export function heartbeatReasons(hb: SignedDocument<HeartbeatData>, att: SignedDocument<AttestationData>, clock: Clock, lookup?: BlockLookup): Reason[] {
  const d = hb.data;
  const a = att.data;
  const authorised = new Set(a.heartbeat.keys.map((k) => k.fingerprint));
  const panic = new Set(a.panicKeys.map((k) => k.fingerprint));
  const tally = tallySigners(hb.signatures, a.heartbeat.keys, trustOnly(authorised), 'heartbeat', panic);
  const extras = [...tally.reasons.filter((r) => r.code === 'SIGNATURE_EXTRA'), ...tally.unpinned];
  const reasons: Reason[] = tally.reasons.filter((r) => r.code !== 'SIGNATURE_EXTRA');
  if (tally.counted.length > 0) reasons.push(...extras.map((r): Reason => ({ ...r, code: 'SIGNATURE_EXTRA' })));
  else {
    reasons.push(...tally.unpinned);
    reasons.push({ code: 'HEARTBEAT_KEY_UNAUTHORISED', subject: 'heartbeat', message: 'no good signature by a heartbeat key that the attestation authorises' });
  }
  for (const s of hb.signatures) {
    if (s.status === 'good' && s.fingerprint && panic.has(s.fingerprint))
      reasons.push({ code: 'PANIC_KEY_SIGNATURE', subject: 'heartbeat', message: `signed by the panic key ${s.fingerprint}` });
  }
  if (d.attestation.hash !== att.hash || d.attestation.sequence !== a.sequence) {
    reasons.push({
      code: 'HEARTBEAT_WRONG_ATTESTATION',
      subject: 'heartbeat',
      message: `confirms attestation ${d.attestation.sequence} (${d.attestation.hash}), not attestation ${a.sequence} (${att.hash})`,
    });
  }
  if (!sameService(d.service.url, a.service.url)) {
    reasons.push({ code: 'SERVICE_MISMATCH', subject: 'heartbeat', message: `is for ${d.service.url}, its attestation for ${a.service.url}` });
  }
  if (Date.parse(d.expires) > Date.parse(a.expires)) {
    reasons.push({ code: 'HEARTBEAT_OUTLIVES_ATTESTATION', subject: 'heartbeat', message: `expires ${d.expires}, after its attestation (${a.expires})` });
  }
  const lifetimeHours = (Date.parse(d.expires) - Date.parse(d.issued)) / 3_600_000;
  if (lifetimeHours > a.heartbeat.intervalHours + a.heartbeat.graceHours) {
    reasons.push({
      code: 'LIFETIME_TOO_LONG',
      subject: 'heartbeat',
      message: `valid for ${lifetimeHours} hours; the attestation allows ${a.heartbeat.intervalHours} + ${a.heartbeat.graceHours}`,
    });
  }
  if (Date.parse(d.issued) < Date.parse(a.issued)) {
    reasons.push({
      code: 'HEARTBEAT_WRONG_ATTESTATION',
      subject: 'heartbeat',
      message: `issued ${d.issued}, before the attestation it confirms (${a.issued})`,
    });
  }
  reasons.push(...timeReasons(hb, clock, 'heartbeat'), ...freshnessReasons(d, a, lookup));
  if (d.signal.kind === 'duress') reasons.push({ code: 'DURESS', subject: 'heartbeat', message: `DURESS: ${d.signal.message}` });
  if (d.signal.kind === 'final') reasons.push({ code: 'FINAL', subject: 'heartbeat', message: `FINAL: ${d.signal.message}` });
  return reasons;
}

/** Rollback of heartbeats against the last one a verifier saw. */
export function heartbeatHistoryReasons(hb: SignedDocument<HeartbeatData>, last: { sequence: number; hash: string }): Reason[] {
  if (hb.hash === last.hash) return [];
  if (hb.data.sequence <= last.sequence) {
    return [
      {
        code: 'SEQUENCE_NOT_INCREASING',
        subject: 'heartbeat',
        message: `heartbeat ${hb.data.sequence} is not after the last one seen (${last.sequence}): replayed?`,
      },
    ];
  }
  if (hb.data.sequence === last.sequence + 1 && hb.data.previous !== last.hash) {
    return [
      {
        code: 'PREVIOUS_HASH_MISMATCH',
        subject: 'heartbeat',
        message: `names previous ${hb.data.previous ?? 'none'}, the last heartbeat seen hashes to ${last.hash}`,
      },
    ];
  }
  return [];
}
