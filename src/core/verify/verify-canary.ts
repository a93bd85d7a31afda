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
import { documentPathProblem } from './documents.ts';
import { heartbeatHistoryReasons, heartbeatReasons, type BlockLookup } from './heartbeat.ts';
import { LIMITS } from './limits.ts';
import { logReasons, type LogEvidence, type LogResult } from './log.ts';
import { verdictOf, type Reason, type Verdict } from './reasons.ts';
import { serviceReasons, type ExpectedService } from './service.ts';
import { readSignedDocument, type SignedDocument } from './signed-document.ts';
import type { SignerTrust } from './signers.ts';

/** A trip a verifier's state recorded: it stays until the person running the verifier acknowledges it. */
export interface TripRecord {
  /** When the verifier first saw it. */
  since: string;
  sequence: number;
  hash: string;
  reasons: { code: string; message: string }[];
}

/** Whom the verifier trusts, and for what (decision 0009). */
export interface Pins {
  /** Signer pins: the people's keys. A heartbeat key among them does not count. */
  pins: string[];
  /** Heartbeat keys accepted as attestation signers: an automated (single-layer) canary, accepted explicitly. */
  automated?: string[];
  /** Heartbeat keys known from earlier attestations (the state): never signer pins. */
  heartbeatKeys?: string[];
  /** Why a key is not a pin, by fingerprint, e.g. "fetched from the site being verified". */
  notPinned?: Record<string, string>;
}

export interface VerifyInput extends Pins {
  attestation: string;
  heartbeat?: string;
  /** The previous attestation this verifier saw (rollback and statement checks). */
  previous?: string;
  /**
   * True when the previous attestation's own signal (duress) is reported elsewhere: by a
   * state's trip record, or by an archive's history. Otherwise it carries into this verdict.
   */
  previousSignalsReported?: boolean;
  /** The last heartbeat this verifier saw. */
  lastHeartbeat?: { sequence: number; hash: string };
  /** Public key material, from anywhere: only the pins decide trust. */
  keys: openpgp.Key[];
  /**
   * The services this canary must be for: the site fetched from, --service, the state's.
   * Omitted: no service check at all (an empty list says SERVICE_UNCHECKED).
   */
  services?: ExpectedService[];
  /** Fetched bytes of the documents the attestation lists; null when not found. Omit to skip. */
  documents?: Record<string, Uint8Array | null>;
  blockLookup?: BlockLookup;
  /** Looks the freshness block up; called only once the heartbeat is signed by a key its attestation authorises. */
  lookupBlock?: (hash: string) => Promise<BlockLookup>;
  /** Two-layer canaries must come with a heartbeat; single-layer ones may not. */
  requireHeartbeat?: boolean;
  /** The fewest signers the verifier accepts, whatever the attestation's own policy says. */
  minSigners?: number;
  /** Where minSigners comes from, for the message (default "--min-signers"). */
  minSignersFrom?: string;
  /** A trip the state recorded, and whether it is acknowledged in this run. */
  trip?: TripRecord;
  acknowledgeTrip?: boolean;
  /** Synchronous hashing and Ed25519 from the I/O edge: the fast path (decision 0005). Same verdicts without. */
  crypto?: FastCrypto;
  /** The canary log's proofs, when the attestation names a log (decision 0031; log.ts gathers them). */
  log?: LogEvidence;
}

export interface VerifyResult {
  verdict: Verdict;
  reasons: Reason[];
  trust: 'two-layer' | 'automated' | 'unknown';
  attestation?: SignedDocument<AttestationData>;
  heartbeat?: SignedDocument<HeartbeatData>;
  /** The newest log checkpoint that verified, when the attestation names a log. */
  log?: LogResult;
  checkedAt: string;
}

/** "automated" when an attestation signer is also a heartbeat key: no person needs to act for it to stay alive. */
export function trustOf(a: AttestationData): 'two-layer' | 'automated' {
  const hbKeys = new Set(a.heartbeat.keys.map((k) => k.fingerprint));
  return a.signers.keys.some((k) => hbKeys.has(k.fingerprint)) ? 'automated' : 'two-layer';
}

/** Every fingerprint an attestation names: signers, heartbeat keys and panic keys. */
export function namedFingerprints(a: AttestationData | undefined): string[] {
  return a ? [...new Set([...a.heartbeat.keys, ...a.panicKeys, ...a.signers.keys].map((k) => k.fingerprint))] : [];
}

