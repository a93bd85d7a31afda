import type { CandorError } from '../errors.ts';

/** A finding of `candor check`: errors fail the check; warnings and notes are shown. */
export interface Problem {
  level: 'error' | 'warning' | 'note';
  code: string;
  file: string;
  field?: string;
  message: string;
  hint?: string;
}

/** A file that failed to parse, as a problem: the rest of the content still loads. */
export function problemFromError(error: CandorError, file: string): Problem {
  return { level: 'error', code: error.code, file, message: error.message, ...(error.details.field ? { field: error.details.field } : {}), ...(error.hint ? { hint: error.hint } : {}) };
}

export function problem(level: Problem['level'], code: string, file: string, message: string, extra: { field?: string; hint?: string } = {}): Problem {
  return { level, code, file, message, ...extra };
}
