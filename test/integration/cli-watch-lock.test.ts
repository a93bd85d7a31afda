/**
 * The state folder's lock, as shipped (the bin in child processes): two `candor watch`
 * runs at once on one folder do not interleave (one stops with STATE_LOCKED, exit 75, and
 * the folder holds one run's events); a lock left by a process that is gone is removed;
 * a fresh lock from another machine stops the run (and `watch accept`) until it is old;
 * the lock is kept out of a watch repository's commits.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candor } from '../helpers/candor-bin.ts';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.ts';

let server: FixtureServer;
let dir: string;
const state = () => path.join(dir, 'state');
const lock = () => path.join(state(), '.lock');
const watch = (extra: string[] = []) => candor(['watch', '--list', path.join(dir, 'watch.yml'), '--state', state(), '--now', '2026-12-01T12:00:00Z', ...extra]);

/** The pid of a process that has exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

beforeAll(async () => {
  // A slow site: each run holds the folder for over a second.
  server = await startFixtureServer({ '/canary.txt': { status: 503, body: 'busy', delayMs: 1500 } });
  dir = await mkdtemp(path.join(tmpdir(), 'candor-watch-lock-'));
  await writeFile(
    path.join(dir, 'watch.yml'),
    [
      'sites:',
      `  - { name: slow, kind: candor, url: "${server.url}/", tofu: true, intervalHours: 0, unknownAfter: 1 }`,
      'checks: { retries: 0, timeoutSeconds: 5 }',
    ].join('\n'),
  );
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the state folder lock', () => {
  it('two runs at once: one checks, the other stops with STATE_LOCKED (exit 75); the folder holds one run', async () => {
    const runs = await Promise.all([watch(), watch()]);
    expect(runs.map((r) => r.code).sort()).toEqual([5, 75]);
    const stopped = runs.find((r) => r.code === 75)!;
    expect(stopped.err).toMatch(/^error STATE_LOCKED: .*another candor watch is using this state folder/);
    expect(stopped.err).toContain(`on ${os.hostname()}`);
    expect(stopped.err).toContain('docs/watch.md#the-state-folder');
    const events = JSON.parse(await readFile(path.join(state(), 'events.json'), 'utf8')).events;
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(['unknown']);
    await expect(readFile(lock())).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(path.join(state(), '.gitignore'), 'utf8')).toContain('/.lock');
  });

  it('a lock left on this machine by a process that is gone is removed, and the run goes on', async () => {
    await writeFile(lock(), JSON.stringify({ pid: await deadPid(), host: os.hostname(), at: '2026-12-01T11:00:00Z', token: 'x', command: 'candor watch' }));
    const r = await watch();
    expect(r.code, r.err).toBe(5);
    await expect(readFile(lock())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("another machine's fresh lock stops the run and accept; once older than a day it is stale", async () => {
    await writeFile(lock(), JSON.stringify({ pid: 1, host: 'another-machine.example', at: '2026-12-01T11:00:00Z', token: 'y', command: 'candor watch' }));
    const r = await watch();
    expect(r.code).toBe(75);
    expect(r.err).toContain('on another-machine.example');
    const accept = await candor(['watch', 'accept', 'slow', '--list', path.join(dir, 'watch.yml'), '--state', state()]);
    expect(accept.code).toBe(75);
    expect(accept.err).toMatch(/^error STATE_LOCKED/);
    const old = new Date(Date.now() - 25 * 3_600_000);
    await utimes(lock(), old, old);
    expect((await watch()).code).toBe(5);
  });
});