async function documentReasons(a: AttestationData, fetched: Record<string, Uint8Array | null>, crypto: FastCrypto | undefined): Promise<Reason[]> {
  if (a.documents.length > LIMITS.documents) {
    return [
      {
        code: 'LIMIT_EXCEEDED',
        subject: 'attestation',
        message: `lists ${a.documents.length} documents; at most ${LIMITS.documents} are fetched, so none was checked`,
      },
    ];
  }
  const reasons: Reason[] = [];
  for (const doc of a.documents) {
    const problem = documentPathProblem(doc.path);
    const bytes = fetched[doc.path];
    if (problem)
      reasons.push({ code: 'DOCUMENT_PATH_INVALID', subject: 'attestation', message: `${JSON.stringify(doc.path)}: ${problem}; it was not fetched` });
    else if (!bytes) reasons.push({ code: 'DOCUMENT_MISSING', subject: 'attestation', message: `${doc.path} could not be found` });
    else if ((crypto ? documentHashSync(crypto, bytes) : await documentHash(bytes)) !== doc.sha256)
      reasons.push({
        code: 'DOCUMENT_HASH_MISMATCH',
        subject: 'attestation',
        message: `${doc.path} does not match the hash the attestation signs (${doc.sha256})`,
      });
  }
  return reasons;
}

const without = (set: Set<string>, drop: Set<string>) => new Set([...set].filter((f) => !drop.has(f)));
const fingerprints = (keys: { fingerprint: string }[] | undefined) => (keys ?? []).map((k) => k.fingerprint);

/**
 * Pinned keys, plus the previous attestation's signers (continuity, not trust on first
 * use), plus this attestation's signers when the previous policy's threshold endorsed it:
 * that is how signers hand over to new keys. A heartbeat key is never among them, unless
 * accepted as an automated signer.
 */
export function signerTrust(pins: Pins, doc: SignedDocument<AttestationData>, previous?: SignedDocument<AttestationData>): SignerTrust {
  const automated = new Set((pins.automated ?? []).map((p) => p.toUpperCase()));
  const heartbeatKeys = new Set([...(pins.heartbeatKeys ?? []), ...fingerprints(doc.data.heartbeat.keys), ...fingerprints(previous?.data.heartbeat.keys)]);
  const excluded = without(heartbeatKeys, automated);
  const candidates = new Set([...pins.pins.map((p) => p.toUpperCase()), ...automated, ...fingerprints(previous?.data.signers.keys)]);
  const current = (): SignerTrust => ({
    trusted: without(candidates, excluded),
    // Keys the verifier would trust but that are heartbeat keys: said so, rather than "not pinned".
    heartbeatOnly: new Set([...candidates].filter((f) => excluded.has(f))),
    why: new Map(Object.entries(pins.notPinned ?? {})),
  });
  if (previous && endorsedBy(doc, previous.data, current()).length >= previous.data.signers.threshold) {
    for (const f of fingerprints(doc.data.signers.keys)) candidates.add(f);
  }
  return current();
}

async function previousDoc(input: VerifyInput, clock: Clock, ctx: CheckContext) {
  if (!input.previous) return { reasons: [] as Reason[], doc: undefined };
  const prev = await readSignedDocument(input.previous, 'attestation', input.keys, clock, 'previous', ctx);
  if (!prev.ok) return { reasons: prev.reasons.map((r) => ({ ...r, subject: 'previous' as const })), doc: undefined };
  const reasons = signerReasons(prev.doc, signerTrust(input, prev.doc)).filter((r) => !['KEY_EXPIRED', 'THRESHOLD_SINGLE'].includes(r.code));
  return {
    reasons: reasons.map((r) => ({ ...r, subject: 'previous' as const })),
    doc: reasons.some((r) => r.code === 'THRESHOLD_NOT_MET') ? undefined : prev.doc,
  };
}

/** A document too large to read is refused before anything is parsed. */
function tooLarge(file: string | undefined, subject: Reason['subject']): Reason | undefined {
  if (file === undefined || file.length <= LIMITS.signedFileBytes) return undefined;
  return { code: 'LIMIT_EXCEEDED', subject, message: `${file.length} characters; at most ${LIMITS.signedFileBytes} bytes are read` };
}

/** What the verifier's own memory says: a trip stays until acknowledged. */
function tripReasons(input: VerifyInput): Reason[] {
  const trip = input.trip;
  if (!trip) return [];
  const what = trip.reasons.map((r) => `${r.code}: ${r.message}`).join('; ');
  if (input.acknowledgeTrip)
    return [{ code: 'TRIP_ACKNOWLEDGED', subject: 'state', message: `you acknowledged the trip seen ${trip.since} (attestation ${trip.sequence}: ${what})` }];
  return [
    {
      code: 'STATE_TRIPPED',
      subject: 'state',
      message: `this canary TRIPPED, seen ${trip.since} (attestation ${trip.sequence}: ${what}). It stays tripped until you acknowledge it: run again with --acknowledge`,
    },
  ];
}

function historyOf(
  input: VerifyInput,
  att: SignedDocument<AttestationData>,
  previous: SignedDocument<AttestationData> | undefined,
  trust: SignerTrust,
): Reason[] {
  if (!previous)
    return [
      {
        code: 'HISTORY_UNCHECKED',
        subject: 'attestation',
        message: 'no previous attestation given (--previous or --state): rollback and statement changes were not checked',
      },
    ];
  const reasons = historyReasons(att, previous, trust);
  if (!input.previousSignalsReported && previous.hash !== att.hash && previous.data.signal.kind === 'duress') {
    reasons.push({
      code: 'DURESS',
      subject: 'previous',
      message: `the previous attestation signalled DURESS (${previous.data.signal.message}); a later attestation does not undo it`,
    });
  }
  return reasons;
}

