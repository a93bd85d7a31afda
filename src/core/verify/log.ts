/**
 * The canary log's part of a verdict (decision 0031, docs/canary.md#checking-the-log): when
 * the attestation names a log key, the attestation and the heartbeat must each come with a
 * C2SP tlog-proof whose checkpoint that key signed and whose inclusion proof holds; a
 * witness policy in the attestation must be met by the checkpoint's cosignatures; and the
 * checkpoint must be consistent with the one the verifier remembers (and with the other
 * proof's). Two checkpoints of one log that are not consistent are a fork: the log showed
 * someone another history, which is reported as prominently as a tripped canary.
 *
 * Gathering (`gatherLogEvidence`) takes an injected loader, as site-input.ts does, so the
 * CLI, a local folder and the in-browser check hand the same evidence to the same checks.
 */
import type { AttestationData } from '../canary/model.ts';
import { decodeBase64, encodeBase64 } from '../tlog/bytes.ts';
import { openCheckpoint, parseCheckpoint, type Checkpoint } from '../tlog/checkpoint.ts';
import { checkConsistency, consistencyProof, leafHash, type Hash } from '../tlog/merkle.ts';
import { parseVerifierKey, type VerifierKey } from '../tlog/note.ts';
import { cosignedNames, parsePolicy, quorumMet, type TlogPolicy } from '../tlog/policy.ts';
import { parseTlogProof, verifyTlogProof } from '../tlog/proof.ts';
import { tileHashes, tilePath, type TileId, type TileSource } from '../tlog/tiles.ts';
import { LIMITS } from './limits.ts';
import type { Reason, Verdict } from './reasons.ts';
import type { Load } from './site-input.ts';

/** What a verifier fetched for the log; only checked here, never trusted as fetched. */
export interface LogEvidence {
  /** canary.txt.tlog-proof; null when there is none. */
  attestationProof: string | null;
  /** heartbeat.txt.tlog-proof; null when there is none, undefined when there is no heartbeat. */
  heartbeatProof?: string | null;
  /** The signed checkpoint the verifier remembers (--state). */
  remembered?: string;
  /** Consistency proofs read from the log's tiles, by `${m} ${n}`; a string says why there is none. */
  consistency: Record<string, string[] | string>;
}

export interface LogResult {
  origin: string;
  /** The newest checkpoint that verified, signed, as served (with any cosignatures). */
  checkpoint: string;
  size: number;
  root: string;
  cosignatures: { witness: string; timestamp: number }[];
  /** How it compares with the remembered checkpoint: what decides whether it may be remembered in its place. */
  compared: LogComparison;
}

/**
 * The served checkpoint against the remembered one: nothing remembered (`none`), proven to
 * extend it or equal to it (`extends`), of another log or key (`other-log`: a new address
 * starts a new log), not provable from the tiles (`unchecked`), smaller (`rollback`), or
 * another history (`fork`).
 */
export type LogComparison = 'none' | 'extends' | 'other-log' | 'unchecked' | 'rollback' | 'fork';

const decoder = new TextDecoder();

/** The unauthenticated size of a tlog-proof's checkpoint, to know which tiles a consistency proof needs. */
function claimedCheckpoint(signed: string | null | undefined): Checkpoint | undefined {
  if (!signed) return undefined;
  const parsed = parseTlogProof(signed);
  const note = typeof parsed === 'string' ? signed : parsed.checkpoint;
  const cp = parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1));
  return typeof cp === 'string' ? undefined : cp;
}

/** Thrown by the tile source for a tile not fetched yet: fetch it, then compute again. */
class MissingTile extends Error {}

/**
 * A consistency proof from size m to n computed from the log's published tiles, fetching
 * the tiles it turns out to need (a few per level), or why it could not be.
 */
