/**
 * The `candor` command exactly as users and workflows run it: `bin/candor.mjs` in a child
 * process, on the project's Node (the one running the tests), with a clean environment.
 * CLI tests go through here, never through `run()` in-process (issue 10): what ships is
 * what is tested.
 *
 *   const r = await candor(['--root', dir, 'check'], { env: { CANDOR_PASSPHRASE: 'x' } });
 *   expect(r.code).toBe(0);
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const CANDOR_BIN = path.join(REPO, 'bin', 'candor.mjs');

export interface CandorResult {
  code: number;
  out: string;
  err: string;
}

export interface CandorOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/**
 * The test runner's environment without anything that would steer candor (CANDOR_*,
 * GITHUB_*, the CI flag, Vitest's own variables): a child sees only what a test gives it.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const keep = Object.entries(process.env).filter(([k]) => !/^(CANDOR_|GITHUB_|RUNNER_|VITEST|NODE_OPTIONS$|TEST$|CI$)/.test(k));
  return { ...Object.fromEntries(keep), LC_ALL: 'C', TZ: 'UTC', ...extra };
}

/** Runs the shipped CLI; resolves with its exit code and output, never rejects on a non-zero exit. */
export function candor(args: string[], opts: CandorOptions = {}): Promise<CandorResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CANDOR_BIN, ...args], { cwd: opts.cwd ?? REPO, env: cleanEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 70), out, err });
    });
    child.stdin.end(opts.input ?? '');
  });
}
