/**
 * The canary log in the repository (content/canary/log/, decision 0031): reads it back and
 * checks it against the key canary.yml names, appends every archived document not in it
 * yet, and writes tiles, bundles and the checkpoint atomically. The checkpoint is written
 * last, so a run killed half-way leaves the old checkpoint whole with at most some new tile
 * files beside it; the next run writes the same bytes again (signing is deterministic) and
 * removes tiles of superseded widths. Which documents are logged is read from the entry
 * bundles themselves: nothing else is remembered, so nothing else can drift.
 */
import path from 'node:path';
import { readFile, readdir, rm, rmdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { see } from '../core/docs-links.ts';
import { ContentError, SigningError } from '../core/errors.ts';
import { openCheckpoint, type Checkpoint } from '../core/tlog/checkpoint.ts';
import { appendEntries, CHECKPOINT_FILE, logOrigin, missingFromLog, proofFile, readEntries, treePaths, type LogDocument } from '../core/tlog/log.ts';
import { ED25519, formatVerifierKey, parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from '../core/tlog/note.ts';
import { parseTilePath, tilePath, tileWidth, TILE_WIDTH, type TileId } from '../core/tlog/tiles.ts';
import { listArchive, parseArchiveName, readArchived } from './archive.ts';
import { exists, relative, writeFileAtomic } from './files.ts';
import type { Project } from './project.ts';

export const LOG_KEY_ENV = 'CANDOR_LOG_KEY';

export const logDir = (project: Project): string => path.join(project.canary, 'log');

export interface LogConfig {
  origin: string;
  key: VerifierKey;
  /** The vkey as canary.yml writes it. */
  vkey: string;
}

/** The log canary.yml names, or undefined when the service keeps none. */
export function logConfig(serviceUrl: string, log: { key: string } | undefined): LogConfig | undefined {
  if (!log) return undefined;
  const key = parseVerifierKey(log.key.trim());
  // canary.yml's schema refused anything else already.
  if (typeof key === 'string') throw new RangeError(`log.key: ${key}`);
  return { origin: logOrigin(serviceUrl), key, vkey: formatVerifierKey(key) };
}

export interface LogState {
  checkpoint: Checkpoint | undefined;
  /** The signed checkpoint as committed. */
  signed: string | undefined;
  entries: Uint8Array[];
}

function invalid(project: Project, file: string, expected: string, received: unknown): ContentError {
  return new ContentError('LOG_INVALID', 'the canary log in the repository does not verify', {
    file: relative(project.root, file),
    expected,
    received,
    hint: see(
      'log',
      'Nothing is appended to a log that does not verify. Restore content/canary/log/ from git (git checkout -- content/canary/log); a new log needs a new log key.',
    ),
  });
}

/** The committed log, checked: the checkpoint signed by the configured key, the bundles hashing to its root. */
export async function readLog(project: Project, config: LogConfig): Promise<LogState> {
  const dir = logDir(project);
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!(await exists(file))) return { checkpoint: undefined, signed: undefined, entries: [] };
  const signed = await readFile(file, 'utf8');
  const opened = openCheckpoint(signed, config.origin, config.key);
  if (typeof opened === 'string') return Promise.reject(invalid(project, file, `a checkpoint for ${config.origin} signed by ${config.vkey}`, opened));
  const bundle = (tile: TileId): Uint8Array | null => {
    try {
      return readFileSync(path.join(dir, tilePath(tile)));
    } catch {
      return null;
    }
  };
  const entries = readEntries(opened.checkpoint, bundle);
  if (!Array.isArray(entries))
    throw invalid(project, path.join(dir, entries.path ?? CHECKPOINT_FILE), 'entry bundles that hash to the checkpoint', entries.problem);
  return { checkpoint: opened.checkpoint, signed, entries };
}

/** Every archived attestation and heartbeat, as the log's candidates. */
export async function archivedDocuments(project: Project): Promise<LogDocument[]> {
  const names = [...(await listArchive(project.archive, 'attestation')), ...(await listArchive(project.archive, 'heartbeat'))];
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(project.archive, name);
      const doc = await readArchived(file, project.root);
      const { kind, sequence } = parseArchiveName(name)!;
      return { name, kind, sequence, issued: doc.data.issued, bytes: await readFile(file) };
    }),
  );
}

/** The signer key from CANDOR_LOG_KEY; it must be the key canary.yml names. */
export function logSigner(env: NodeJS.ProcessEnv, config: LogConfig): SignerKey {
  const text = env[LOG_KEY_ENV]?.trim();
  if (!text)
    throw new SigningError('LOG_KEY_MISSING', `no log key: ${LOG_KEY_ENV} is not set`, {
      file: 'content/canary/canary.yml',
      field: 'log',
      expected: `the log's signer key (PRIVATE+KEY+${config.origin}+…) in ${LOG_KEY_ENV}`,
      received: 'nothing',
      hint: see('logKey', `canary.yml names a log, so the publish job signs its checkpoint: add the ${LOG_KEY_ENV} secret to the repository.`),
    });
  const key = parseSignerKey(text);
  const same = typeof key !== 'string' && key.type === ED25519 && key.name === config.key.name && key.keyId === config.key.keyId;
  if (!same)
    // Never the value itself: it is a private key.
    throw new SigningError('LOG_KEY_MISMATCH', `${LOG_KEY_ENV} is not the log key canary.yml names`, {
      file: 'content/canary/canary.yml',
      field: 'log.key',
      expected: `the signer key of ${config.vkey}`,
      received: typeof key === 'string' ? `a value that is not a signer key (${key})` : `the signer key of ${formatVerifierKey(key)}`,
      hint: see('logKey', `Set ${LOG_KEY_ENV} to the PRIVATE+KEY+… line that candor keys log wrote with this verifier key.`),
    });
  return key;
}

