/**
 * Timing helpers for scripts/bench.ts. Everything is reported as the median of
 * several runs after a warm-up: the first run pays for disk caches, the compile
 * cache and JIT, which is not what a repeated verifier pays.
 */
import { spawnSync } from 'node:child_process';

export interface Measurement {
  label: string;
  /** Median wall time of the runs, in milliseconds. */
  ms: number;
  min: number;
  max: number;
  runs: number;
}

export interface MeasureOptions {
  /** Untimed runs first (default 1). */
  warmup?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` `runs` times after the warm-up and returns the median wall time. */
export async function measure(label: string, fn: () => unknown, runs: number, opts: MeasureOptions = {}): Promise<Measurement> {
  for (let i = 0; i < (opts.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return { label, ms: median(times), min: Math.min(...times), max: Math.max(...times), runs };
}

export interface Task {
  label: string;
  fn: () => unknown;
}

/**
 * Like measure(), for several tasks run in rounds (A B C, A B C, ...): on a shared
 * machine the load drifts, and interleaving lets each task see the same drift, so the
 * ratios between them stay honest even when absolute times wander.
 */
export async function measureRounds(tasks: Task[], runs: number, opts: MeasureOptions = {}): Promise<Measurement[]> {
  for (let i = 0; i < (opts.warmup ?? 1); i++) for (const t of tasks) await t.fn();
  const times = tasks.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [j, t] of tasks.entries()) {
      const started = performance.now();
      await t.fn();
      times[j]!.push(performance.now() - started);
    }
  }
  return tasks.map((t, j) => ({ label: t.label, ms: median(times[j]!), min: Math.min(...times[j]!), max: Math.max(...times[j]!), runs }));
}

export interface ProcessResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a process to completion (synchronously: nothing else in the bench should run
 * meanwhile and compete for the two cores). Throws when the exit code is not `expect`,
 * because timing a command that failed measures nothing.
 */
export interface ProcessOptions {
  env?: Record<string, string>;
  input?: string;
  /** The exit code that counts as success (default 0); 'any' when the caller checks the output. */
  expect?: number | 'any';
}

export function runProcess(cmd: string, args: string[], opts: ProcessOptions = {}): ProcessResult {
  const result = spawnSync(cmd, args, {
    env: { ...process.env, LC_ALL: 'C', ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const status = result.status ?? 128;
  if (opts.expect !== 'any' && status !== (opts.expect ?? 0)) {
    throw new Error(`${cmd} ${args.join(' ')}: exit ${status}, expected ${opts.expect ?? 0}\n${result.stderr.slice(0, 2000)}${result.stdout.slice(0, 2000)}`);
  }
  return { status, stdout: result.stdout, stderr: result.stderr };
}

/** A whole process as a task: wall time including start-up. */
export function processTask(label: string, cmd: string, args: string[], opts: ProcessOptions = {}): Task {
  return { label, fn: () => runProcess(cmd, args, opts) };
}

export const fmtMs = (ms: number): string =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
export const fmtRatio = (r: number): string => `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;

/** A plain text table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
