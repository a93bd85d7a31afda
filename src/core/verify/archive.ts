/**
 * Verifies a whole archive: every attestation and heartbeat, the two hash chains,
 * signer continuity, and then the latest pair as of now.
 */
import type * as openpgp from 'openpgp';
import type { AttestationData, CanaryData, HeartbeatData } from '../canary/model.ts';
import { newCheckContext, type CheckContext } from '../pgp/check-signatures.ts';
import type { FastCrypto } from '../pgp/fast-crypto.ts';
import { MAX_LIFETIME_DAYS, historyReasons, signerReasons, type Clock } from './attestation.ts';
import { heartbeatReasons } from './heartbeat.ts';
import { verdictOf, type Reason, type Verdict } from './reasons.ts';
import { readSignedDocument, type DocumentResult, type SignedDocument } from './signed-document.ts';
import { signerTrust, verifyCanary, type Pins, type VerifyResult } from './verify-canary.ts';
import { auditArchiveLog, type ArchivedLeaf, type ArchiveLogFiles } from './archive-log.ts';

export interface ArchiveInput extends Pins {
  attestations: { name: string; file: string }[];
  heartbeats: { name: string; file: string }[];
  keys: openpgp.Key[];
  /** Synchronous hashing and Ed25519 from the I/O edge: the fast path (decision 0005). Same verdicts without. */
  crypto?: FastCrypto;
  /**
   * Documents read at a time (default 1). More only help when the injected Ed25519
   * answers later (src/io/ed25519-pool.ts): this thread reads the next ones meanwhile.
   */
  lanes?: number;
  /** The canary log beside the archive, when there is one: audited against the archive (archive-log.ts). */
  log?: ArchiveLogFiles;
}

export type Named = { name: string; file: string };

/** Every file read and checked, results in the same order; one context, so that each key is looked at once. */
async function readDocuments(
  files: Named[],
  kind: CanaryData['kind'],
  keys: openpgp.Key[],
  ctx: CheckContext,
  lanes: number,
): Promise<DocumentResult<CanaryData>[]> {
  const results = new Array<DocumentResult<CanaryData>>(files.length);
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const i = next++;
      results[i] = await readSignedDocument(files[i]!.file, kind, keys, 'signature-time', 'archive', ctx);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
  return results;
}

export interface ArchiveResult {
  verdict: Verdict;
  reasons: Reason[];
  attestations: number;
  heartbeats: number;
  latest?: VerifyResult;
  /** The log's size and the archived documents from before it began, when the log was audited. */
  log?: { entries: number; beforeLog: number };
}

const at = (name: string, reasons: Reason[]): Reason[] => reasons.map((r) => ({ ...r, subject: 'archive', message: `${name}: ${r.message}` }));
/**
 * What is true of a past document only as of then, or only worth saying of the latest:
 * dropped from the history. Signals (DURESS, FINAL, a panic key) are not among them: a
 * duress or an end in the history stays in the verdict.
 */
const PAST_ONLY = new Set([
  'ATTESTATION_EXPIRED',
  'HEARTBEAT_EXPIRED',
  'FRESHNESS_UNCHECKED',
  'HISTORY_UNCHECKED',
  'STATEMENT_CHANGE_EXPLAINED',
  'AUTOMATED_ONLY',
  'THRESHOLD_SINGLE',
  'SERVICE_UNCHECKED',
]);

function chainReasons<T extends AttestationData | HeartbeatData>(docs: { name: string; doc: SignedDocument<T> }[]): Reason[] {
  const reasons: Reason[] = [];
  docs.forEach(({ name, doc }, i) => {
    const before = docs[i - 1]?.doc;
    const expected = before ? before.data.sequence + 1 : 1;
    if (doc.data.sequence !== expected)
      reasons.push({ code: 'CHAIN_GAP', subject: 'archive', message: `${name}: sequence ${doc.data.sequence}, expected ${expected}` });
    if (doc.data.previous !== (before?.hash ?? null))
      reasons.push({
        code: 'PREVIOUS_HASH_MISMATCH',
        subject: 'archive',
        message: `${name}: previous ${doc.data.previous ?? 'none'}, expected ${before?.hash ?? 'none'}`,
      });
  });
  return reasons;
}

async function readAll<K extends 'attestation' | 'heartbeat'>(files: Named[], kind: K, input: ArchiveInput, ctx: CheckContext, reasons: Reason[]) {
  const docs: { name: string; doc: SignedDocument<Extract<AttestationData | HeartbeatData, { kind: K }>> }[] = [];
  const results = await readDocuments(files, kind, input.keys, ctx, input.lanes ?? 1);
  files.forEach(({ name }, i) => {
    const result = results[i]!;
    if (result.ok) docs.push({ name, doc: result.doc as SignedDocument<Extract<AttestationData | HeartbeatData, { kind: K }>> });
    else reasons.push(...at(name, result.reasons));
  });
  return docs;
}

