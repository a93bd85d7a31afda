/**
 * `candor verify --archive` with the canary log beside the archive (docs/canary.md#auditing-the-archive):
 * the log and the archive must tell one history. Every entry of the log must be an archived
 * file, byte for byte: an entry the archive lacks is a document someone was shown and the
 * archive hides. Every document archived since the log's first entry must be in it: a
 * document outside the log can be shown to one reader and never to another. Then the
 * latest attestation and heartbeat get tlog-proofs made from the log's own tiles, so that
 * the checkpoint's signature, the inclusion proofs and the witness quorum are judged by the
 * same rules as a live site's (log.ts).
 */
import type { AttestationData } from '../canary/model.ts';
import { openCheckpoint } from '../tlog/checkpoint.ts';
import { logOrder, proofFile, readEntries } from '../tlog/log.ts';
import { leafHash } from '../tlog/merkle.ts';
import { parseVerifierKey } from '../tlog/note.ts';
import { tilePath, type TileId } from '../tlog/tiles.ts';
import type { LogEvidence } from './log.ts';
import type { Reason } from './reasons.ts';

/** The log folder as read by the I/O edge: the signed checkpoint, and any tile or entry bundle by id. */
export interface ArchiveLogFiles {
  checkpoint: string;
  tile: (tile: TileId) => Uint8Array | null;
}

/** One archived file, as the log's candidate leaf. */
export interface ArchivedLeaf {
  name: string;
  kind: 'attestation' | 'heartbeat';
  sequence: number;
  issued: string;
  bytes: Uint8Array;
}

export interface ArchiveLogAudit {
  reasons: Reason[];
  /** Proofs of the latest attestation and heartbeat from the log's tiles, for verifyCanary. */
  evidence?: LogEvidence;
  /** For the summary: the log's size, and how many archived documents came before it began. */
  entries?: number;
  beforeLog?: number;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const bad = (message: string): Reason => ({ code: 'LOG_PROOF_BAD', subject: 'archive', message });

/** The log's entries, read from its bundles and checked against the checkpoint the attestation's key signed. */
function openLog(named: NonNullable<AttestationData['log']>, files: ArchiveLogFiles): Uint8Array[] | Reason {
  const key = parseVerifierKey(named.key);
  if (typeof key === 'string') return bad(`the log key the attestation names is unusable (${key})`);
  const opened = openCheckpoint(files.checkpoint, named.origin, key);
  if (typeof opened === 'string') return bad(`the log's checkpoint is not signed by the key the latest attestation names for ${named.origin} (${opened})`);
  const entries = readEntries(opened.checkpoint, files.tile);
  if (!Array.isArray(entries)) return bad(`the log's entry bundles do not make its checkpoint (${entries.problem}${entries.path ? `: ${entries.path}` : ''})`);
  return entries;
}

/**
 * Entries the archive lacks, and archived documents the log lacks between its first and its
 * last logged one. Documents after the last logged one are pending, not missing: a renewal
 * merged into the repository is archived before the next publish run appends it.
 */
function compare(entries: Uint8Array[], archived: readonly ArchivedLeaf[]): { reasons: Reason[]; beforeLog: number; pending: string[] } {
  const logged = new Map(entries.map((e, i) => [hex(leafHash(e)), i]));
  const byHash = new Set(archived.map((d) => hex(leafHash(d.bytes))));
  const reasons: Reason[] = [];
  entries.forEach((e, i) => {
    if (!byHash.has(hex(leafHash(e))))
      reasons.push({
        code: 'LOG_ENTRY_NOT_ARCHIVED',
        subject: 'archive',
        message: `log entry ${i} is not a file of this archive: the log holds a document that the archive does not show`,
      });
  });
  const ordered = logOrder(archived);
  const inLog = (d: ArchivedLeaf) => logged.has(hex(leafHash(d.bytes)));
  const first = ordered.findIndex(inLog);
  const last = ordered.findLastIndex(inLog);
  for (const d of first < 0 ? [] : ordered.slice(first, last + 1)) {
    if (!inLog(d))
      reasons.push({
        code: 'LOG_ENTRY_MISSING',
        subject: 'archive',
        message: `${d.name} is not in the log, although documents before and after it are: a reader shown it could not find it there`,
      });
  }
  const pending = ordered.slice(last + 1).map((d) => d.name);
  return { reasons, beforeLog: first < 0 ? 0 : first, pending };
}

/** The audit of the log against the archive, when the latest attestation names a log and the log is at hand. */
export function auditArchiveLog(
  latest: AttestationData | undefined,
  files: ArchiveLogFiles | undefined,
  archived: readonly ArchivedLeaf[],
  current: { attestation: Uint8Array; heartbeat?: Uint8Array },
): ArchiveLogAudit {
  if (!latest?.log || !files) return { reasons: [] };
  const entries = openLog(latest.log, files);
  if (!Array.isArray(entries)) return { reasons: [entries] };
  const { reasons, beforeLog, pending } = compare(entries, archived);
  if (pending.length > 0) {
    // The latest pair cannot be proven in a log that has not had them appended yet: said, not failed.
    reasons.push({
      code: 'LOG_UNCHECKED',
      subject: 'archive',
      message: `${pending.length} document(s) archived after the log's last entry are not in it yet (${pending.join(', ')}): the next publish run appends them; the latest canary was not proven in the log`,
    });
    return { reasons, entries: entries.length, beforeLog };
  }
  const source = (tile: TileId): Uint8Array => {
    const bytes = files.tile(tile);
    if (!bytes) throw new RangeError(`${tilePath(tile)} is not in the log folder`);
    return bytes;
  };
  const proof = (bytes: Uint8Array): string | null => {
    try {
      return proofFile(bytes, entries, files.checkpoint, source);
    } catch {
      // A hash tile missing while the entry bundles are whole: the proof cannot be made, so it is missing.
      return null;
    }
  };
  const evidence: LogEvidence = { attestationProof: proof(current.attestation), consistency: {} };
  if (current.heartbeat) evidence.heartbeatProof = proof(current.heartbeat);
  return { reasons, evidence, entries: entries.length, beforeLog };
}
