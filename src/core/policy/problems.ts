/** A finding of `candor check`: errors fail the check; warnings and notes are shown. */
export interface Problem {
  level: 'error' | 'warning' | 'note';
  code: string;
  file: string;
  field?: string;
  message: string;
  hint?: string;
}

export function problem(level: Problem['level'], code: string, file: string, message: string, extra: { field?: string; hint?: string } = {}): Problem {
  return { level, code, file, message, ...extra };
}