async function heartbeatPart(
  input: VerifyInput,
  att: SignedDocument<AttestationData>,
  clock: Clock,
  ctx: CheckContext,
  result: VerifyResult,
): Promise<Reason[]> {
  const large = tooLarge(input.heartbeat, 'heartbeat');
  if (large) return [large];
  if (!input.heartbeat) {
    if (input.requireHeartbeat === false || att.data.heartbeat.keys.length === 0) return [];
    return [
      { code: 'HEARTBEAT_MISSING', subject: 'heartbeat', message: `no heartbeat: the attestation expects one every ${att.data.heartbeat.intervalHours} hours` },
    ];
  }
  const hb = await readSignedDocument(input.heartbeat, 'heartbeat', input.keys, clock, 'heartbeat', ctx);
  if (!hb.ok) return hb.reasons;
  result.heartbeat = hb.doc;
  const lookup = input.blockLookup ?? (await lookUp(input, hb.doc, att.data));
  const reasons = heartbeatReasons(hb.doc, att, clock, lookup);
  if (input.lastHeartbeat) reasons.push(...heartbeatHistoryReasons(hb.doc, input.lastHeartbeat));
  return reasons;
}

/** The block is looked up only for a heartbeat its attestation's keys signed: unsigned content decides no request. */
async function lookUp(input: VerifyInput, hb: SignedDocument<HeartbeatData>, att: AttestationData): Promise<BlockLookup | undefined> {
  const authorised = new Set(fingerprints(att.heartbeat.keys));
  const signed = hb.signatures.some((s) => s.status === 'good' && s.fingerprint && authorised.has(s.fingerprint));
  const hash = (hb.data.freshness as { bitcoin?: { hash?: unknown } } | null)?.bitcoin?.hash;
  return input.lookupBlock && signed && typeof hash === 'string' ? input.lookupBlock(hash) : undefined;
}

export async function verifyCanary(input: VerifyInput, clock: Clock): Promise<VerifyResult> {
  const checkedAt = clock.now.toISOString();
  const large = tooLarge(input.attestation, 'attestation');
  if (large) return { verdict: 'invalid', reasons: [large, ...tripReasons(input)], trust: 'unknown', checkedAt };
  // One context for the run: each key is looked at once, whatever it signed.
  const ctx = newCheckContext(input.crypto);
  const previous = tooLarge(input.previous, 'previous')
    ? { reasons: [tooLarge(input.previous, 'previous')!], doc: undefined }
    : await previousDoc(input, clock, ctx);
  const att = await readSignedDocument(input.attestation, 'attestation', input.keys, clock, 'attestation', ctx);
  if (!att.ok) {
    const reasons = [...tripReasons(input), ...previous.reasons, ...att.reasons];
    return { verdict: verdictOf(reasons), reasons, trust: 'unknown', checkedAt };
  }
  const a = att.doc.data;
  const trust = signerTrust(input, att.doc, previous.doc);
  const floor = input.minSigners ? { min: input.minSigners, from: input.minSignersFrom ?? '--min-signers' } : undefined;
  const reasons: Reason[] = [...tripReasons(input), ...previous.reasons, ...signerReasons(att.doc, trust, floor), ...attestationReasons(att.doc, clock)];
  if (input.services) reasons.push(...serviceReasons(a.service.url, input.services));
  reasons.push(...historyOf(input, att.doc, previous.doc, trust));
  const named = namedFingerprints(a).length;
  if (named > LIMITS.keys) reasons.push({ code: 'LIMIT_EXCEEDED', subject: 'attestation', message: `names ${named} keys; at most ${LIMITS.keys} are fetched` });
  if (input.documents) reasons.push(...(await documentReasons(a, input.documents, input.crypto)));
  const kind = trustOf(a);
  if (kind === 'automated')
    reasons.push({
      code: 'AUTOMATED_ONLY',
      subject: 'attestation',
      message: 'automated canary: the attestation is signed by a CI heartbeat key, not only by people',
    });
  const result: VerifyResult = { verdict: 'alive', reasons, trust: kind, attestation: att.doc, checkedAt };
  reasons.push(...(await heartbeatPart(input, att.doc, clock, ctx, result)));
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const logged = logReasons(
    a,
    { attestation: utf8(input.attestation), ...(result.heartbeat && input.heartbeat ? { heartbeat: utf8(input.heartbeat) } : {}) },
    input.log,
  );
  reasons.push(...logged.reasons);
  if (logged.log) result.log = logged.log;
  result.verdict = verdictOf(reasons);
  return result;
}
