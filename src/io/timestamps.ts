/**
 * Upper-bound timestamps for published files (docs/timestamps.md): `FILE.ots` is a
 * standard OpenTimestamps proof of FILE's exact bytes (any OpenTimestamps client reads
 * it), and once it is anchored, `FILE.ots-headers` holds the Bitcoin headers from the
 * document's freshness block (or the anchoring block) to the anchoring block, so that it
 * verifies with no network. Stamping and upgrading are the only network steps.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseCanaryTextFast } from '../core/canary/read-text.ts';
import { TimestampError } from '../core/ots/errors.ts';
import { toHex } from '../core/ots/bytes.ts';
import { addCalendarAnswer, addUpgradeAnswer, pendingCommitments, proofIsFor, shrinkProof, startStamp, NONCE_LENGTH } from '../core/ots/stamp.ts';
import { leaves, parseDetached, serializeDetached } from '../core/ots/timestamp.ts';
import {
  DEFAULT_MINIMUM_BITS,
  HEADERS_FORMAT,
  judgeProof,
  serializeHeaderBundle,
  verifyTimestamp,
  type ProofStatus,
  type TimeBounds,
  type TimestampCheck,
} from '../core/ots/verify.ts';
import { isCandorError } from '../core/errors.ts';
import { splitSignedFile } from '../core/pgp/armor.ts';
import type { ExplorerSource } from './explorers.ts';
import { exists, writeFileAtomic } from './files.ts';
import { calendarError, fetchUpgrade, submitDigest, whitelisted, type CalendarOptions } from './ots-calendars.ts';
import { fetchHeaders } from './ots-headers.ts';

export const OTS_SUFFIX = '.ots';
export const HEADERS_SUFFIX = '.ots-headers';

export interface StampOptions extends CalendarOptions {
  calendars: string[];
  /** Calendars that must answer (default: two, or all when fewer are named). */
  minCalendars?: number;
  /** The file as messages name it (relative to the project). */
  label?: string;
}

export type StampResult = { status: 'stamped'; calendars: string[]; failed: string[] } | { status: 'already' };

/** Stamps FILE's bytes with every calendar; writes FILE.ots. A file already stamped is left alone. */
export async function stampFile(file: string, opts: StampOptions): Promise<StampResult> {
  const target = file + OTS_SUFFIX;
  if (await exists(target)) return { status: 'already' };
  const start = startStamp(new Uint8Array(await readFile(file)), new Uint8Array(randomBytes(NONCE_LENGTH)));
  const answers = await Promise.all(opts.calendars.map(async (calendar) => ({ calendar, answer: await submitDigest(calendar, start.commitment, opts) })));
  const ok: string[] = [];
  const failed: string[] = [];
  for (const { calendar, answer } of answers) {
    if (answer.status !== 'ok') {
      failed.push(`${calendar}: ${answer.status === 'failed' ? answer.reason : 'HTTP 404'}`);
      continue;
    }
    try {
      addCalendarAnswer(start.tip, answer.bytes);
      ok.push(calendar);
    } catch (error) {
      if (!isCandorError(error)) throw error;
      failed.push(`${calendar}: not a timestamp (${error.code})`);
    }
  }
  const needed = Math.min(opts.minCalendars ?? 2, opts.calendars.length);
  if (ok.length < Math.max(1, needed)) {
    throw calendarError(
      'NOT_ENOUGH_CALENDARS',
      `only ${ok.length} calendar(s) took the timestamp of ${opts.label ?? file}`,
      failed,
      `at least ${Math.max(1, needed)}`,
    );
  }
  await writeFileAtomic(target, serializeDetached(start.file));
  return { status: 'stamped', calendars: ok, failed };
}

export interface UpgradeOptions extends CalendarOptions {
  /** Calendars (globs on the host) that may be asked; others named in a proof are not. */
  whitelist: string[];
  explorers: ExplorerSource[];
  minimumBits?: number;
}

