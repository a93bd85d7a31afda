/**
 * `candor verify`'s timestamp lines: when a local canary file has a proof beside it
 * (FILE.ots and FILE.ots-headers, docs/timestamps.md), the offline time bounds, or why
 * the proof fails. Kept apart from the verdict: a proof present and failing makes the run
 * invalid (it fails closed), a missing proof changes nothing.
 */
import { UsageError } from '../../core/errors.ts';
import { describeBounds } from '../../core/ots/verify.ts';
import { exists } from '../../io/files.ts';
import { checkTimestampFiles } from '../../io/timestamps.ts';
import type { Context } from '../context.ts';

export interface TimestampFlags {
  heartbeat?: string;
  minimumBits?: string;
}

/** `--minimum-bits 207fffff`: a lower floor for test networks only (docs/timestamps.md). */
export function parseBits(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0x)?[0-9a-fA-F]{8}$/.test(value))
    throw new UsageError('USAGE', 'not an nBits value', { field: '--minimum-bits', expected: '8 hex digits, e.g. 170fffff', received: value });
  return Number.parseInt(value.replace(/^0x/, ''), 16);
}

const isLocal = (target: string | undefined): target is string => target !== undefined && !/^https?:\/\//i.test(target);

/** Prints a line per proof found; true when one is present and does not verify. */
export async function printTimestamps(target: string | undefined, flags: TimestampFlags, ctx: Context): Promise<boolean> {
  const minimumBits = parseBits(flags.minimumBits);
  let failed = false;
  for (const [label, file] of [
    ['attestation', target],
    ['heartbeat', flags.heartbeat],
  ] as const) {
    if (!isLocal(file) || !(await exists(file))) continue;
    const result = await checkTimestampFiles(file, minimumBits ? { minimumBits } : {});
    if (!result.present) continue;
    if (result.ok) ctx.io.out(`Timestamp (${label}): ${describeBounds(result.bounds)}`);
    else {
      failed = true;
      ctx.io.out(`Timestamp (${label}): INVALID`);
      for (const p of result.problems) ctx.io.out(`  ${p.code}: ${p.message}`);
    }
  }
  return failed;
}
