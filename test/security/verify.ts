/**
 * Shared verification call for the attack tests: the world's keys and pins, a fixed clock.
 * Every attack is verified twice, through openpgp.js alone and through the fast path the
 * CLI uses (node:crypto, decision 0005), and both must give the same result.
 */
import { expect } from 'vitest';
import { verifyCanary, type VerifyInput, type VerifyResult } from '../../src/core/verify/verify-canary.ts';
import type { ReasonCode } from '../../src/core/verify/reasons.ts';
import { nodeCrypto } from '../../src/io/node-crypto.ts';
import { HOUR, at, type World } from '../helpers/world.ts';

export const SKEW = 300;
/** Two hours after T0: inside every default attestation and the default heartbeat. */
export const NOW = at(2 * HOUR);

export interface Checked extends VerifyResult {
  codes: ReasonCode[];
}

export async function check(w: World, input: Partial<VerifyInput> & { attestation: string }, now: Date = NOW): Promise<Checked> {
  const full = { keys: w.keys, pins: w.pins, ...input };
  const result = await verifyCanary(full, { now, skewSeconds: SKEW });
  const fast = await verifyCanary({ ...full, crypto: nodeCrypto }, { now, skewSeconds: SKEW });
  expect(fast, 'the fast path (node:crypto) and openpgp.js disagree').toEqual(result);
  return { ...result, codes: result.reasons.map((r) => r.code) };
}
