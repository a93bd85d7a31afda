/**
 * `candor verify`'s timestamps: when a local canary file has a proof beside it
 * (FILE.ots and FILE.ots-headers, docs/timestamps.md), the offline time bounds, or why
 * the proof fails. Kept apart from the verdict: a proof present and failing makes the run
 * invalid (it fails closed), a missing proof changes nothing.
 */
import { UsageError } from '../../core/errors.ts';
import { describeBounds, type TimeBounds, type OtsProblem } from '../../core/ots/verify.ts';
import { exists } from '../../io/files.ts';
import { checkTimestampFiles } from '../../io/timestamps.ts';

export interface TimestampFlags {
  heartbeat?: string;
  minimumBits?: string;
}

export type TimestampReport = { subject: 'attestation' | 'heartbeat'; file: string } & (
  { ok: true; bounds: TimeBounds } | { ok: false; problems: OtsProblem[] }
);

/** `--minimum-bits 207fffff`: a lower floor for test networks only (docs/timestamps.md). */
export function parseBits(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0x)?[0-9a-fA-F]{8}$/.test(value))
    throw new UsageError('USAGE', 'not an nBits value', { field: '--minimum-bits', expected: '8 hex digits, e.g. 170fffff', received: value });
  return Number.parseInt(value.replace(/^0x/, ''), 16);
}

const isLocal = (target: string | undefined): target is string => target !== undefined && !/^https?:\/\//i.test(target);

/** The proofs found beside the attestation and the heartbeat, each checked offline. */
export async function checkTimestamps(target: string | undefined, flags: TimestampFlags): Promise<TimestampReport[]> {
  const minimumBits = parseBits(flags.minimumBits);
  const reports: TimestampReport[] = [];
  for (const [subject, file] of [
    ['attestation', target],
    ['heartbeat', flags.heartbeat],
  ] as const) {
    if (!isLocal(file) || !(await exists(file))) continue;
    const result = await checkTimestampFiles(file, minimumBits ? { minimumBits } : {});
    if (!result.present) continue;
    reports.push(result.ok ? { subject, file, ok: true, bounds: result.bounds } : { subject, file, ok: false, problems: result.problems });
  }
  return reports;
}

export function timestampLines(reports: TimestampReport[]): string[] {
  return reports.flatMap((r) =>
    r.ok
      ? [`Timestamp (${r.subject}): ${describeBounds(r.bounds)}`]
      : [`Timestamp (${r.subject}): INVALID`, ...r.problems.map((p) => `  ${p.code}: ${p.message}`)],
  );
}
