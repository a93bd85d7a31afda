/**
 * `candor witness check`: fetch a Candor site's checkpoint and the tiles a consistency
 * proof needs (log contract: `<site>/canary/log/`), let the core decide (witness/check.ts),
 * then record the cosigned checkpoint (atomically, under the log's lock) and write it, with
 * the cosignature, to `<out>/<origin>/checkpoint` for the witness to publish.
 */
import path from 'node:path';
import { isCandorError, type CandorError } from '../../core/errors.ts';
import { decodeNote, type SignerKey } from '../../core/tlog/note.ts';
import { tilePath, TILE_WIDTH, type TileId } from '../../core/tlog/tiles.ts';
import { HASH_SIZE } from '../../core/tlog/merkle.ts';
import { checkLog, peekCheckpoint, tilesToCheck, type CheckResult, type StoredRecord } from '../../core/witness/check.ts';
import { siteLogUrl, type WitnessConfig } from '../../core/witness/config.ts';
import { WitnessError, WITNESS_DOCS } from '../../core/witness/errors.ts';
import { writeFileAtomic } from '../files.ts';
import { fetchBounded, redactUrl, type BoundedOptions } from '../http.ts';
import { readRecord, serialised, writeRecord } from './state.ts';

export interface CheckOptions {
  stateDir: string;
  outDir: string;
  config: WitnessConfig;
  key: SignerKey;
  /** The cosignature time, POSIX seconds. */
  now: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export type SiteOutcome = { site: string; origin: string; result: CheckResult; file: string } | { site: string; error: CandorError };

const CHECKPOINT_MAX = 64 * 1024;
const TILE_MAX = TILE_WIDTH * HASH_SIZE;

function bounds(opts: CheckOptions, maxBytes: number): BoundedOptions {
  return {
    timeoutMs: opts.timeoutMs ?? 15_000,
    maxBytes,
    retries: 2,
    backoffMs: 250,
    maxRedirects: 3,
    ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
  };
}

function unreachable(url: string, received: string, cause?: unknown): WitnessError {
  return new WitnessError('LOG_UNREACHABLE', 'cannot read the log', {
    file: redactUrl(url),
    expected: 'the file the log contract names, answered with 200',
    received,
    hint: `Nothing was cosigned; the next run tries again. See ${WITNESS_DOCS}#checking-on-a-schedule.`,
    cause,
  });
}

async function get(url: string, opts: CheckOptions, maxBytes: number): Promise<Uint8Array | 404> {
  let response;
  try {
    response = await fetchBounded(url, bounds(opts, maxBytes));
  } catch (error) {
    throw unreachable(url, isCandorError(error) && typeof error.details.received === 'string' ? error.details.received : 'a network error', error);
  }
  if (response.status === 404) return 404;
  if (response.status !== 200) throw unreachable(url, `HTTP ${response.status}`);
  return response.bytes;
}

/** A partial tile, or the full tile it has grown into since (tlog-tiles lets clients read either). */
async function fetchTile(base: string, tile: TileId, opts: CheckOptions): Promise<Uint8Array> {
  const url = new URL(tilePath(tile), base).toString();
  const bytes = await get(url, opts, TILE_MAX);
  if (bytes !== 404) return bytes;
  if (tile.width < TILE_WIDTH) {
    const full = await get(new URL(tilePath({ ...tile, width: TILE_WIDTH }), base).toString(), opts, TILE_MAX);
    if (full !== 404 && full.length === TILE_MAX) return full.subarray(0, tile.width * HASH_SIZE);
  }
  throw new WitnessError('LOG_TILES_INVALID', 'a tile the checkpoint needs is not published', {
    file: redactUrl(url),
    expected: 'the tile (tlog-tiles), answered with 200',
    received: 'HTTP 404',
    hint: `Nothing was cosigned: without the tiles no consistency can be checked. See ${WITNESS_DOCS}#what-a-witness-refuses.`,
  });
}

async function checkSite(site: string, opts: CheckOptions): Promise<SiteOutcome> {
  const base = siteLogUrl(site);
  const url = new URL('checkpoint', base).toString();
  const bytes = await get(url, opts, CHECKPOINT_MAX);
  if (bytes === 404) throw unreachable(url, 'HTTP 404: the site publishes no log');
  const signed = decodeNote(bytes);
  const cp = signed === null ? null : peekCheckpoint(signed);
  if (signed === null || !cp)
    throw new WitnessError('LOG_SIGNATURE_INVALID', 'not a signed checkpoint', {
      file: redactUrl(url),
      expected: 'a C2SP checkpoint signed as a note (UTF-8)',
      received: 'something else',
      hint: `See ${WITNESS_DOCS}#what-a-witness-refuses.`,
    });
  const log = opts.config.logs.find((l) => l.origin === cp.origin);
  if (!log)
    throw new WitnessError('LOG_NOT_WITNESSED', 'this witness does not cosign that log', {
      file: redactUrl(url),
      expected: `an origin listed in witness.yml (${opts.config.logs.map((l) => l.origin).join(', ')})`,
      received: cp.origin,
      hint: `Add the log's origin and key to witness.yml. See ${WITNESS_DOCS}#the-list-of-logs.`,
    });
  // The tiles are fetched before the lock is taken (a slow site must not hold the record),
  // for the size recorded then; under the lock, a record another process moved meanwhile
  // only adds the tiles its size needs.
  const tiles = new Map<string, Uint8Array>();
  const fetchFor = async (record: StoredRecord | null) => {
    const wanted = record && cp.size < record.size ? [] : tilesToCheck(record?.size ?? 0, cp.size);
    await Promise.all(wanted.filter((t) => !tiles.has(tilePath(t))).map(async (t) => tiles.set(tilePath(t), await fetchTile(base, t, opts))));
  };
  await fetchFor(await readRecord(opts.stateDir, log.origin));
  return serialised(opts.stateDir, log.origin, async () => {
    const record = await readRecord(opts.stateDir, log.origin);
    await fetchFor(record);
    const result = checkLog({
      log: { origin: log.origin, key: log.key },
      url: redactUrl(url),
      signed,
      record,
      tiles: (t) => tiles.get(tilePath(t)) ?? new Uint8Array(0),
      witness: opts.key,
      now: opts.now,
    });
    await writeRecord(opts.stateDir, result.record);
    const file = path.join(opts.outDir, ...log.origin.split('/'), 'checkpoint');
    await writeFileAtomic(file, result.cosigned);
    return { site, origin: log.origin, result, file };
  });
}

/** Every site, one after another (each under its log's lock); a refused or unreachable site does not stop the others. */
export async function checkSites(sites: readonly string[], opts: CheckOptions): Promise<SiteOutcome[]> {
  const outcomes: SiteOutcome[] = [];
  for (const site of sites) {
    try {
      outcomes.push(await checkSite(site, opts));
    } catch (error) {
      if (!isCandorError(error)) throw error;
      outcomes.push({ site, error });
    }
  }
  return outcomes;
}
