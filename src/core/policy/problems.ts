import { allProblems, ContentError, type CandorError, type ContentErrorCode } from '../errors.ts';

/** A finding of `candor check`: errors fail the check; warnings and notes are shown. */
export interface Problem {
  level: 'error' | 'warning' | 'note';
  code: string;
  file: string;
  field?: string;
  message: string;
  hint?: string;
}

/**
 * A file that failed to parse, as problems (every one it carries): the rest of the
 * content still loads. The message is the error's body: file and field are said once,
 * by whoever prints the problem.
 */
export function problemsFromError(error: CandorError, file: string): Problem[] {
  return allProblems(error).map((e) => ({
    level: 'error',
    code: e.code,
    file: e.details.file ?? file,
    message: e.body,
    ...(e.details.field ? { field: e.details.field } : {}),
    ...(e.hint ? { hint: e.hint } : {}),
  }));
}

/** One line for a problem inside another message: code, field and summary. */
export function problemLine(p: Problem): string {
  return `${p.code}: ${p.field ? `${p.field}: ` : ''}${p.message.split('\n')[0]}`;
}

/** The problems of one file as an error again (a command that needs the file stops on them), each said once. */
export function errorFromProblems(problems: Problem[]): ContentError {
  const toError = (p: Problem) =>
    new ContentError(p.code as ContentErrorCode, p.message, { file: p.file, ...(p.field ? { field: p.field } : {}), ...(p.hint ? { hint: p.hint } : {}) });
  const [first, ...rest] = problems;
  const head = toError(first!);
  return new ContentError(head.code, head.summary, head.details, rest.map(toError));
}

export function problem(level: Problem['level'], code: string, file: string, message: string, extra: { field?: string; hint?: string } = {}): Problem {
  return { level, code, file, message, ...extra };
}