async function filesUnder(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return found.filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'));
}

/**
 * Removes what the tree of `size` leaves does not need: entry bundles of superseded widths
 * (they hold every entry again, so keeping each width would grow the repository by the
 * square of its size), hash tiles whose full tile exists (tlog-tiles allows it), and anything
 * beyond the checkpoint that a killed run left. Narrower partial hash tiles stay (32 bytes
 * an entry): a verifier holding an older checkpoint can still read its tree. Then empty folders.
 */
async function prune(dir: string, size: number): Promise<void> {
  const keep = treePaths(size);
  for (const rel of await filesUnder(path.join(dir, 'tile'))) {
    const p = `tile/${rel}`;
    const tile = parseTilePath(p);
    if (!tile || keep.has(p)) continue;
    const stale = tile.level === 'entries' || tileWidth(tile.level, tile.index, size) === TILE_WIDTH || tile.width > tileWidth(tile.level, tile.index, size);
    if (stale) await rm(path.join(dir, p), { force: true });
  }
  const dirs = (await readdir(path.join(dir, 'tile'), { recursive: true, withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => path.join(d.parentPath, d.name))
    .sort((a, b) => b.length - a.length);
  for (const d of dirs) await rmdir(d).catch(() => undefined);
}

export interface AppendResult {
  appended: string[];
  size: number;
  checkpoint: string;
}

/**
 * Appends every archived document not yet logged, oldest first. Nothing missing: the
 * checkpoint is left as it is (no new signature), only stray tiles are cleaned up.
 */
export async function appendArchive(project: Project, config: LogConfig, signer: SignerKey): Promise<AppendResult> {
  const dir = logDir(project);
  const state = await readLog(project, config);
  const missing = missingFromLog(state.entries, await archivedDocuments(project));
  if (missing.length === 0 && state.signed !== undefined) {
    await prune(dir, state.entries.length);
    return { appended: [], size: state.entries.length, checkpoint: state.signed };
  }
  const grown = appendEntries(
    state.entries,
    missing.map((d) => d.bytes),
    config.origin,
    signer,
  );
  for (const [rel, bytes] of grown.files) await writeFileAtomic(path.join(dir, rel), bytes);
  await prune(dir, grown.size);
  return { appended: missing.map((d) => d.name), size: grown.size, checkpoint: grown.checkpoint };
}

/** The log as the site publishes it: the checkpoint, every tile file, and a proof maker. */
export interface PublishedLog {
  checkpoint: string;
  size: number;
  files: { path: string; bytes: Uint8Array }[];
  /** The tlog-proof of one archived file's bytes, or null when it is not in the log. */
  proof: (entry: Uint8Array) => string | null;
}

export async function publishedLog(project: Project, config: LogConfig): Promise<PublishedLog | undefined> {
  const state = await readLog(project, config);
  if (!state.signed || !state.checkpoint) return undefined;
  const dir = logDir(project);
  const paths = [...treePaths(state.checkpoint.size)].sort();
  const files = await Promise.all(paths.map(async (p) => ({ path: p, bytes: new Uint8Array(await readFile(path.join(dir, p))) })));
  const byPath = new Map(files.map((f) => [f.path, f.bytes]));
  const source = (tile: TileId): Uint8Array => {
    const bytes = byPath.get(tilePath(tile));
    if (!bytes) throw new RangeError(`${tilePath(tile)} is not in the log`);
    return bytes;
  };
  const signed = state.signed;
  return {
    checkpoint: signed,
    size: state.checkpoint.size,
    files,
    proof: (entry) => proofFile(entry, state.entries, signed, source),
  };
}

/**
 * `candor check`'s view of the log: the key named for this service's origin, the committed
 * log verifying against it (a pull request cannot rewrite it unnoticed), and a note of what
 * the next publish run will append.
 */
export async function logCheck(project: Project, serviceUrl: string, log: { key: string } | undefined): Promise<{ pending: string[] }> {
  const config = logConfig(serviceUrl, log);
  if (!config) return { pending: [] };
  if (config.key.name !== config.origin)
    throw new ContentError('LOG_INVALID', 'the log key is named for another origin', {
      file: 'content/canary/canary.yml',
      field: 'log.key',
      expected: `a key named ${config.origin} (the host and path of url in content/service.yml, and /canary/log)`,
      received: config.key.name,
      hint: see('logKey', `Make a log key for this origin: candor keys log --out FILE.`),
    });
  const state = await readLog(project, config);
  return { pending: missingFromLog(state.entries, await archivedDocuments(project)).map((d) => d.name) };
}
