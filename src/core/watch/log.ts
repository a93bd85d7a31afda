/**
 * A Candor site's canary log as the watcher sees it (docs/watch.md#sites-with-a-log,
 * /work contract of issue 15): the checkpoint remembered per site, and on every later check
 * a consistency proof from it to the site's new checkpoint, built from the site's own tiles.
 * A smaller checkpoint is a rollback, another root at the same size or a proof that fails
 * is a fork (the site shows this watcher a history that differs from the one it showed
 * before: as grave as a trip, decision 0031), and the served canary and heartbeat must be in the checkpoint (their
 * .tlog-proof files), else the site shows a canary its log does not hold.
 *
 * Pure, in two steps so that the I/O edge fetches only what is needed: `planLog` reads
 * canary.json's `log`, the checkpoint and the proof files and says which tiles to fetch;
 * `finishLog` checks the consistency proofs read from those tiles.
 */
import { decodeBase64, encodeBase64 } from '../tlog/bytes.ts';
import { openCheckpoint, type Checkpoint } from '../tlog/checkpoint.ts';
import { checkConsistency, consistencyProof, hashesEqual, HASH_SIZE, leafHash, type Hash } from '../tlog/merkle.ts';
import { parseVerifierKey, type VerifierKey } from '../tlog/note.ts';
import { verifyTlogProof } from '../tlog/proof.ts';
import { tileHashes, tilePath, type TileId } from '../tlog/tiles.ts';

type Reason = { code: string; message: string };

/** What /canary.json declares under `log` (absent: the site has no log). */
export interface DeclaredLog {
  origin: string;
  /** The log's verifier key (vkey). */
  key: string;
  /** The absolute URL of the signed checkpoint, as declared (the watcher reads the log where it watches the site). */
  checkpoint: string;
}

