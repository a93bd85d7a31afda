/**
 * The quick start as a new user runs it: `npm start` (the demo site with throwaway keys,
 * served locally), then the verify command it prints, exactly as printed (`npx candor …`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO } from '../helpers/candor-bin.ts';

const exec = promisify(execFile);
let child: ChildProcess | undefined;
let dir: string | undefined;

afterAll(async () => {
  // npm runs the script in its own process group: stop the whole group.
  if (child?.pid)
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts `npm start` and resolves with everything it printed once it printed `until`. */
function start(env: NodeJS.ProcessEnv, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn('npm', ['start'], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (until.test(out)) resolve(out);
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('close', (code) => reject(new Error(`npm start exited ${code} before serving:\n${out}\n${err}`)));
  });
}

describe('npm start', () => {
  it('serves the demo site and prints a verify command that answers ALIVE', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'candor-demo-'));
    const out = await start(cleanEnv({ PORT: '0', CANDOR_DEMO_DIR: dir }), /Press Ctrl\+C/);
    const url = /is at (http:\/\/localhost:\d+\/)/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    const page = await fetch(`${url}canary/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Verify in this browser');
    const command = /^ {2}(npx candor verify \S+ --keys [0-9A-F,]+)$/m.exec(out)?.[1];
    expect(command, out).toBeDefined();
    // As printed, through the shell and npx, from the repository (what the README says to do).
    const { stdout } = await exec('bash', ['-c', command!], { cwd: REPO, env: cleanEnv() });
    expect(stdout).toMatch(/^ALIVE: /);
    // The throwaway keys stay in the demo folder, never in the repository.
    expect(await readdir(path.join(dir, 'private'))).toContain('passphrase');
  }, 300_000);
});
