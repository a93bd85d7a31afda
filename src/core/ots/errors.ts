/**
 * Errors of the OpenTimestamps parts. A proof that cannot be read is an OtsFormatError;
 * a proof that reads but does not prove what it should is a problem with a code (see
 * verify.ts), never an exception.
 */
import { CandorError } from '../errors.ts';

export type OtsFormatErrorCode =
  | 'OTS_BAD_MAGIC'
  | 'OTS_BAD_VERSION'
  | 'OTS_TRUNCATED'
  | 'OTS_TRAILING_DATA'
  | 'OTS_MALFORMED'
  | 'OTS_UNKNOWN_OP'
  | 'OTS_OP_INVALID'
  | 'OTS_TOO_DEEP'
  | 'OTS_EMPTY';
export class OtsFormatError extends CandorError<OtsFormatErrorCode> {}

/** Talking to calendars and explorers for a timestamp did not work out. */
export type TimestampErrorCode = 'CALENDAR_FAILED' | 'NOT_ENOUGH_CALENDARS' | 'HEADERS_FAILED' | 'TIMESTAMP_INVALID' | 'TIMESTAMP_MISSING';
export class TimestampError extends CandorError<TimestampErrorCode> {}
