/**
 * A verifier's memory between runs (`--state FILE`, decision 0009): the service it
 * watches, its pins and what each is for, the heartbeat keys it has seen, the last
 * attestation (whole, for statement comparison), the last heartbeat, the highest signer
 * threshold, and a trip that stays until the person running the verifier acknowledges it.
 *
 * It fails closed: only a missing file means "first run". A file that exists but cannot be
 * read or understood stops the run, because forgetting would quietly weaken every check.
 */
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { jsonReason, systemReason, UsageError } from '../core/errors.ts';
import { LIMITS } from '../core/verify/limits.ts';
import { checkpointToRemember } from '../core/verify/log.ts';
import { REASONS } from '../core/verify/reasons.ts';
import type { TripRecord, VerifyResult } from '../core/verify/verify-canary.ts';
import { writeFileAtomic } from './files.ts';

const fingerprint = z.string().regex(/^[0-9A-F]{40}$/);
const trip = z.strictObject({
  since: z.string(),
  sequence: z.int(),
  hash: z.string(),
  reasons: z.array(z.strictObject({ code: z.string(), message: z.string() })),
});
const heartbeat = z.strictObject({ sequence: z.int(), hash: z.string() });

const stateV1 = z.strictObject({
  version: z.literal(1),
  pins: z.array(fingerprint),
  attestation: z.string().optional(),
  heartbeat: heartbeat.optional(),
  minSigners: z.int().min(1).optional(),
  checkedAt: z.string().optional(),
});

const stateV2 = z.strictObject({
  version: z.literal(2),
  /** The service the adopted attestations are for: another service's canary is SERVICE_MISMATCH. */
  service: z.string().optional(),
  /** Signer pins (people). Never a heartbeat key, never a key fetched from the site. */
  signers: z.array(fingerprint),
  /** Heartbeat keys accepted as attestation signers (--automated): a single-layer canary, accepted. */
  automated: z.array(fingerprint),
  /** Every heartbeat key a verified attestation named: never a signer pin afterwards. */
  heartbeatKeys: z.array(fingerprint),
  attestation: z.string().optional(),
  heartbeat: heartbeat.optional(),
  /** The highest signer threshold seen (or what --min-signers last set): a later attestation may not quietly lower it. */
  minSigners: z.int().min(1).optional(),
  /** A trip seen and not yet acknowledged (--acknowledge). */
  tripped: trip.optional(),
  /** Trips acknowledged, latest last. */
  acknowledged: z.array(trip.extend({ acknowledgedAt: z.string() })).optional(),
  /** The newest canary-log checkpoint seen (signed, as served): the next one must extend it (decision 0031). */
  log: z.strictObject({ checkpoint: z.string() }).optional(),
  checkedAt: z.string().optional(),
});
export type VerifyState = z.infer<typeof stateV2>;

const KEPT_ACKNOWLEDGEMENTS = 20;

function unreadable(file: string, received: string, cause?: unknown): UsageError {
  return new UsageError('STATE_UNREADABLE', 'the state file exists but cannot be used', {
    file,
    expected: 'a state file written by candor verify --state',
    received,
    cause,
    hint: "A verifier must not forget what it has seen, so this run stops. Fix the file's permissions or restore it from a backup; delete it only to start over (the next run is then a first run, with nothing to compare against). See README.md#verifying-a-canary.",
  });
}

/** At most `max` bytes of a file, or null when it does not exist. */
async function readBounded(file: string, max: number): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw unreadable(file, systemReason((error as NodeJS.ErrnoException).code), error);
  }
  try {
    const buffer = Buffer.alloc(max + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > max) throw unreadable(file, `more than ${max} bytes`);
    }
    return buffer.subarray(0, size).toString('utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw unreadable(file, systemReason((error as NodeJS.ErrnoException).code), error);
  } finally {
    await handle.close();
  }
}