export type UpgradeResult = { status: 'pending'; asked: string[]; skipped: string[] } | { status: 'complete'; bounds: TimeBounds } | { status: 'already' };

/** The Bitcoin block a Candor document names as its freshness proof, when it is a heartbeat with one. */
export async function documentFreshness(signed: string): Promise<{ height: number; hash: string } | undefined> {
  const split = await splitSignedFile(signed, 'heartbeat');
  if (!split.ok) return undefined;
  const parsed = await parseCanaryTextFast(split.value.text, 'heartbeat');
  if (!parsed.ok || parsed.data.kind !== 'heartbeat') return undefined;
  const bitcoin = (parsed.data.freshness as { bitcoin?: { height?: unknown; hash?: unknown } } | null)?.bitcoin;
  return typeof bitcoin?.height === 'number' && typeof bitcoin.hash === 'string' ? { height: bitcoin.height, hash: bitcoin.hash } : undefined;
}

/**
 * Asks the pending calendars for the rest of FILE.ots; once a Bitcoin attestation is
 * there, shrinks the proof to it, fetches the headers, verifies both offline and writes
 * FILE.ots and FILE.ots-headers. Nothing is written that does not verify.
 */
export async function upgradeFile(file: string, opts: UpgradeOptions): Promise<UpgradeResult> {
  if (await exists(file + HEADERS_SUFFIX)) return { status: 'already' };
  const document = new Uint8Array(await readFile(file));
  const proof = parseDetached(new Uint8Array(await readFile(file + OTS_SUFFIX)));
  if (!proofIsFor(proof, document)) {
    throw new TimestampError('TIMESTAMP_INVALID', 'the proof is not for this file', {
      file: file + OTS_SUFFIX,
      expected: 'a sha256 proof of the file beside it',
      received: `a proof of ${proof.hashOp} ${toHex(proof.timestamp.msg)}`,
      hint: 'Delete the .ots and stamp the file again: candor canary timestamp stamp FILE',
    });
  }
  const asked: string[] = [];
  const skipped: string[] = [];
  let changed = false;
  if (!leaves(proof.timestamp).some((l) => l.attestation.kind === 'bitcoin')) {
    for (const pending of pendingCommitments(proof.timestamp)) {
      if (!whitelisted(pending.uri, opts.whitelist)) {
        skipped.push(pending.uri);
        continue;
      }
      asked.push(pending.uri);
      const answer = await fetchUpgrade(pending.uri, pending.commitmentHex, opts);
      if (answer.status !== 'ok') continue;
      try {
        addUpgradeAnswer(pending, answer.bytes);
        changed = true;
      } catch (error) {
        if (!isCandorError(error)) throw error;
      }
    }
  }
  const shrunk = shrinkProof(proof);
  if (!shrunk) {
    if (changed) await writeFileAtomic(file + OTS_SUFFIX, serializeDetached(proof));
    return { status: 'pending', asked, skipped };
  }
  return { status: 'complete', bounds: await complete(file, document, shrunk, opts) };
}

