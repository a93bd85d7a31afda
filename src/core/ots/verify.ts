/**
 * Offline verification of an upper-bound timestamp: a document, its `.ots` proof and a
 * header bundle (`.ots-headers`, docs/timestamps.md). The proof's Bitcoin attestation
 * must commit to the merkle root of a header in the bundle, every header must carry its
 * own proof of work at no less than a pinned difficulty, and the headers must link. When
 * the document names a freshness block, the bundle must start at it, and the result is
 * "issued between block A and block B"; without one, "existed by block B".
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, fromHex, toHex } from './bytes.ts';
import { checkHeaderChain, displayHash, parseHeader, targetFromBits, HEADER_LENGTH, type BlockHeader, type HeaderProblem } from './bitcoin.ts';
import { isCandorError } from '../errors.ts';
import { leaves, parseDetached, type DetachedTimestamp } from './timestamp.ts';

export const HEADERS_FORMAT = 'candor-ots-headers/1';

/**
 * The pinned floor: difficulty about 1.76e13 (nBits 0x170fffff), which Bitcoin passed in
 * 2021 and has stayed far above since (about 1.3e14 in 2025). Forging one header at this
 * floor costs the work of a large fraction of a real block; a header below it is refused.
 */
export const DEFAULT_MINIMUM_BITS = 0x170fffff;
/** Bitcoin caps a bundle's useful length long before this; it bounds the verifier's work. */
export const MAX_BUNDLE_HEADERS = 2016;
/**
 * A shrunk proof is under 1 KB and a full one a few KB; each operation may hold a 4 KB
 * message, so an unbounded file could make a reader allocate gigabytes.
 */
export const MAX_PROOF_BYTES = 32 * 1024;
const MAX_BUNDLE_CHARS = MAX_BUNDLE_HEADERS * 170 + 1024;

export interface HeaderBundle {
  format: typeof HEADERS_FORMAT;
  chain: 'bitcoin';
  /** The height of the first header. */
  start: number;
  /** Consecutive raw 80-byte headers, lowercase hex, from `start` on. */
  headers: string[];
}

export interface BlockRef {
  height: number;
  /** Display order, as explorers and the canary's freshness proof write it. */
  hash: string;
  /** The header's time, ISO-8601 UTC. */
  time: string;
}

export interface TimeBounds {
  /** The freshness block the document names, when it names one. */
  notBefore?: BlockRef;
  /** The block whose merkle root the proof commits to. */
  notAfter: BlockRef;
}

export interface OtsProblem {
  code: string;
  message: string;
}

export type TimestampCheck = { ok: true; bounds: TimeBounds } | { ok: false; problems: OtsProblem[] };