export async function consistencyFromTiles(m: number, n: number, logBase: string, load: Load): Promise<string[] | string> {
  const have = new Map<string, Uint8Array>();
  for (;;) {
    const wanted: TileId[] = [];
    const source: TileSource = (tile) => {
      const bytes = have.get(tilePath(tile));
      if (bytes) return bytes;
      wanted.push(tile);
      throw new MissingTile(tilePath(tile));
    };
    try {
      return consistencyProof(m, n, tileHashes(n, source)).map(encodeBase64);
    } catch (error) {
      if (!(error instanceof MissingTile)) return `the log's tiles do not make a proof (${(error as Error).message})`;
    }
    for (const tile of wanted) {
      if (have.size >= LIMITS.logTiles) return `more than ${LIMITS.logTiles} tiles would be needed`;
      const url = new URL(tilePath(tile), logBase).toString();
      const bytes = await load(url, 'log');
      if (!bytes) return `${url} was not found`;
      have.set(tilePath(tile), bytes);
    }
  }
}

/**
 * The proofs beside the canary (`<canary>.tlog-proof`, `<heartbeat>.tlog-proof`) and the
 * consistency proofs the remembered checkpoint and the two proofs' checkpoints call for.
 */
export async function gatherLogEvidence(
  urls: { canary: string; heartbeat?: string; logBase: string },
  remembered: string | undefined,
  load: Load,
): Promise<LogEvidence> {
  const text = async (url: string) => {
    const bytes = await load(url, 'log');
    return bytes ? decoder.decode(bytes) : null;
  };
  const evidence: LogEvidence = { attestationProof: await text(`${urls.canary}.tlog-proof`), consistency: {} };
  if (urls.heartbeat) evidence.heartbeatProof = await text(`${urls.heartbeat}.tlog-proof`);
  if (remembered) evidence.remembered = remembered;
  const sizes = [evidence.attestationProof, evidence.heartbeatProof].map(claimedCheckpoint).filter((c) => c !== undefined);
  const newest = Math.max(0, ...sizes.map((c) => c.size));
  const rememberedSize = remembered ? parseCheckpoint(remembered.slice(0, remembered.indexOf('\n\n') + 1)) : undefined;
  const from = new Set([...sizes.map((c) => c.size), ...(rememberedSize && typeof rememberedSize !== 'string' ? [rememberedSize.size] : [])]);
  for (const m of from) {
    if (m > 0 && m < newest) evidence.consistency[`${m} ${newest}`] = await consistencyFromTiles(m, newest, urls.logBase, load);
  }
  return evidence;
}

const PROOF_PROBLEM: Record<string, string> = {
  'malformed-proof': 'is not a C2SP tlog-proof file',
  'malformed-checkpoint': 'its checkpoint is not a C2SP checkpoint',
  'wrong-origin': 'its checkpoint is for another log (origin)',
  'bad-signature': "its checkpoint's signature by the log key does not verify",
  'no-known-signature': 'its checkpoint is not signed by the log key the attestation names',
  'root-mismatch': 'its inclusion proof does not lead to the checkpoint root: the document is not in this log',
  'index-out-of-range': "its entry index is beyond the checkpoint's tree size",
  'wrong-proof-length': 'its inclusion proof has the wrong number of hashes for the tree size',
};

const describe = (problem: string) => PROOF_PROBLEM[problem] ?? `does not verify (${problem})`;

interface Checked {
  which: 'attestation' | 'heartbeat';
  signed: string;
  checkpoint: Checkpoint;
  cosigned: VerifierKey[];
  cosignatures: { witness: VerifierKey; timestamp: number }[];
}

function rootsEqual(a: Checkpoint, b: Checkpoint): boolean {
  return a.size === b.size && encodeBase64(a.root) === encodeBase64(b.root);
}