async function complete(file: string, document: Uint8Array, shrunk: ReturnType<typeof shrinkProof> & object, opts: UpgradeOptions): Promise<TimeBounds> {
  const [leaf] = leaves(shrunk.timestamp);
  const height = (leaf!.attestation as { height: number }).height;
  const freshness = await documentFreshness(new TextDecoder().decode(document));
  const from = freshness && freshness.height <= height ? freshness.height : height;
  const headers = await fetchHeaders(from, height, {
    sources: opts.explorers,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
  });
  const ots = serializeDetached(shrunk);
  const bundle = serializeHeaderBundle({ format: HEADERS_FORMAT, chain: 'bitcoin', start: from, headers: headers.map((h) => toHex(h.raw)) });
  const check = verifyTimestamp(
    { document, ots, headers: bundle, ...(freshness ? { freshness } : {}) },
    { minimumBits: opts.minimumBits ?? DEFAULT_MINIMUM_BITS },
  );
  if (!check.ok) {
    throw new TimestampError('TIMESTAMP_INVALID', 'the anchored proof does not verify; nothing was written', {
      file: file + OTS_SUFFIX,
      expected: 'a proof and headers that verify offline',
      received: check.problems.map((p) => `${p.code}: ${p.message}`),
      hint: 'An explorer or calendar answered wrongly, or the chain reorganised; try again later (docs/timestamps.md).',
    });
  }
  // The proof first: a shrunk proof alone is still a valid proof, and the next run fetches the headers again.
  await writeFileAtomic(file + OTS_SUFFIX, ots);
  await writeFileAtomic(file + HEADERS_SUFFIX, bundle);
  return check.bounds;
}

export type BundleCheck = { present: false } | ({ present: true } & TimestampCheck);

/** FILE.ots and FILE.ots-headers byte for byte, as the site publishes them; null without a .ots. */
export interface ProofFiles {
  ots: Uint8Array;
  headers?: Uint8Array;
}

export async function readProofFiles(file: string): Promise<ProofFiles | null> {
  if (!(await exists(file + OTS_SUFFIX))) return null;
  const ots = new Uint8Array(await readFile(file + OTS_SUFFIX));
  if (!(await exists(file + HEADERS_SUFFIX))) return { ots };
  return { ots, headers: new Uint8Array(await readFile(file + HEADERS_SUFFIX)) };
}

/** A published document's proof from its site: URL.ots and URL.ots-headers; a 404 (null) is no proof. */
export async function fetchProofFiles(url: string, load: (url: string) => Promise<Uint8Array | null>): Promise<ProofFiles | null> {
  const ots = await load(url + OTS_SUFFIX);
  if (!ots) return null;
  const headers = await load(url + HEADERS_SUFFIX);
  return headers ? { ots, headers } : { ots };
}

export type FileProofStatus = ProofStatus | { status: 'none' };

/** A document's proof (found beside it, or fetched from a site) judged offline; `none` without one. */
export async function proofStatus(document: Uint8Array, files: ProofFiles | null, opts: { minimumBits?: number } = {}): Promise<FileProofStatus> {
  if (!files) return { status: 'none' };
  const freshness = await documentFreshness(new TextDecoder().decode(document));
  return judgeProof(
    {
      document,
      ots: files.ots,
      ...(files.headers ? { headers: new TextDecoder().decode(files.headers) } : {}),
      ...(freshness ? { freshness } : {}),
    },
    opts.minimumBits ? { minimumBits: opts.minimumBits } : {},
  );
}

/** An archived file's proof as a site build publishes it: the files byte for byte, and their status at the given floor. */
export async function publishedProof(file: string, opts: { minimumBits?: number } = {}): Promise<{ files: ProofFiles | null; status: FileProofStatus }> {
  const files = await readProofFiles(file);
  return { files, status: await proofStatus(new Uint8Array(await readFile(file)), files, opts) };
}

/**
 * Verifies FILE.ots with FILE.ots-headers offline, when both are beside the file (candor
 * canary timestamp verify: the operator's check, for which a proof not yet upgraded fails).
 */
export async function checkTimestampFiles(file: string, opts: { minimumBits?: number } = {}): Promise<BundleCheck> {
  const status = await proofStatus(new Uint8Array(await readFile(file)), await readProofFiles(file), opts);
  if (status.status === 'none') return { present: false };
  if (status.status === 'anchored') return { present: true, ok: true, bounds: status.bounds };
  if (status.status === 'invalid') return { present: true, ok: false, problems: status.problems };
  return { present: true, ok: false, problems: [{ code: 'OTS_HEADERS_MISSING', message: 'the proof has no header bundle yet (not upgraded)' }] };
}

export type { TimestampCheck };
