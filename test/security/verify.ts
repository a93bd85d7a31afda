/** Shared verification call for the attack tests: the world's keys and pins, a fixed clock. */
import { verifyCanary, type VerifyInput, type VerifyResult } from '../../src/core/verify/verify-canary.ts';
import type { ReasonCode } from '../../src/core/verify/reasons.ts';
import { HOUR, at, type World } from '../helpers/world.ts';

export const SKEW = 300;
/** Two hours after T0: inside every default attestation and the default heartbeat. */
export const NOW = at(2 * HOUR);

export interface Checked extends VerifyResult {
  codes: ReasonCode[];
}

export async function check(w: World, input: Partial<VerifyInput> & { attestation: string }, now: Date = NOW): Promise<Checked> {
  const result = await verifyCanary({ keys: w.keys, pins: w.pins, ...input }, { now, skewSeconds: SKEW });
  return { ...result, codes: result.reasons.map((r) => r.code) };
}