/** Whether checkpoint b extends a; a LOG_FORK reason when it does not, a note when it could not be told. */
function consistencyReason(a: Checkpoint, b: Checkpoint, evidence: LogEvidence, what: string): Reason | undefined {
  if (a.size === b.size) return rootsEqual(a, b) ? undefined : fork(`${what}: two checkpoints of ${a.size} entries with different roots`);
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  if (small.size === 0) return undefined;
  const proof = evidence.consistency[`${small.size} ${large.size}`];
  if (proof === undefined || typeof proof === 'string')
    return {
      code: 'LOG_UNCHECKED',
      subject: 'log',
      message: `${what}: consistency of ${small.size} → ${large.size} entries not checked: ${proof ?? 'no proof'}`,
    };
  const hashes = proof.map((p) => decodeBase64(p));
  if (hashes.some((h) => h === null)) return fork(`${what}: the consistency proof is malformed`);
  const problem = checkConsistency(small.size, large.size, hashes as Hash[], small.root, large.root);
  return problem ? fork(`${what}: the log of ${large.size} entries does not extend the one of ${small.size} (${problem})`) : undefined;
}

function fork(message: string): Reason {
  return {
    code: 'LOG_FORK',
    subject: 'log',
    message: `FORK: ${message}. The log has shown different histories; someone may have been shown another canary. Keep both checkpoints as evidence.`,
  };
}

function policyOf(a: AttestationData): TlogPolicy | string | undefined {
  if (!a.log?.witnesses) return undefined;
  const policy = parsePolicy(a.log.witnesses.join('\n'));
  return Array.isArray(policy) ? policy.map((p) => p.message).join('; ') : policy;
}

/** One proof file: the document's leaf in a checkpoint the log key signed, with the cosignatures that verified. */
function checkProof(
  which: Checked['which'],
  proof: string | null | undefined,
  bytes: Uint8Array,
  trust: { origin: string; logKey: VerifierKey; witnesses: VerifierKey[] },
  reasons: Reason[],
): Checked | undefined {
  const file = which === 'attestation' ? 'canary.txt.tlog-proof' : 'heartbeat.txt.tlog-proof';
  if (proof === null || proof === undefined) {
    reasons.push({
      code: 'LOG_PROOF_MISSING',
      subject: which,
      message: `the attestation names a log, but there is no ${file}: nothing shows this ${which} is in it`,
    });
    return undefined;
  }
  const verified = verifyTlogProof(proof, leafHash(bytes), trust);
  if (typeof verified === 'string') {
    reasons.push({ code: 'LOG_PROOF_BAD', subject: which, message: `${file} ${describe(verified)}` });
    return undefined;
  }
  for (const f of verified.failedCosignatures)
    reasons.push({
      code: 'LOG_PROOF_BAD',
      subject: which,
      message: `${file}: the cosignature of witness ${f.witness.name} does not verify (${f.problem}): forged or altered`,
    });
  const parsed = parseTlogProof(proof) as { checkpoint: string };
  return {
    which,
    signed: parsed.checkpoint,
    checkpoint: verified.checkpoint,
    cosigned: verified.cosignatures.map((c) => c.witness),
    cosignatures: verified.cosignatures,
  };
}

/**
 * The log's reasons for an attestation (and heartbeat) that verified as signed documents.
 * The bytes are the files as published: each one is a leaf of the log.
 */
