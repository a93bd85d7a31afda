/**
 * The external OpenPGP tools of the interop tests (gpg, gpgv, sq, sqop, rnp,
 * pgpainless-cli). A missing tool skips its tests on a developer machine, with a
 * warning naming it, but fails them in CI: CI must never go green by testing nothing.
 *
 *   beforeEach((ctx) => requireTool(ctx, 'gpg'));
 *   const box = sandbox(); try { await run('gpg', [...], { env: box.env }) } finally { await box.remove() }
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

export function hasTool(name: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

const warned = new Set<string>();

/**
 * Call first in a test or in beforeEach. Locally a missing tool skips the test (and
 * says so once on stderr); with CI set it throws, so the run fails.
 */
export function requireTool(ctx: { skip: (note?: string) => void }, ...names: string[]): void {
  requireFound(
    ctx,
    names.filter((n) => !hasTool(n)),
  );
}

/** As requireTool, for a tool outside PATH (gpg-wks-client lives in gpg's libexec folder). */
export function requireToolAt(ctx: { skip: (note?: string) => void }, name: string, file: string | null): asserts file is string {
  requireFound(ctx, file && existsSync(file) ? [] : [name]);
}

function requireFound(ctx: { skip: (note?: string) => void }, missing: string[]): void {
  if (missing.length === 0) return;
  const reason = `interop: ${missing.join(', ')} not installed`;
  if (process.env.CI) throw new Error(`${reason}; CI must install every interop tool`);
  if (!warned.has(reason)) console.warn(`${reason}: skipping its tests`);
  warned.add(reason);
  ctx.skip(reason);
}

/** Runs a command without a shell; rejects on spawn failure or timeout, never on exit code. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, LC_ALL: 'C', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: no answer after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // A tool that exits before reading its input must not crash the test with EPIPE.
    child.stdin.on('error', () => {});
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** For setup steps (import, dearmor, key generation): any failure is a broken test, not a verdict. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export interface Sandbox {
  dir: string;
  /** HOME and GNUPGHOME inside the sandbox: no tool reads or writes the user's keys. */
  env: Record<string, string>;
  gnupgHome: string;
  /** Writes `content` to `name` inside the sandbox and returns its absolute path. */
  file(name: string, content: string | Uint8Array): string;
  /** Stops the sandbox's gpg-agent, then deletes everything. */
  remove(): Promise<void>;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'candor-interop-'));
  const gnupgHome = join(dir, 'gnupg');
  mkdirSync(gnupgHome, { mode: 0o700 });
  return {
    dir,
    gnupgHome,
    env: { HOME: dir, GNUPGHOME: gnupgHome },
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    async remove() {
      const env = { HOME: dir, GNUPGHOME: gnupgHome };
      if (hasTool('gpgconf')) await run('gpgconf', ['--kill', 'all'], { env }).catch(() => undefined);
      // The dying agent deletes its own sockets while we delete the tree; a clash stops rmSync early.
      for (let attempt = 0; attempt < 5 && existsSync(dir); attempt++) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** gpg's machine-readable status lines (`--status-fd 1`), keyword first. */
export function gpgStatus(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('[GNUPG:] '))
    .map((l) => l.slice(9).split(' '));
}

/** Status keywords that each mean "do not trust this signature", whatever the exit code. */
export const GPG_DISTRUST = ['BADSIG', 'EXPKEYSIG', 'REVKEYSIG', 'EXPSIG', 'ERRSIG'];

/** Primary-key fingerprints of the VALIDSIG lines (the last field). */
export function validSigners(status: string[][]): string[] {
  return status.filter((s) => s[0] === 'VALIDSIG').map((s) => s[s.length - 1]!);
}
