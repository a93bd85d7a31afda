/**
 * Proof of freshness: a Bitcoin block hash some blocks deep, agreed by several
 * independent explorers, and optionally dated news headlines. Pure: the clock and
 * all network answers come in as parameters, so a verifier can re-run these rules.
 */
import { FreshnessError } from './errors.ts';

export interface BitcoinProof {
  chain: 'bitcoin';
  height: number;
  hash: string;
  /** Blocks on top of this one at the lowest tip the sources reported. */
  depth: number;
  /** Block timestamp, ISO-8601 UTC `YYYY-MM-DDTHH:MM:SSZ`. */
  time: string;
  /** Names of the sources that agreed. */
  sources: string[];
}
export interface Headline {
  source: string;
  title: string;
  url: string;
  published: string;
}
export interface FreshnessProof {
  bitcoin?: BitcoinProof;
  headlines?: Headline[];
}
export interface BlockObservation {
  source: string;
  height: number;
  hash: string;
  time: string;
}
export interface FreshnessProblem {
  code: string;
  message: string;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
// Proof of work makes every real block hash start with zeros; 8 hex zeros is far below
// today's difficulty yet rules out made-up or hand-typed values.
const BLOCK_HASH = /^0{8}[0-9a-f]{56}$/;
const BITCOIN_KEYS = ['chain', 'height', 'hash', 'depth', 'time', 'sources'];
const HEADLINE_KEYS = ['source', 'title', 'url', 'published'];
const HOUR_MS = 3_600_000;

/** Formats an instant the way proofs store it: UTC, whole seconds. */
export function toIsoUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** True for `YYYY-MM-DDTHH:MM:SSZ` naming a real calendar instant (no 30 February). */
export function isIsoUtc(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_UTC.test(value)) return false;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && toIsoUtc(date) === value;
}

