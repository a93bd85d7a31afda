/**
 * One `candor watch` (or `watch accept`) at a time on a state folder
 * (docs/watch.md#the-state-folder): two runs that interleave would each read a site's
 * state, check, and write, and the one that writes last would make the watcher forget
 * what the other saw, or alert twice. The lock is `DIR/.lock`, created with O_EXCL; a run
 * that finds it stops at once (STATE_LOCKED, exit 75: try again later) rather than wait,
 * since a scheduled run comes again anyway.
 *
 * A run holds the lock for all its checks (minutes with many sites), so its age says
 * little. A lock is stale when its process is known to be gone: written on this machine
 * by a process that no longer exists. A lock from another machine (a state folder copied
 * or committed with it) is stale only once older than STALE_FOREIGN_MS; before that, it
 * is removed by hand. The state folder's .gitignore keeps it out of a watch repository.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../core/errors.ts';

/** Far longer than any run: every request of every site is bounded (docs/watch.md#running-it). */
export const STALE_FOREIGN_MS = 24 * 3_600_000;

export const lockPath = (dir: string) => path.join(dir, '.lock');

interface Holder {
  pid: number;
  host: string;
  at: string;
  token: string;
  command: string;
}

async function create(file: string, body: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(body);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why the lock there is not stale (undefined: it is, and may be removed). */
async function heldBy(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined; // released meanwhile
  let holder: Partial<Holder> = {};
  try {
    holder = JSON.parse(text) as Partial<Holder>;
  } catch {
    // Half written by a run that died between creating and writing it: judged by its age below.
  }
  const age = Date.now() - ((await stat(file).catch(() => undefined))?.mtimeMs ?? Date.now());
  const who = `${holder.command ?? 'candor watch'} (process ${holder.pid ?? '?'} on ${holder.host ?? 'an unknown machine'}, since ${holder.at ?? 'an unknown time'})`;
  if (holder.host === os.hostname() && typeof holder.pid === 'number') return alive(holder.pid) ? who : undefined;
  return age > STALE_FOREIGN_MS ? undefined : who;
}

/** Runs `fn` holding the state folder's lock; STATE_LOCKED when another run holds it. */
export async function withStateLock<T>(dir: string, command: string, fn: () => Promise<T>): Promise<T> {
  const file = lockPath(dir);
  await mkdir(dir, { recursive: true });
  // The lock is never state: a watch repository must not commit it.
  await writeFile(path.join(dir, '.gitignore'), '/.lock\n/.lock.break\n', { flag: 'wx' }).catch(() => undefined);
  const token = randomUUID();
  const body = `${JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString(), token, command })}\n`;
  for (let attempt = 0; !(await create(file, body)); attempt++) {
    const holder = await heldBy(file);
    if (holder !== undefined || attempt > 0)
      throw new UsageError('STATE_LOCKED', 'another candor watch is using this state folder', {
        file,
        expected: 'no other run on the folder',
        received: holder ?? 'a lock that came back while it was being removed',
        hint: 'Run again when it is done. If no run is going (a machine that died while watching), delete that file. See docs/watch.md#the-state-folder.',
      });
    // Stale: removed under a second lock, so that two runs that both found it cannot remove the fresh lock of a third.
    const breaker = `${file}.break`;
    if (await create(breaker, body)) {
      try {
        if ((await heldBy(file)) === undefined) await unlink(file).catch(() => undefined);
      } finally {
        await unlink(breaker).catch(() => undefined);
      }
    }
  }
  try {
    return await fn();
  } finally {
    // Only our own lock (a stale-lock breaker elsewhere never removes a live one, but be sure).
    if ((await readFile(file, 'utf8').catch(() => '')).includes(token)) await unlink(file).catch(() => undefined);
  }
}
