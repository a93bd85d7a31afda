/**
 * An exclusive lock between processes (and between runs in one process) on the same
 * checkout: a file created with O_CREAT|O_EXCL (`open(path, 'wx')`), which exactly one
 * creator wins, and removed in `finally`.
 *
 * It guards a few milliseconds of work (read the ledger, change it, write it), never a
 * delivery, so a lock older than `staleMs` can only belong to a process that died
 * holding it and is removed. Removing it is itself serialised by a second lock file
 * (`<lock>.break`): two waiters that both saw the stale lock cannot end up removing
 * the fresh lock the first of them then created, because the second re-checks the
 * age under the breaker before removing anything.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotifyError } from '../../core/errors.ts';

export interface LockOptions {
  /** A lock older than this is a dead holder's. Must exceed the work done under it. */
  staleMs: number;
  /** Give up (LEDGER_LOCKED) after waiting this long. */
  waitMs: number;
  /** Pause between attempts (with jitter, so waiters do not move in step). */
  retryMs: number;
  /** Written into the lock file for whoever finds it: the run id. */
  owner: string;
  /** The error when the wait is over (the ledger's LEDGER_LOCKED by default). */
  locked?: (file: string, holder: string) => Error;
}

export const DEFAULT_LOCK: Omit<LockOptions, 'owner'> = { staleMs: 30_000, waitMs: 120_000, retryMs: 20 };

async function tryCreate(file: string, body: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
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

async function ageMs(file: string): Promise<number | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info ? Date.now() - info.mtimeMs : undefined;
}

async function breakIfStale(file: string, staleMs: number): Promise<void> {
  if (((await ageMs(file)) ?? 0) <= staleMs) return;
  const breaker = `${file}.break`;
  if (!(await tryCreate(breaker, String(process.pid)))) {
    // A breaker left by a process that died within its few microseconds of work.
    if (((await ageMs(breaker)) ?? 0) > staleMs) await unlink(breaker).catch(() => undefined);
    return;
  }
  try {
    if (((await ageMs(file)) ?? 0) > staleMs) await unlink(file).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

async function acquire(file: string, opts: LockOptions): Promise<string> {
  const token = randomUUID();
  const body = `${JSON.stringify({ owner: opts.owner, pid: process.pid, token, at: new Date().toISOString() })}\n`;
  const started = Date.now();
  await mkdir(path.dirname(file), { recursive: true });
  while (!(await tryCreate(file, body))) {
    await breakIfStale(file, opts.staleMs);
    if (Date.now() - started > opts.waitMs) {
      if (opts.locked) throw opts.locked(file, await readFile(file, 'utf8').catch(() => 'an unreadable lock file'));
      throw new NotifyError('LEDGER_LOCKED', 'another run holds the notification ledger', {
        file,
        expected: `the lock released within ${opts.waitMs} ms`,
        received: await readFile(file, 'utf8').catch(() => 'an unreadable lock file'),
        hint: `If no other candor notify is running, delete ${path.basename(file)}.`,
      });
    }
    await sleep(opts.retryMs * (1 + Math.random()));
  }
  return token;
}

/** Removes the lock only if it is still ours (it may have been broken as stale). */
async function release(file: string, token: string): Promise<void> {
  const content = await readFile(file, 'utf8').catch(() => '');
  if (content.includes(token)) await unlink(file).catch(() => undefined);
}

export async function withLock<T>(file: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const token = await acquire(file, opts);
  try {
    return await fn();
  } finally {
    await release(file, token);
  }
}