export interface TimestampInput {
  /** The exact bytes that were stamped (the published signed file). */
  document: Uint8Array;
  ots: Uint8Array;
  /** The text of the `.ots-headers` file. */
  headers: string;
  /** The Bitcoin block the document itself names (a heartbeat's freshness proof). */
  freshness?: { height: number; hash: string };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const HEADER_HEX = new RegExp(`^[0-9a-f]{${HEADER_LENGTH * 2}}$`);

function malformedBundle(expected: string): OtsProblem {
  return { code: 'OTS_HEADERS_MALFORMED', message: `the header bundle is not valid: expected ${expected}` };
}

export function parseHeaderBundle(text: string): { ok: true; value: HeaderBundle } | { ok: false; problems: OtsProblem[] } {
  if (text.length > MAX_BUNDLE_CHARS) return { ok: false, problems: [malformedBundle(`at most ${MAX_BUNDLE_HEADERS} headers (the file is too large)`)] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problems: [malformedBundle('JSON')] };
  }
  if (!isRecord(value)) return { ok: false, problems: [malformedBundle('a JSON object')] };
  const problems: OtsProblem[] = [];
  const extra = Object.keys(value).filter((k) => !['format', 'chain', 'start', 'headers'].includes(k));
  if (extra.length > 0) problems.push(malformedBundle(`no other properties than format, chain, start, headers (found ${extra.join(', ')})`));
  if (value.format !== HEADERS_FORMAT) problems.push(malformedBundle(`format "${HEADERS_FORMAT}"`));
  if (value.chain !== 'bitcoin') problems.push(malformedBundle('chain "bitcoin"'));
  if (!Number.isSafeInteger(value.start) || (value.start as number) < 0) problems.push(malformedBundle('start: a block height'));
  const headers = value.headers;
  if (!Array.isArray(headers) || headers.length === 0 || headers.length > MAX_BUNDLE_HEADERS) {
    problems.push(malformedBundle(`headers: a list of 1 to ${MAX_BUNDLE_HEADERS} headers`));
  } else {
    headers.forEach((h, i) => {
      if (typeof h !== 'string' || !HEADER_HEX.test(h)) problems.push(malformedBundle(`headers[${i}]: ${HEADER_LENGTH * 2} lowercase hex digits`));
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: value as unknown as HeaderBundle };
}

export function serializeHeaderBundle(bundle: HeaderBundle): string {
  return `${JSON.stringify({ format: bundle.format, chain: bundle.chain, start: bundle.start, headers: bundle.headers }, null, 2)}\n`;
}

function blockRef(header: BlockHeader, height: number): BlockRef {
  return { height, hash: displayHash(header.hash), time: new Date(header.time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

const HEADER_MESSAGES: Record<HeaderProblem['code'], string> = {
  OTS_HEADER_BITS_INVALID: 'has an nBits field that encodes no valid target',
  OTS_HEADER_POW_INVALID: 'does not meet its own proof-of-work target (its hash is above the target its nBits sets)',
  OTS_HEADER_DIFFICULTY_TOO_LOW: 'claims a difficulty below the pinned minimum',
  OTS_HEADER_CHAIN_BROKEN: 'does not name the previous header as its parent',
};

function readProof(ots: Uint8Array): DetachedTimestamp | OtsProblem {
  if (ots.length > MAX_PROOF_BYTES)
    return { code: 'OTS_MALFORMED', message: `the .ots proof is ${ots.length} bytes, more than the ${MAX_PROOF_BYTES} a proof needs` };
  try {
    return parseDetached(ots);
  } catch (error) {
    if (!isCandorError(error)) throw error;
    return { code: 'OTS_MALFORMED', message: `the .ots proof cannot be read (${error.code}): ${error.summary}` };
  }
}

function checkFreshness(headers: BlockHeader[], start: number, freshness: { height: number; hash: string }): OtsProblem[] {
  const first = headers[0]!;
  if (start === freshness.height && displayHash(first.hash) === freshness.hash) return [];
  return [
    {
      code: 'OTS_FRESHNESS_MISMATCH',
      message: `the header bundle starts at block ${start} ${displayHash(first.hash)}, not at the freshness block ${freshness.height} ${freshness.hash} the document names`,
    },
  ];
}

/** Finds the earliest Bitcoin attestation that the bundle's headers confirm. */
function anchor(proof: DetachedTimestamp, headers: BlockHeader[], start: number): { height: number; header: BlockHeader } | OtsProblem {
  const bitcoin = leaves(proof.timestamp).flatMap((l) => (l.attestation.kind === 'bitcoin' ? [{ msg: l.msg, height: l.attestation.height }] : []));
  if (bitcoin.length === 0) {
    return {
      code: 'OTS_NO_BITCOIN_ATTESTATION',
      message: 'the proof has no Bitcoin attestation yet (only calendars promise one): run candor canary timestamp upgrade',
    };
  }
  const inRange = bitcoin.filter((b) => b.height >= start && b.height < start + headers.length).sort((a, b) => a.height - b.height);
  for (const b of inRange) {
    const header = headers[b.height - start]!;
    if (bytesEqual(b.msg, header.merkleRoot)) return { height: b.height, header };
  }
  if (inRange.length > 0) {
    return { code: 'OTS_MERKLE_MISMATCH', message: `the proof's commitment for block ${inRange[0]!.height} is not that header's merkle root` };
  }
  const end = start + headers.length - 1;
  return {
    code: 'OTS_ATTESTATION_NOT_IN_HEADERS',
    message: `the proof names block(s) ${bitcoin.map((b) => b.height).join(', ')}, outside the bundle's blocks ${start}–${end}`,
  };
}

/** Whether the proof is one of exactly these bytes, by sha256. */
function documentProblems(proof: DetachedTimestamp, document: Uint8Array): OtsProblem[] {
  if (proof.hashOp !== 'sha256') return [{ code: 'OTS_DIGEST_NOT_SHA256', message: `the proof hashes the document with ${proof.hashOp}, not sha256` }];
  if (bytesEqual(sha256(document), proof.timestamp.msg)) return [];
  return [
    {
      code: 'OTS_WRONG_DOCUMENT',
      message: `the proof is for another document (sha256 ${toHex(proof.timestamp.msg)}, this one is ${toHex(sha256(document))})`,
    },
  ];
}

/** Every problem of the proof and its bundle, or the time bounds they prove. */
export function verifyTimestamp(input: TimestampInput, opts: { minimumBits?: number } = {}): TimestampCheck {
  const minimumBits = opts.minimumBits ?? DEFAULT_MINIMUM_BITS;
  const proof = readProof(input.ots);
  const bundle = parseHeaderBundle(input.headers);
  const problems: OtsProblem[] = 'code' in proof ? [proof] : documentProblems(proof, input.document);
  if (!bundle.ok) return { ok: false, problems: [...problems, ...bundle.problems] };
  const { start } = bundle.value;
  const headers = bundle.value.headers.map((hex) => parseHeader(fromHex(hex)));
  for (const p of checkHeaderChain(headers, minimumBits)) {
    problems.push({ code: p.code, message: `header ${p.index + 1} of the bundle (block ${start + p.index}) ${HEADER_MESSAGES[p.code]}` });
  }
  if (input.freshness) problems.push(...checkFreshness(headers, start, input.freshness));
  const found = 'code' in proof ? null : anchor(proof, headers, start);
  if (found && 'code' in found) problems.push(found);
  if (problems.length > 0 || !found || 'code' in found) return { ok: false, problems };
  return {
    ok: true,
    bounds: {
      ...(input.freshness ? { notBefore: blockRef(headers[0]!, start) } : {}),
      notAfter: blockRef(found.header, found.height),
    },
  };
}

/** The bounds in a sentence, for the CLI and the site. */
export function describeBounds(bounds: TimeBounds): string {
  const b = `block ${bounds.notAfter.height} (${bounds.notAfter.time})`;
  return bounds.notBefore ? `issued between block ${bounds.notBefore.height} (${bounds.notBefore.time}) and ${b}` : `existed by ${b}`;
}

/**
 * A proof as a reader finds it: anchored (verified with its bundle), pending (a proof of
 * this document whose bundle is not there yet: the calendars have not put it in a block,
 * or the publish job has not fetched the headers), or invalid. Pending is not a failure:
 * it proves nothing yet, as no proof at all proves nothing; a proof of another document,
 * or one that cannot be read, is a failure with or without its bundle.
 */
export type ProofStatus =
  | { status: 'anchored'; bounds: TimeBounds }
  | { status: 'pending'; /** A Bitcoin attestation is there, its headers are not. */ bitcoin: boolean }
  | { status: 'invalid'; problems: OtsProblem[] };

export function judgeProof(input: Omit<TimestampInput, 'headers'> & { headers?: string | undefined }, opts: { minimumBits?: number } = {}): ProofStatus {
  if (input.headers !== undefined) {
    const check = verifyTimestamp({ ...input, headers: input.headers }, opts);
    return check.ok ? { status: 'anchored', bounds: check.bounds } : { status: 'invalid', problems: check.problems };
  }
  const proof = readProof(input.ots);
  const problems = 'code' in proof ? [proof] : documentProblems(proof, input.document);
  if ('code' in proof || problems.length > 0) return { status: 'invalid', problems };
  return { status: 'pending', bitcoin: leaves(proof.timestamp).some((l) => l.attestation.kind === 'bitcoin') };
}

/** "207fffff" or "0x207fffff": an nBits value; null for anything else. */
export function parseMinimumBits(value: string): number | null {
  return /^(0x)?[0-9a-fA-F]{8}$/.test(value) ? Number.parseInt(value.replace(/^0x/, ''), 16) : null;
}

/** nBits as written in flags and files: 8 lowercase hex digits. */
export const bitsHex = (bits: number): string => bits.toString(16).padStart(8, '0');

/** True when `bits` accepts easier headers than the pinned floor: only a test network's are that cheap. */
export function isLoweredFloor(bits: number): boolean {
  const [target, pinned] = [targetFromBits(bits), targetFromBits(DEFAULT_MINIMUM_BITS)!];
  return target === null || target > pinned;
}
