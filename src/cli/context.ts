/** What every command gets: where the project is, the clock, the environment, output streams. */
import { UsageError } from '../core/errors.ts';
import { projectAt, type Project } from '../io/project.ts';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export interface Context {
  project: Project;
  env: NodeJS.ProcessEnv;
  io: Output;
  /** The clock: --now, else CANDOR_NOW, else the system time. Injected everywhere below. */
  now: Date;
}

export function parseNow(value: string | undefined, fallback: Date): Date {
  if (!value) return fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    throw new UsageError('USAGE', 'not a date', { field: '--now', expected: 'an ISO-8601 instant such as 2026-11-23T12:00:00Z', received: value });
  }
  return date;
}

export function makeContext(opts: { root?: string; now?: string }, env: NodeJS.ProcessEnv, io: Output, systemNow: Date): Context {
  return { project: projectAt(opts.root ?? env['CANDOR_ROOT'] ?? '.'), env, io, now: parseNow(opts.now ?? env['CANDOR_NOW'], systemNow) };
}
