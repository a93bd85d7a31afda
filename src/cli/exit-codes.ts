/** Exit codes (README "Exit codes"). Verdicts first, then sysexits-style failures. */
import { ContentError, FreshnessError, NotifyError, SigningError, UsageError, isCandorError } from '../core/errors.ts';
import { TimestampError } from '../core/ots/errors.ts';
export { VERDICT_EXIT } from '../core/verify/reasons.ts';
export { WATCH_EXIT } from '../core/watch/transition.ts';

export const EXIT = {
  ok: 0,
  usage: 64,
  dataError: 65,
  unavailable: 69,
  software: 70,
  tempFail: 75,
  noPermission: 77,
} as const;

export function exitCodeFor(error: unknown): number {
  // Another candor watch holds the state folder: try again later (EX_TEMPFAIL).
  if (error instanceof UsageError && error.code === 'STATE_LOCKED') return EXIT.tempFail;
  if (error instanceof UsageError)
    return error.code === 'FETCH_FAILED'
      ? EXIT.unavailable
      : error.code === 'INPUT_UNREADABLE' || error.code === 'STATE_UNREADABLE'
        ? EXIT.dataError
        : EXIT.usage;
  if (error instanceof FreshnessError) return EXIT.unavailable;
  // Calendars or explorers that did not answer: try again later; a proof that fails is data.
  if (error instanceof TimestampError) return error.code === 'TIMESTAMP_INVALID' || error.code === 'TIMESTAMP_MISSING' ? EXIT.dataError : EXIT.unavailable;
  if (error instanceof SigningError)
    return ['PASSPHRASE_MISSING', 'PASSPHRASE_WRONG', 'LOG_KEY_MISSING'].includes(error.code) ? EXIT.noPermission : EXIT.dataError;
  if (error instanceof ContentError) return EXIT.dataError;
  // Another run holds the ledger: try again later (EX_TEMPFAIL).
  if (error instanceof NotifyError && error.code === 'LEDGER_LOCKED') return EXIT.tempFail;
  return isCandorError(error) ? EXIT.dataError : EXIT.software;
}