/** What the watcher remembers of a site's log: its identity and the last checkpoint it verified. */
export interface LogMemory {
  origin: string;
  key: string;
  size: number;
  /** Base64, as in the checkpoint. */
  root: string;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The `log` member of /canary.json: undefined when there is none, a reason when it is there but not usable. */
export function declaredLog(canaryJson: unknown): DeclaredLog | undefined | Reason {
  if (!canaryJson || typeof canaryJson !== 'object' || !('log' in canaryJson)) return undefined;
  const log = canaryJson.log;
  if (log === null || log === undefined) return undefined;
  const l = log as Partial<Record<keyof DeclaredLog, unknown>>;
  if (typeof log !== 'object' || !isString(l.origin) || !isString(l.key) || !isString(l.checkpoint) || !URL.canParse(l.checkpoint))
    return { code: 'LOG_UNREADABLE', message: '/canary.json has a "log" that is not { origin, key, checkpoint URL }' };
  return { origin: l.origin, key: l.key, checkpoint: l.checkpoint };
}

/** The log origin a service's canary log has: its URL's host and path, without scheme or trailing slash, plus /canary/log. */
export function logOriginOf(serviceUrl: string): string {
  const u = new URL(serviceUrl);
  return `${u.host}${u.pathname.replace(/\/+$/, '')}/canary/log`;
}

/** A served document (canary.txt or heartbeat.txt) and its .tlog-proof file (undefined when the site serves none). */
export interface LoggedDocument {
  name: 'canary.txt' | 'heartbeat.txt';
  bytes: Uint8Array;
  proof: string | undefined;
}

export interface LogPlanInput {
  previous: LogMemory | undefined;
  declared: DeclaredLog | undefined;
  /** The service URL the verified attestation names: the log's origin must be its. */
  serviceUrl: string | undefined;
  /** The signed checkpoint as served (undefined: not found). */
  checkpoint: string | undefined;
  documents: LoggedDocument[];
}

/** A checkpoint the new one must extend, and why. */
interface Older {
  size: number;
  root: Hash;
  what: string;
}

export type LogPlan =
  { kind: 'none' } | { kind: 'failed'; reasons: Reason[] } | { kind: 'prove'; memory: LogMemory; checkpoint: Checkpoint; older: Older[]; tiles: TileId[] };

const fail = (code: string, message: string): LogPlan => ({ kind: 'failed', reasons: [{ code, message }] });

/**
 * The tiles a consistency proof from `size1` to `size2` reads: the proof walked once over
 * tiles of the right length, recording which. Which hashes a proof needs depends on the
 * sizes only, so the recorded set is exact.
 */
export function proofTiles(size1: number, size2: number): TileId[] {
  const seen = new Map<string, TileId>();
  const read = tileHashes(size2, (tile) => {
    seen.set(tilePath(tile), tile);
    return new Uint8Array(tile.width * HASH_SIZE);
  });
  consistencyProof(size1, size2, read);
  return [...seen.values()];
}

/** Step one: the declaration, the checkpoint and the proof files, and what the tiles must prove. */
export function planLog(input: LogPlanInput): LogPlan {
  const { previous, declared } = input;
  if (!declared)
    return previous
      ? fail('LOG_REMOVED', `the site no longer declares its log (${previous.origin}), whose checkpoint of size ${previous.size} this watcher remembers`)
      : { kind: 'none' };
  if (input.serviceUrl && declared.origin !== logOriginOf(input.serviceUrl))
    return fail('LOG_ORIGIN_MISMATCH', `the log's origin is ${declared.origin}, not ${logOriginOf(input.serviceUrl)} (the service the canary names)`);
  if (previous && (previous.origin !== declared.origin || previous.key !== declared.key))
    return fail(
      'LOG_KEY_CHANGED',
      `the log is now ${declared.key}, not ${previous.key} as remembered (candor watch accept NAME trusts the new log from its next checkpoint)`,
    );
  const key = parseVerifierKey(declared.key);
  if (typeof key === 'string') return fail('LOG_UNREADABLE', `the log key in /canary.json is not a verifier key (${key})`);
  if (input.checkpoint === undefined) return fail('LOG_MISSING', 'the site declares a log but serves no canary/log/checkpoint');
  const opened = openCheckpoint(input.checkpoint, declared.origin, key);
  if (typeof opened === 'string') return fail('LOG_CHECKPOINT_INVALID', `the checkpoint is not signed by the log key for ${declared.origin} (${opened})`);
  const cp = opened.checkpoint;
  const memory: LogMemory = { origin: declared.origin, key: declared.key, size: cp.size, root: encodeBase64(cp.root) };
  const older: Older[] = [];
  if (previous) {
    const root = decodeBase64(previous.root)!;
    if (cp.size < previous.size)
      return fail('LOG_ROLLBACK', `the log's checkpoint has size ${cp.size}, smaller than the ${previous.size} this watcher verified before`);
    if (cp.size === previous.size && !hashesEqual(root, cp.root))
      return fail(
        'LOG_FORK',
        `the log's checkpoint of size ${cp.size} has another root than the one this watcher verified before: the site shows two histories`,
      );
    older.push({ size: previous.size, root, what: `the checkpoint of size ${previous.size} this watcher verified before` });
  }
  const included = documentsIncluded(input.documents, declared.origin, key, cp);
  if ('reasons' in included) return { kind: 'failed', reasons: included.reasons };
  older.push(...included.older);
  const tiles = new Map<string, TileId>();
  for (const o of older) if (o.size > 0 && o.size < cp.size) for (const t of proofTiles(o.size, cp.size)) tiles.set(tilePath(t), t);
  return { kind: 'prove', memory, checkpoint: cp, older, tiles: [...tiles.values()] };
}

/** Each served document is in the log: its proof verifies, against the served checkpoint or an older one it must extend. */
function documentsIncluded(documents: LoggedDocument[], origin: string, key: VerifierKey, cp: Checkpoint): { older: Older[] } | { reasons: Reason[] } {
  const reasons: Reason[] = [];
  const older: Older[] = [];
  for (const doc of documents) {
    if (doc.proof === undefined) {
      reasons.push({ code: 'LOG_PROOF_MISSING', message: `the site has a log but no ${doc.name}.tlog-proof: nothing shows that ${doc.name} is in it` });
      continue;
    }
    const verified = verifyTlogProof(doc.proof, leafHash(doc.bytes), { origin, logKey: key, witnesses: [] });
    if (typeof verified === 'string') {
      reasons.push({ code: 'LOG_NOT_INCLUDED', message: `${doc.name} as served is not in the site's log (${doc.name}.tlog-proof: ${verified})` });
      continue;
    }
    const p = verified.checkpoint;
    if (p.size > cp.size || (p.size === cp.size && !hashesEqual(p.root, cp.root)))
      reasons.push({
        code: 'LOG_FORK',
        message: `${doc.name}.tlog-proof is against a checkpoint of size ${p.size} that the served checkpoint (size ${cp.size}) does not extend`,
      });
    else if (p.size < cp.size) older.push({ size: p.size, root: p.root, what: `the checkpoint of ${doc.name}.tlog-proof (size ${p.size})` });
  }
  return reasons.length > 0 ? { reasons } : { older };
}

/** Step two: every older checkpoint is a prefix of the new one, by proofs read from the site's tiles. */
export function finishLog(plan: Extract<LogPlan, { kind: 'prove' }>, tiles: Map<string, Uint8Array>): { memory: LogMemory } | { reasons: Reason[] } {
  const read = tileHashes(plan.checkpoint.size, (tile) => {
    const bytes = tiles.get(tilePath(tile));
    if (!bytes) throw new RangeError(`${tilePath(tile)} is not there`);
    return bytes;
  });
  for (const o of plan.older) {
    if (o.size === plan.checkpoint.size) continue;
    let proof: Hash[];
    try {
      proof = consistencyProof(o.size, plan.checkpoint.size, read);
    } catch (error) {
      return { reasons: [{ code: 'LOG_TILES_INVALID', message: `the log's tiles cannot prove ${o.what} consistent: ${(error as Error).message}` }] };
    }
    const problem = o.size === 0 ? null : checkConsistency(o.size, plan.checkpoint.size, proof, o.root, plan.checkpoint.root);
    if (problem)
      return {
        reasons: [
          {
            code: 'LOG_FORK',
            message: `the log's checkpoint of size ${plan.checkpoint.size} does not extend ${o.what} (${problem}): the site shows a history that differs from the one seen before`,
          },
        ],
      };
  }
  return { memory: plan.memory };
}