/** The state, or undefined when the file does not exist (a first run). Anything else that is wrong stops the run. */
export async function readState(file: string): Promise<VerifyState | undefined> {
  const text = await readBounded(file, LIMITS.stateFileBytes);
  if (text === null) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw unreadable(file, jsonReason(error), error);
  }
  const v2 = stateV2.safeParse(raw);
  if (v2.success) return v2.data;
  const v1 = stateV1.safeParse(raw);
  if (v1.success) {
    const { pins, version: _, ...rest } = v1.data;
    return { ...rest, version: 2, signers: pins, automated: [], heartbeatKeys: [] };
  }
  const issue = v2.error.issues[0];
  throw unreadable(file, `not a candor verify state file (${issue ? `${issue.path.join('.') || 'the file'}: ${issue.message}` : 'unknown shape'})`);
}

/** What this run adds to the state's trust: the pins it was given, for their purpose. */
export interface RunTrust {
  signedAttestation: string;
  pins: string[];
  automated: string[];
  /** --min-signers, when given: it replaces the state's floor (to lower it, it must be said). */
  minSignersFlag?: number;
  acknowledge: boolean;
}

function tripOf(result: VerifyResult): TripRecord | undefined {
  const reasons = result.reasons.filter((r) => REASONS[r.code] === 'tripped' && r.code !== 'STATE_TRIPPED');
  if (reasons.length === 0 || !result.attestation) return undefined;
  return {
    since: result.checkedAt,
    sequence: result.attestation.data.sequence,
    hash: result.attestation.hash,
    reasons: reasons.map((r) => ({ code: r.code, message: r.message })),
  };
}

const union = (...lists: (string[] | undefined)[]) => [...new Set(lists.flatMap((l) => l ?? []))].sort();

/**
 * The state after this run, or undefined when nothing changes. An invalid result moves
 * nothing forward (a forgery must not become the baseline); a tripped one becomes the
 * baseline but stays marked as tripped until acknowledged.
 */
export function nextState(previous: VerifyState | undefined, result: VerifyResult, run: RunTrust): VerifyState | undefined {
  const acknowledged =
    run.acknowledge && previous?.tripped
      ? [...(previous.acknowledged ?? []), { ...previous.tripped, acknowledgedAt: result.checkedAt }].slice(-KEPT_ACKNOWLEDGEMENTS)
      : previous?.acknowledged;
  const openTrip = run.acknowledge ? undefined : previous?.tripped;
  if (result.verdict === 'invalid' || !result.attestation) {
    if (!previous || !(run.acknowledge && previous.tripped)) return undefined;
    const { tripped: _, ...rest } = previous;
    return { ...rest, ...(acknowledged ? { acknowledged } : {}) };
  }
  const a = result.attestation.data;
  const heartbeatKeys = union(
    previous?.heartbeatKeys,
    a.heartbeat.keys.map((k) => k.fingerprint),
  );
  const tripped = openTrip ?? tripOf(result);
  const floor = run.minSignersFlag ?? previous?.minSigners ?? 1;
  const heartbeat = result.heartbeat ? { sequence: result.heartbeat.data.sequence, hash: result.heartbeat.hash } : previous?.heartbeat;
  // A fork keeps the checkpoint seen before it: the evidence, and what the next run must still extend (the browser's rule too).
  const checkpoint = checkpointToRemember(previous?.log?.checkpoint, result);
  const log = checkpoint ? { checkpoint } : undefined;
  return {
    version: 2,
    service: a.service.url,
    signers: union(previous?.signers, run.pins).filter((f) => !heartbeatKeys.includes(f)),
    automated: union(previous?.automated, run.automated),
    heartbeatKeys,
    attestation: run.signedAttestation,
    ...(heartbeat ? { heartbeat } : {}),
    minSigners: Math.max(floor, a.signers.threshold),
    ...(tripped ? { tripped } : {}),
    ...(acknowledged ? { acknowledged } : {}),
    ...(log ? { log } : {}),
    checkedAt: result.checkedAt,
  };
}

/** Writes the next state atomically (temporary file, fsync, rename): a crash leaves the old one whole. */
export async function advanceState(file: string, previous: VerifyState | undefined, result: VerifyResult, run: RunTrust): Promise<void> {
  const state = nextState(previous, result, run);
  if (state) await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
