/** git as a child process, for the runner's own bookkeeping (GitHub's side, never a job's). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A clean environment for GitHub's own git calls: no user config, a fixed identity. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env['PATH'],
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

export async function git(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<string> {
  try {
    const { stdout } = await exec('git', args, { cwd: opts.cwd, env: { ...GIT_ENV, ...opts.env }, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`git ${args.join(' ')}: ${e.stderr?.trim() || e.message}`, { cause: error });
  }
}
