/**
 * A verifier's memory between runs (`--state FILE`): the pins, the last attestation
 * seen (whole, for statement comparison) and the last heartbeat's sequence and hash.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from '../core/errors.ts';
import type { VerifyResult } from '../core/verify/verify-canary.ts';
import { writeFileAtomic } from './files.ts';

const stateSchema = z.strictObject({
  version: z.literal(1),
  pins: z.array(z.string().regex(/^[0-9A-F]{40}$/)),
  attestation: z.string().optional(),
  heartbeat: z.strictObject({ sequence: z.int(), hash: z.string() }).optional(),
  /** The highest signer threshold seen: a later attestation may not quietly lower it. */
  minSigners: z.int().min(1).optional(),
  checkedAt: z.string().optional(),
});
export type VerifyState = z.infer<typeof stateSchema>;

export async function readState(file: string): Promise<VerifyState | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const result = stateSchema.safeParse(JSON.parse(text));
  if (!result.success) throw new UsageError('INPUT_UNREADABLE', 'not a candor verify state file', { file, received: result.error.issues[0]?.message });
  return result.data;
}

/** Only a signed, non-invalid result moves the state forward: a forgery must not become the new baseline. */
export async function advanceState(file: string, previous: VerifyState | undefined, result: VerifyResult, signedAttestation: string, pins: string[]): Promise<void> {
  if (result.verdict === 'invalid' || !result.attestation) return;
  const state: VerifyState = {
    version: 1,
    pins: [...new Set([...(previous?.pins ?? []), ...pins])],
    attestation: signedAttestation,
    minSigners: Math.max(previous?.minSigners ?? 1, result.attestation.data.signers.threshold),
    checkedAt: result.checkedAt,
    ...(result.heartbeat ? { heartbeat: { sequence: result.heartbeat.data.sequence, hash: result.heartbeat.hash } } : previous?.heartbeat ? { heartbeat: previous.heartbeat } : {}),
  };
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}
