/**
 * A witness's typed errors (`candor witness`, docs/witness.md): a log it will not cosign
 * (a fork, a rollback, a bad signature or bad tiles), its own key or state it cannot use.
 * A refused log is the log's fault, never the witness's: the state is left as it was.
 */
import { CandorError } from '../errors.ts';

export type WitnessErrorCode =
  /** CANDOR_WITNESS_KEY is not set. */
  | 'WITNESS_KEY_MISSING'
  /** Not a `PRIVATE+KEY+…` cosignature (type 4) signer key. */
  | 'WITNESS_KEY_INVALID'
  /** keygen would overwrite a file. */
  | 'WITNESS_KEY_EXISTS'
  /** A per-log record that cannot be read: refused rather than taken as "never cosigned". */
  | 'WITNESS_STATE_INVALID'
  /** Another process holds the log's record for longer than the wait. */
  | 'WITNESS_STATE_LOCKED'
  /** The log's origin is not in the witness's list. */
  | 'LOG_NOT_WITNESSED'
  /** The checkpoint could not be fetched, or a tile it needs. */
  | 'LOG_UNREACHABLE'
  /** The checkpoint is not one the log's key signed for its origin. */
  | 'LOG_SIGNATURE_INVALID'
  /** The published tiles do not hash to the signed checkpoint's root: nothing to prove consistency with. */
  | 'LOG_TILES_INVALID'
  /** A smaller tree than the one this witness cosigned. */
  | 'LOG_ROLLBACK'
  /** Not an append-only extension of the checkpoint this witness cosigned: a split view. */
  | 'LOG_FORK';

export class WitnessError extends CandorError<WitnessErrorCode> {}

/** Exit status of `candor witness check` when a log is refused (a misbehaving or broken log). */
export const LOG_REFUSED_EXIT = 1;

export const WITNESS_DOCS = 'docs/witness.md';