function attestationChain(atts: { name: string; doc: SignedDocument<AttestationData> }[], pins: Pins): Reason[] {
  const reasons: Reason[] = [];
  // Every heartbeat key named so far stays one: a later attestation cannot make it a signer.
  const heartbeatKeys = new Set(pins.heartbeatKeys ?? []);
  atts.forEach(({ name, doc }, i) => {
    const prev = atts[i - 1]?.doc;
    doc.data.heartbeat.keys.forEach((k) => heartbeatKeys.add(k.fingerprint));
    const trust = signerTrust({ ...pins, heartbeatKeys: [...heartbeatKeys] }, doc, prev);
    reasons.push(...at(name, signerReasons(doc, trust)));
    if (prev) reasons.push(...at(name, historyReasons(doc, prev, trust)));
    if (Date.parse(doc.data.expires) - Date.parse(doc.data.issued) > MAX_LIFETIME_DAYS * 86_400_000)
      reasons.push({ code: 'LIFETIME_TOO_LONG', subject: 'archive', message: `${name}: valid for more than ${MAX_LIFETIME_DAYS} days` });
    // The latest one's own signal is the latest verification's; an earlier duress stays in the history.
    if (i < atts.length - 1 && doc.data.signal.kind === 'duress')
      reasons.push({
        code: 'DURESS',
        subject: 'archive',
        message: `${name}: signalled DURESS (${doc.data.signal.message}); later attestations do not undo it`,
      });
  });
  return reasons;
}

function heartbeatChain(
  hbs: { name: string; doc: SignedDocument<HeartbeatData> }[],
  atts: Map<string, SignedDocument<AttestationData>>,
  clock: Clock,
): Reason[] {
  const reasons: Reason[] = [];
  for (const { name, doc } of hbs) {
    const att = atts.get(doc.data.attestation.hash);
    if (!att) {
      reasons.push({
        code: 'HEARTBEAT_WRONG_ATTESTATION',
        subject: 'archive',
        message: `${name}: confirms ${doc.data.attestation.hash}, which is not in the archive`,
      });
      continue;
    }
    // Each heartbeat is judged as of its own issue time; only the latest is judged as of now.
    reasons.push(...at(name, heartbeatReasons(doc, att, { now: new Date(doc.data.issued), skewSeconds: clock.skewSeconds })));
  }
  return reasons;
}

const encoder = new TextEncoder();

/** The archived files as the log's candidate leaves: their exact bytes (the archive is read as UTF-8 text, which it is). */
function leaves(docs: { name: string; doc: SignedDocument<AttestationData | HeartbeatData> }[], files: Named[]): ArchivedLeaf[] {
  const text = new Map(files.map((f) => [f.name, f]));
  return docs.map(({ name, doc }) => ({
    name,
    kind: doc.data.kind,
    sequence: doc.data.sequence,
    issued: doc.data.issued,
    bytes: encoder.encode(text.get(name)!.file),
  }));
}

export async function verifyArchive(input: ArchiveInput, clock: Clock): Promise<ArchiveResult> {
  const reasons: Reason[] = [];
  const ctx = newCheckContext(input.crypto);
  const atts = await readAll(input.attestations, 'attestation', input, ctx, reasons);
  const hbs = await readAll(input.heartbeats, 'heartbeat', input, ctx, reasons);
  reasons.push(...chainReasons(atts), ...chainReasons(hbs), ...attestationChain(atts, input));
  reasons.push(...heartbeatChain(hbs, new Map(atts.map((a) => [a.doc.hash, a.doc])), clock));
  const history = reasons.filter((r) => !PAST_ONLY.has(r.code));
  const lastAtt = input.attestations.at(-1);
  const result: ArchiveResult = { verdict: verdictOf(history), reasons: history, attestations: input.attestations.length, heartbeats: input.heartbeats.length };
  if (!lastAtt) return result;
  const prevAtt = input.attestations.at(-2);
  const lastHb = input.heartbeats.at(-1);
  const heartbeatKeys = [...new Set(atts.flatMap((a) => a.doc.data.heartbeat.keys.map((k) => k.fingerprint)))];
  const audit = auditArchiveLog(atts.at(-1)?.doc.data, input.log, leaves([...atts, ...hbs], [...input.attestations, ...input.heartbeats]), {
    attestation: encoder.encode(lastAtt.file),
    ...(lastHb ? { heartbeat: encoder.encode(lastHb.file) } : {}),
  });
  result.latest = await verifyCanary(
    {
      ...(audit.evidence ? { log: audit.evidence } : {}),
      attestation: lastAtt.file,
      ...(lastHb ? { heartbeat: lastHb.file } : {}),
      ...(prevAtt ? { previous: prevAtt.file, previousSignalsReported: true } : {}),
      keys: input.keys,
      pins: input.pins,
      automated: input.automated ?? [],
      heartbeatKeys,
      ...(input.crypto ? { crypto: input.crypto } : {}),
    },
    clock,
  );
  result.reasons.push(...audit.reasons);
  if (audit.entries !== undefined) result.log = { entries: audit.entries, beforeLog: audit.beforeLog ?? 0 };
  result.verdict = verdictOf([...result.reasons, ...result.latest.reasons]);
  return result;
}
