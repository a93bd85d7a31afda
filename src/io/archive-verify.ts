/**
 * Reads an archive folder for `candor verify --archive DIR`. This module loads nothing
 * heavy itself, so that a large archive's Ed25519 worker starts before the verifier loads.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ArchiveInput, ArchiveResult, Named } from '../core/verify/archive.ts';
import type { ArchiveLogFiles } from '../core/verify/archive-log.ts';
import { tilePath, type TileId } from '../core/tlog/tiles.ts';
import type { Clock } from '../core/verify/attestation.ts';
import { Ed25519Pool, LANES, MIN_DOCUMENTS } from './ed25519-pool.ts';

/** A worker for Ed25519 when the archive is large enough to repay its start-up. */
const poolFor = (documents: number, min = MIN_DOCUMENTS): Ed25519Pool | null => (documents >= min ? new Ed25519Pool() : null);

/** verifyArchive as the CLI runs it: node:crypto, and an Ed25519 worker for a large archive. Same verdict without. */
export async function verifyArchiveFast(
  input: ArchiveInput,
  clock: Clock,
  opts: { minDocuments?: number; pool?: Ed25519Pool | null } = {},
): Promise<ArchiveResult> {
  const pool = opts.pool !== undefined ? opts.pool : poolFor(input.attestations.length + input.heartbeats.length, opts.minDocuments);
  try {
    const [{ verifyArchive }, { nodeCrypto }] = await Promise.all([import('../core/verify/archive.ts'), import('./node-crypto.ts')]);
    // A worker that has answered once takes its share from the first document (not waiting long for a slow one).
    if (pool) await Promise.race([pool.ready, new Promise((resolve) => setTimeout(resolve, 250).unref())]);
    return await verifyArchive({ ...input, ...(pool ? { crypto: pool, lanes: LANES } : { crypto: nodeCrypto }) }, clock);
  } finally {
    await pool?.close();
  }
}

/** The archive's file names of one kind, sorted, as src/io/archive.ts lists them (without loading it). */
function archiveNames(dir: string, kind: 'attestation' | 'heartbeat'): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${kind}-\\d{6,}\\.txt$`);
  return names.filter((n) => pattern.test(n)).sort();
}

/**
 * A file read when it is checked, synchronously: thousands of small files read in turn
 * take a tenth of the time of as many concurrent fs.promises.readFile calls.
 */
function onDemand(dir: string, name: string): Named {
  let text: string | undefined;
  return {
    name,
    get file() {
      return (text ??= readFileSync(path.join(dir, name), 'utf8'));
    },
  };
}

export interface ArchiveKeys {
  /** Signer pins: fingerprints, or files holding one public key each. */
  keys: string[];
  /** Key material of any role: never pins. */
  keyring?: string[];
  /** Heartbeat keys accepted as attestation signers (an automated canary). */
  automated?: string[];
}

const FPR = /^[0-9A-Fa-f]{40}$/;

/**
 * The canary log that goes with an archive folder: `--log DIR`, else the folder beside it as
 * a Candor repository has it (content/canary/log) or as a copy of the site has it
 * (archive/ beside canary/log/). None there: the archive is audited without it.
 */
export function archiveLogFiles(dir: string, logDir: string | undefined): ArchiveLogFiles | undefined {
  const candidates = logDir !== undefined ? [logDir] : [path.join(dir, '..', 'log'), path.join(dir, '..', 'canary', 'log')];
  for (const folder of candidates) {
    let checkpoint: string;
    try {
      checkpoint = readFileSync(path.join(folder, 'checkpoint'), 'utf8');
    } catch {
      continue;
    }
    const tile = (id: TileId): Uint8Array | null => {
      try {
        return readFileSync(path.join(folder, ...tilePath(id).split('/')));
      } catch {
        return null;
      }
    };
    return { checkpoint, tile };
  }
  return undefined;
}

/** What the log audit found, in one line: its size, who cosigned it, what came before it. */
function logLine(result: ArchiveResult): string[] {
  if (!result.log) return [];
  const cosigned = result.latest?.log?.cosignatures.map((c) => c.witness) ?? [];
  const witnesses = cosigned.length ? `, cosigned by ${cosigned.join(', ')}` : ', not cosigned';
  const before = result.log.beforeLog ? `; ${result.log.beforeLog} document(s) archived before it began` : '';
  return [`  Log: ${result.log.entries} entries${witnesses}${before}`];
}

export async function verifyArchiveDir(dir: string, opts: ArchiveKeys & { clock: Clock; log?: string }): Promise<ArchiveResult & { summary: string }> {
  const names = { attestation: archiveNames(dir, 'attestation'), heartbeat: archiveNames(dir, 'heartbeat') };
  // Started first: the worker loads while this thread loads openpgp.js and reads the keys.
  const pool = poolFor(names.attestation.length + names.heartbeat.length);
  try {
    const [{ readPublicKeysFrom }, { fingerprintOf }, { REASONS }, { UsageError }] = await Promise.all([
      import('./keyring.ts'),
      import('../core/pgp/keys.ts'),
      import('../core/verify/reasons.ts'),
      import('../core/errors.ts'),
    ]);
    const entries = opts.keys.flatMap((k) => k.split(',')).filter(Boolean);
    const pins = entries.filter((e) => FPR.test(e)).map((e) => e.toUpperCase());
    const pinned = await Promise.all(
      entries
        .filter((e) => !FPR.test(e))
        .map(async (file) => {
          const keys = statSync(file, { throwIfNoEntry: false })?.isDirectory() ? [] : await readPublicKeysFrom(file, process.cwd());
          if (keys.length !== 1) {
            throw new UsageError('USAGE', 'not one key', {
              file,
              expected: 'one public key per --keys entry: each pin names one signer',
              received: keys.length ? `${keys.length} keys` : 'a folder',
              hint: 'Give the folder with --keyring and pin each signer by fingerprint: --keys FPR1,FPR2.',
            });
          }
          return keys;
        }),
    );
    const keyring = (await Promise.all((opts.keyring ?? []).map((k) => readPublicKeysFrom(k, process.cwd())))).flat();
    const keys = [...pinned.flat(), ...keyring];
    const list = (names: string[]) => names.map((name) => onDemand(dir, name));
    const log = archiveLogFiles(dir, opts.log);
    const input = {
      attestations: list(names.attestation),
      heartbeats: list(names.heartbeat),
      keys,
      pins: [...pins, ...pinned.flat().map(fingerprintOf)],
      automated: (opts.automated ?? []).map((f) => f.toUpperCase()),
      ...(log ? { log } : {}),
    };
    const result = await verifyArchiveFast(input, opts.clock, { pool });
    const problems = [...result.reasons, ...(result.latest?.reasons ?? [])].filter((r) => REASONS[r.code] !== 'note');
    const summary = [
      `${result.verdict.toUpperCase()}: ${result.attestations} attestation(s), ${result.heartbeats} heartbeat(s) checked`,
      ...logLine(result),
      ...problems.map((r) => `  ${REASONS[r.code] === 'warning' ? 'WARNING ' : ''}${r.code} (${r.subject}): ${r.message}`),
    ].join('\n');
    return { ...result, summary };
  } finally {
    // Already closed when the archive was verified; not when reading the keys failed.
    await pool?.close();
  }
}
