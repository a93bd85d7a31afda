/**
 * The OpenTimestamps proofs of the current attestation and heartbeat as the site shows
 * them (/canary/, /canary/status.json) and serves them (/canary.txt.ots, …; docs/timestamps.md):
 * checked at build by the same offline verifier as `candor verify`, against the floor the
 * build used. A floor below the pinned one is always said beside the bounds it produced.
 */
import { bitsHex, DEFAULT_MINIMUM_BITS, isLoweredFloor, type ProofStatus } from '../ots/verify.ts';
import { underBase } from './base-path.ts';

export type ProofState = ProofStatus | { status: 'none' };

export interface SiteProof {
  /** The stable path of the document the proof is for. */
  path: '/canary.txt' | '/heartbeat.txt';
  state: ProofState;
  /** Whether the .ots-headers file is published beside the .ots. */
  headers: boolean;
}

export interface SiteTimestamps {
  /** The difficulty floor the build checked the headers against (nBits). */
  minimumBits: number;
  attestation: SiteProof;
  heartbeat?: SiteProof;
}

/**
 * Said beside bounds checked against another floor than the pinned one; none for the
 * pinned floor. A lowered floor is a test network's: anyone can mine such headers.
 */
export function floorNote(bits: number): string | undefined {
  if (bits === DEFAULT_MINIMUM_BITS) return undefined;
  if (isLoweredFloor(bits))
    return `Checked against a test-network difficulty floor (nBits ${bitsHex(bits)}), not the pinned Bitcoin floor (${bitsHex(DEFAULT_MINIMUM_BITS)}): anyone can mine such headers, so these bounds prove nothing about Bitcoin.`;
  return `Checked against a stricter difficulty floor (nBits ${bitsHex(bits)}) than the pinned one (${bitsHex(DEFAULT_MINIMUM_BITS)}).`;
}

/** What status.json says of one proof: its state, its files, and the blocks or the problems. */
function proofJson(proof: SiteProof, base: string): Record<string, unknown> {
  const { state } = proof;
  if (state.status === 'none') return { status: 'none' };
  const files = {
    url: underBase(base, `${proof.path}.ots`),
    headersUrl: proof.headers ? underBase(base, `${proof.path}.ots-headers`) : null,
  };
  if (state.status === 'anchored') return { status: 'anchored', ...files, notBefore: state.bounds.notBefore ?? null, notAfter: state.bounds.notAfter };
  if (state.status === 'pending') return { status: 'pending', ...files, inBitcoinBlock: state.bitcoin };
  return { status: 'invalid', ...files, problems: state.problems.map((p) => ({ code: p.code, message: p.message })) };
}

/** The `timestamps` field of /canary/status.json. */
export function timestampsJson(t: SiteTimestamps, base: string): Record<string, unknown> {
  return {
    minimumBits: bitsHex(t.minimumBits),
    testFloor: isLoweredFloor(t.minimumBits),
    attestation: proofJson(t.attestation, base),
    heartbeat: t.heartbeat ? proofJson(t.heartbeat, base) : null,
  };
}
