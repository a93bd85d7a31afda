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

/** Entries the archive lacks, and archived documents (since the log began) the log lacks. */
function compare(entries: Uint8Array[], archived: readonly ArchivedLeaf[]): { reasons: Reason[]; beforeLog: number } {
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
  const first = ordered.findIndex((d) => logged.has(hex(leafHash(d.bytes))));
  const since = first < 0 ? ordered : ordered.slice(first);
  for (const d of since) {
    if (!logged.has(hex(leafHash(d.bytes))))
      reasons.push({
        code: 'LOG_ENTRY_MISSING',
        subject: 'archive',
        message: `${d.name} is not in the log, although it was issued after the log began: a reader shown it could not find it there`,
      });
  }
  return { reasons, beforeLog: first < 0 ? 0 : first };
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
  const { reasons, beforeLog } = compare(entries, archived);
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
