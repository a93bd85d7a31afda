/**
 * content/notifications/ledger.json: what was sent where. The publish job commits it,
 * so reruns and later runs see it.
 *
 * Exactly once, with overlapping runs on one checkout. Every change is a short
 * "read → change → write" under an exclusive lock file (lock.ts), and a delivery
 * happens only after the pair was claimed in the file:
 *
 *   1. lock; read; record new channels and the baseline; write; unlock
 *   2. per pair: lock; read; claim it (`sending`, run id, time) unless it is sent or
 *      freshly claimed by another run; write; unlock
 *   3. deliver (no lock held: a slow SMTP server does not stall the other runs)
 *   4. lock; read; record `sent` or `failed`; write; unlock
 *
 * A second run reads the claim in step 2 and skips the pair, so two runs never both
 * deliver it. Claims are per pair, just before delivery, so a claim only has to
 * outlive one delivery, not a whole run. A run that crashes between 2 and 4 leaves a
 * `sending` claim; once it is older than the claim timeout the pair is delivered
 * again. That is the one case that can repeat a notice (the crash came after the
 * delivery but before step 4), and it is the price of never losing one; channels get
 * the event id as an idempotency key (X-Candor-Event) for receivers that dedupe.
 * Holding the lock for the whole run instead would make a stale-lock timeout
 * unsafe (a slow run would look dead) and would stall concurrent runs behind it.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { fieldProblems } from '../../core/content/schema-errors.ts';
import { jsonReason, NotifyError, systemReason } from '../../core/errors.ts';
import { ledgerJson } from '../../core/notify/ledger-state.ts';
import { ledger as ledgerSchema, type Ledger } from '../../core/notify/model.ts';
import { relative, writeFileAtomic } from '../files.ts';
import type { Project } from '../project.ts';
import { DEFAULT_LOCK, withLock, type LockOptions } from './lock.ts';

export const ledgerFile = (project: Project): string => path.join(project.content, 'notifications', 'ledger.json');
/** Beside the ledger; short-lived, and never to be committed (it is removed on release). */
export const lockFile = (project: Project): string => path.join(project.content, 'notifications', '.ledger.lock');

function invalid(project: Project, summary: string, received: unknown, cause?: unknown): NotifyError {
  return new NotifyError('LEDGER_INVALID', summary, {
    file: relative(project.root, ledgerFile(project)),
    expected: 'the notification ledger (version 1)',
    received,
    cause,
    hint: 'Restore it from git history; deleting it makes the next run baseline every old event.',
  });
}

/** The ledger, or null when there is none yet (the first run). */
export async function readLedger(project: Project): Promise<Ledger | null> {
  let text: string;
  try {
    text = await readFile(ledgerFile(project), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw invalid(project, 'cannot read the ledger', systemReason((error as NodeJS.ErrnoException).code), error);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(project, 'the ledger is not JSON', jsonReason(error), error);
  }
  const parsed = ledgerSchema.safeParse(data);
  if (!parsed.success) {
    const first = fieldProblems(parsed.error.issues, ledgerSchema, data)[0]!;
    throw invalid(project, 'the ledger does not match its schema', `${first.field}: ${first.summary} (expected ${first.expected})`);
  }
  return parsed.data;
}

export async function writeLedger(project: Project, ledger: Ledger): Promise<void> {
  await writeFileAtomic(ledgerFile(project), ledgerJson(ledger));
}

/**
 * Runs `change` on the ledger as it is on disk, under the lock, and writes what it
 * returns (null: nothing to write). Returns the value `change` passes back.
 */
export async function updateLedger<T>(
  project: Project,
  lock: Partial<LockOptions> & { owner: string },
  change: (ledger: Ledger | null) => { ledger: Ledger | null; result: T },
): Promise<T> {
  return withLock(lockFile(project), { ...DEFAULT_LOCK, ...lock }, async () => {
    const { ledger, result } = change(await readLedger(project));
    if (ledger) await writeLedger(project, ledger);
    return result;
  });
}