export function logReasons(
  a: AttestationData,
  docs: { attestation: Uint8Array; heartbeat?: Uint8Array },
  evidence: LogEvidence | undefined,
): { reasons: Reason[]; log?: LogResult } {
  if (!a.log) return { reasons: [] };
  if (!evidence) return { reasons: [{ code: 'LOG_UNCHECKED', subject: 'log', message: 'the attestation names a log, but its proofs were not looked for' }] };
  const reasons: Reason[] = [];
  const logKey = parseVerifierKey(a.log.key);
  if (typeof logKey === 'string')
    return { reasons: [{ code: 'LOG_PROOF_BAD', subject: 'attestation', message: `the log key the attestation names is unusable (${logKey})` }] };
  const policy = policyOf(a);
  if (typeof policy === 'string') reasons.push({ code: 'LOG_QUORUM_NOT_MET', subject: 'attestation', message: `the witness policy cannot be read: ${policy}` });
  const trust = { origin: a.log.origin, logKey, witnesses: typeof policy === 'object' ? policy.witnesses.map((w) => w.key) : [] };
  const checked = [
    checkProof('attestation', evidence.attestationProof, docs.attestation, trust, reasons),
    ...(docs.heartbeat ? [checkProof('heartbeat', evidence.heartbeatProof, docs.heartbeat, trust, reasons)] : []),
  ].filter((c) => c !== undefined);
  if (typeof policy === 'object') {
    for (const c of checked) {
      if (!quorumMet(policy, cosignedNames(policy, c.cosigned)))
        reasons.push({
          code: 'LOG_QUORUM_NOT_MET',
          subject: c.which,
          message: `the checkpoint of ${c.checkpoint.size} entries is cosigned by ${c.cosigned.map((w) => w.name).join(', ') || 'no witness'}; the attestation's witness policy needs quorum ${policy.quorum}`,
        });
    }
  }
  if (checked.length === 2) {
    const r = consistencyReason(checked[0]!.checkpoint, checked[1]!.checkpoint, evidence, "the attestation's and the heartbeat's checkpoints");
    if (r) reasons.push(r);
  }
  const newest = checked.reduce<Checked | undefined>((best, c) => (!best || c.checkpoint.size > best.checkpoint.size ? c : best), undefined);
  if (!newest) return { reasons };
  const remembered = rememberedReasons(newest.checkpoint, evidence, a.log.origin, logKey);
  reasons.push(...remembered.reasons);
  return {
    reasons,
    log: {
      origin: a.log.origin,
      checkpoint: newest.signed,
      size: newest.checkpoint.size,
      root: encodeBase64(newest.checkpoint.root),
      cosignatures: newest.cosignatures.map((c) => ({ witness: c.witness.name, timestamp: c.timestamp })),
      compared: remembered.compared,
    },
  };
}

/** The checkpoint against the one this verifier remembers: never smaller, never another history. */
function rememberedReasons(current: Checkpoint, evidence: LogEvidence, origin: string, logKey: VerifierKey): { reasons: Reason[]; compared: LogComparison } {
  if (!evidence.remembered)
    return {
      compared: 'none',
      reasons: [{ code: 'LOG_UNCHECKED', subject: 'log', message: 'no remembered checkpoint (--state): whether the log only grew was not checked' }],
    };
  const opened = openCheckpoint(evidence.remembered, origin, logKey);
  if (typeof opened === 'string')
    return {
      compared: 'other-log',
      reasons: [
        {
          code: 'LOG_UNCHECKED',
          subject: 'log',
          message: `the remembered checkpoint is not of this log and key (${opened}): the log's history was not compared`,
        },
      ],
    };
  const old = opened.checkpoint;
  if (old.size > current.size)
    return {
      compared: 'rollback',
      reasons: [
        {
          code: 'LOG_ROLLBACK',
          subject: 'log',
          message: `the log shows ${current.size} entries; you have seen it with ${old.size}: an older view of the log (rolled back or replayed)`,
        },
      ],
    };
  const r = consistencyReason(old, current, evidence, 'the remembered checkpoint and this one');
  if (!r) return { compared: 'extends', reasons: [] };
  return { compared: r.code === 'LOG_FORK' ? 'fork' : 'unchecked', reasons: [r] };
}

/**
 * The checkpoint a verifier remembers after a run, whether in a --state file or in a
 * browser: the newest one that verified, but only when it is shown to extend the one
 * remembered (or nothing, or another log, was remembered). A fork, a rollback, an
 * extension the tiles could not prove and a canary that does not verify all keep the
 * remembered checkpoint: it is the evidence, and what the next run must still extend.
 */
export function checkpointToRemember(
  remembered: string | undefined,
  result: { verdict: Verdict; reasons: readonly Reason[]; log?: LogResult | undefined },
): string | undefined {
  if (result.verdict === 'invalid' || !result.log) return remembered;
  if (result.reasons.some((r) => r.code === 'LOG_FORK')) return remembered;
  return ['none', 'extends', 'other-log'].includes(result.log.compared) ? result.log.checkpoint : remembered;
}
