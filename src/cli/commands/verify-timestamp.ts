/**
 * `candor verify`'s timestamps: the OpenTimestamps proof of the attestation and of the
 * heartbeat (FILE.ots and FILE.ots-headers, docs/timestamps.md), beside a local file or
 * fetched from the site beside a URL, checked offline: the time bounds, "pending", or why
 * the proof fails. Kept apart from the verdict: a proof present and failing makes the run
 * invalid (it fails closed); a missing or pending proof changes nothing.
 */
import { UsageError } from '../../core/errors.ts';
import { describeBounds, parseMinimumBits, type OtsProblem, type TimeBounds } from '../../core/ots/verify.ts';
import { exists } from '../../io/files.ts';
import { fetchProofFiles, proofStatus, readProofFiles, type ProofFiles } from '../../io/timestamps.ts';
import { readFile } from 'node:fs/promises';

export interface TimestampFlags {
  heartbeat?: string;
  minimumBits?: string;
}

export type Subject = 'attestation' | 'heartbeat';

export type TimestampReport = { subject: Subject; file: string } & (
  | { status: 'anchored'; ok: true; bounds: TimeBounds }
  | { status: 'pending'; ok: false; bitcoin: boolean }
  | { status: 'invalid'; ok: false; problems: OtsProblem[] }
);

/** `--minimum-bits 207fffff`: a lower floor for test networks only (docs/timestamps.md). */
export function parseBits(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bits = parseMinimumBits(value);
  if (bits === null) throw new UsageError('USAGE', 'not an nBits value', { field: '--minimum-bits', expected: '8 hex digits, e.g. 170fffff', received: value });
  return bits;
}

/** Where a document's proof is: beside a local file, or beside its URL on the site. */
export interface ProofSource {
  subject: Subject;
  /** The file or URL, as the report names it. */
  file: string;
  document(): Promise<Uint8Array>;
  proofs(): Promise<ProofFiles | null>;
}

const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** A local file's proof, when the file is there (a missing file is the verifier's to report). */
export async function localSource(subject: Subject, file: string | undefined): Promise<ProofSource | undefined> {
  if (file === undefined || isUrl(file) || !(await exists(file))) return undefined;
  return { subject, file, document: async () => new Uint8Array(await readFile(file)), proofs: () => readProofFiles(file) };
}

/**
 * A fetched document's proof, at its URL plus .ots and .ots-headers, loaded with the run's
 * reader (the same limits, budget and time limit as the documents). The document checked is
 * the text the verifier judged.
 */
export function remoteSource(subject: Subject, url: string, text: string, load: (url: string) => Promise<Uint8Array | null>): ProofSource {
  return { subject, file: url, document: () => Promise.resolve(new TextEncoder().encode(text)), proofs: () => fetchProofFiles(url, load) };
}

/** Each source's proof, checked offline; a source without one is left out. */
export async function checkTimestamps(sources: ProofSource[], flags: TimestampFlags): Promise<TimestampReport[]> {
  const minimumBits = parseBits(flags.minimumBits);
  const reports: TimestampReport[] = [];
  for (const source of sources) {
    const status = await proofStatus(await source.document(), await source.proofs(), minimumBits ? { minimumBits } : {});
    const at = { subject: source.subject, file: source.file };
    if (status.status === 'anchored') reports.push({ ...at, status: 'anchored', ok: true, bounds: status.bounds });
    else if (status.status === 'pending') reports.push({ ...at, status: 'pending', ok: false, bitcoin: status.bitcoin });
    else if (status.status === 'invalid') reports.push({ ...at, status: 'invalid', ok: false, problems: status.problems });
  }
  return reports;
}

export const timestampFailed = (reports: TimestampReport[]): boolean => reports.some((r) => r.status === 'invalid');

function reportLines(r: TimestampReport): string[] {
  const head = `Timestamp (${r.subject}): `;
  if (r.status === 'anchored') return [head + describeBounds(r.bounds)];
  if (r.status === 'pending')
    return [
      head + (r.bitcoin ? 'pending (in a Bitcoin block; the block headers are not published yet)' : 'pending at the calendars (not in a Bitcoin block yet)'),
    ];
  return [`${head}INVALID`, ...r.problems.map((p) => `  ${p.code}: ${p.message}`)];
}

export function timestampLines(reports: TimestampReport[]): string[] {
  return reports.flatMap(reportLines);
}