export function isBlockHash(value: unknown): value is string {
  return typeof value === 'string' && BLOCK_HASH.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isInt = (v: unknown, min: number): boolean => Number.isSafeInteger(v) && (v as number) >= min;
const isText = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

const malformed = (field: string, expected: string): FreshnessProblem => ({
  code: 'FRESHNESS_MALFORMED',
  message: `${field ? `freshness.${field}` : 'freshness'}: expected ${expected}`,
});

function unknownKeys(value: Record<string, unknown>, allowed: string[], field: string): FreshnessProblem[] {
  return Object.keys(value)
    .filter((key) => !allowed.includes(key))
    .map((key) => malformed(field ? `${field}.${key}` : key, `no such property (allowed: ${allowed.join(', ')})`));
}

function checkBitcoin(value: unknown): FreshnessProblem[] {
  if (!isRecord(value)) return [malformed('bitcoin', 'an object')];
  const problems = unknownKeys(value, BITCOIN_KEYS, 'bitcoin');
  const rules: [string, boolean, string][] = [
    ['chain', value.chain === 'bitcoin', '"bitcoin"'],
    // A height alone is predictable, so the hash is what proves the date.
    ['hash', isBlockHash(value.hash), '64 lowercase hex digits starting with 8 zeros'],
    ['height', isInt(value.height, 0), 'a non-negative integer'],
    ['depth', isInt(value.depth, 1), 'an integer >= 1'],
    ['time', isIsoUtc(value.time), 'an instant like 2026-06-03T02:51:46Z'],
    ['sources', Array.isArray(value.sources) && value.sources.length > 0 && value.sources.every(isText), 'one or more source names'],
  ];
  for (const [field, ok, expected] of rules) if (!ok) problems.push(malformed(`bitcoin.${field}`, expected));
  return problems;
}

function checkHeadline(value: unknown, index: number): FreshnessProblem[] {
  const at = `headlines[${index}]`;
  if (!isRecord(value)) return [malformed(at, 'an object')];
  const problems = unknownKeys(value, HEADLINE_KEYS, at);
  if (!isText(value.source)) problems.push(malformed(`${at}.source`, 'a non-empty feed name'));
  if (!isText(value.title)) problems.push(malformed(`${at}.title`, 'a non-empty title'));
  if (!isHttpUrl(value.url)) problems.push(malformed(`${at}.url`, 'an http(s) URL'));
  if (!isIsoUtc(value.published)) problems.push(malformed(`${at}.published`, 'an instant like 2026-06-03T02:51:46Z'));
  return problems;
}

function checkHeadlines(value: unknown): FreshnessProblem[] {
  // An empty list proves nothing; a proof without headlines omits the property.
  if (!Array.isArray(value) || value.length === 0) return [malformed('headlines', 'a non-empty list')];
  return value.flatMap(checkHeadline);
}

/**
 * Structural problems with a proof. When `required`, the Bitcoin block is what is
 * required: headlines alone cannot be checked once the feeds have moved on.
 */
export function checkFreshnessShape(proof: unknown, opts: { required: boolean }): FreshnessProblem[] {
  const missing = { code: 'FRESHNESS_MISSING', message: 'freshness: no Bitcoin block proof' };
  if (proof === undefined || proof === null) return opts.required ? [missing] : [];
  if (!isRecord(proof)) return [malformed('', 'an object')];
  const problems = unknownKeys(proof, ['bitcoin', 'headlines'], '');
  if (proof.bitcoin !== undefined) problems.push(...checkBitcoin(proof.bitcoin));
  else if (opts.required) problems.push(missing);
  if (proof.headlines !== undefined) problems.push(...checkHeadlines(proof.headlines));
  return problems;
}

function checkWindow(label: string, time: string, issued: Date, maxAgeHours: number, codes: [string, string]): FreshnessProblem[] {
  const at = Date.parse(time);
  if (Number.isNaN(at)) return [malformed(label, 'a valid instant')];
  if (at > issued.getTime()) return [{ code: codes[0], message: `freshness.${label}: ${time} is after the issue time ${toIsoUtc(issued)}` }];
  const oldest = issued.getTime() - maxAgeHours * HOUR_MS;
  if (at < oldest) return [{ code: codes[1], message: `freshness.${label}: ${time} is more than ${maxAgeHours} h before the issue time ${toIsoUtc(issued)}` }];
  return [];
}

/** Every dated item must fall within [issued - window, issued], both ends included. */
export function checkFreshnessTimes(proof: FreshnessProof, opts: { issued: Date; maxBlockAgeHours: number; headlineMaxAgeHours: number }): FreshnessProblem[] {
  const problems: FreshnessProblem[] = [];
  if (proof.bitcoin) {
    const codes: [string, string] = ['FRESHNESS_BLOCK_TOO_NEW', 'FRESHNESS_BLOCK_TOO_OLD'];
    problems.push(...checkWindow('bitcoin.time', proof.bitcoin.time, opts.issued, opts.maxBlockAgeHours, codes));
  }
  const codes: [string, string] = ['FRESHNESS_HEADLINE_TOO_NEW', 'FRESHNESS_HEADLINE_TOO_OLD'];
  (proof.headlines ?? []).forEach((headline, i) => {
    problems.push(...checkWindow(`headlines[${i}].published`, headline.published, opts.issued, opts.headlineMaxAgeHours, codes));
  });
  return problems;
}

const describeObservation = (o: BlockObservation): string => `${o.source}: ${o.height} ${o.hash} ${o.time}`;

/**
 * The block every source saw. Any difference (hash, height or time) is an error, never
 * settled by majority: a source that lies or lags must be looked at by a person.
 */
export function agreeOnBlock(observations: BlockObservation[], opts: { minSources: number }): Omit<BitcoinProof, 'depth'> {
  const [first] = observations;
  const differs = (o: BlockObservation): boolean => o.hash !== first?.hash || o.height !== first.height || o.time !== first.time;
  if (first && observations.some(differs)) {
    throw new FreshnessError('SOURCES_DISAGREE', 'the block explorers report different blocks', {
      field: 'bitcoin',
      expected: 'the same height, hash and time from every source',
      received: observations.map(describeObservation),
      hint: 'retry later; if it persists, one explorer is wrong or compromised: check it and remove it from the configuration',
    });
  }
  // Independence is counted by name: one explorer asked twice is still one witness.
  const sources = [...new Set(observations.map((o) => o.source))];
  if (!first || sources.length < Math.max(1, opts.minSources)) {
    throw new FreshnessError('NOT_ENOUGH_SOURCES', 'too few block explorers answered', {
      field: 'bitcoin.sources',
      expected: `at least ${opts.minSources} independent sources`,
      received: sources,
      hint: 'check network access to the explorers, or configure more explorers',
    });
  }
  return { chain: 'bitcoin', height: first.height, hash: first.hash, time: first.time, sources };
}
