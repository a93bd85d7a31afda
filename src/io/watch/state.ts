/**
 * The watcher's state folder (`--state DIR`, docs/watch.md#the-state-folder): one file per
 * site with its status and what was seen last, beside it the `candor verify --state` file of
 * a Candor site (the same format, so `candor verify URL --state DIR/sites/NAME.verify.json`
 * reads it), and the log of events. Every write is atomic (temp file, fsync, rename).
 *
 * It fails closed: only a missing file means "never checked". A file that exists but cannot
 * be read or understood stops the run, because forgetting would quietly weaken every check.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { jsonReason, systemReason, UsageError } from '../../core/errors.ts';
import type { SiteState, WatchEvent } from '../../core/watch/transition.ts';
import { writeFileAtomic } from '../files.ts';
import { readState } from '../verify-state.ts';

const reason = z.strictObject({ code: z.string(), message: z.string() });
const status = z.enum(['alive', 'stale', 'tripped', 'invalid', 'held', 'unknown']);
const siteState = z.strictObject({
  status,
  since: z.string(),
  checkedAt: z.string(),
  failures: z.int().min(0),
  failingSince: z.string().optional(),
  lastVerdict: status.optional(),
  answered: z.boolean().optional(),
  accepted: z.array(z.string()),
  pending: z.array(z.string()).optional(),
  signers: z.array(z.string()),
  statements: z.array(z.string()),
  hash: z.string().optional(),
  issued: z.string().optional(),
  expires: z.string().optional(),
  expiresFrom: z.enum(['stated', 'rule']).optional(),
  log: z.strictObject({ origin: z.string(), key: z.string(), size: z.int().min(0), root: z.string() }).optional(),
  reasons: z.array(reason),
});
const stateFile = z.strictObject({ version: z.literal(1), site: z.string(), url: z.string(), state: siteState });
const event = z.strictObject({ site: z.string(), kind: z.string(), at: z.string(), message: z.string(), id: z.string() });
const eventsFile = z.strictObject({ version: z.literal(1), events: z.array(event) });

/** The newest events kept in the log (the feed and the status page show them). */
export const KEPT_EVENTS = 500;

export const siteFile = (dir: string, name: string) => path.join(dir, 'sites', `${name}.json`);
export const verifyFile = (dir: string, name: string) => path.join(dir, 'sites', `${name}.verify.json`);
const eventsPath = (dir: string) => path.join(dir, 'events.json');

function unreadable(file: string, received: string, cause?: unknown): UsageError {
  return new UsageError('STATE_UNREADABLE', 'the watch state exists but cannot be used', {
    file,
    expected: 'a file written by candor watch',
    received,
    cause,
    hint: 'A watcher must not forget what it has seen, so this run stops. Restore the file (it is committed in a watch repository), or delete it to watch that site afresh. See docs/watch.md#the-state-folder.',
  });
}

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(file, systemReason((error as NodeJS.ErrnoException).code), error);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw unreadable(file, jsonReason(error), error);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unreadable(file, `not a candor watch file (${issue ? `${issue.path.join('.') || 'the file'}: ${issue.message}` : 'unknown shape'})`);
  }
  return parsed.data;
}

export async function readSiteState(dir: string, name: string): Promise<SiteState | undefined> {
  return (await readJson(siteFile(dir, name), stateFile))?.state as SiteState | undefined;
}

export async function writeSiteState(dir: string, name: string, url: string, state: SiteState): Promise<void> {
  await writeFileAtomic(siteFile(dir, name), `${JSON.stringify({ version: 1, site: name, url, state }, null, 2)}\n`);
}

export async function readEvents(dir: string): Promise<WatchEvent[]> {
  return ((await readJson(eventsPath(dir), eventsFile))?.events ?? []) as WatchEvent[];
}

/** Adds events to the log (an event already there, by id, is not added twice); the newest KEPT_EVENTS stay. */
export async function appendEvents(dir: string, events: WatchEvent[]): Promise<WatchEvent[]> {
  const log = await readEvents(dir);
  const known = new Set(log.map((e) => e.id));
  const next = [...log, ...events.filter((e) => !known.has(e.id))].slice(-KEPT_EVENTS);
  await writeFileAtomic(eventsPath(dir), `${JSON.stringify({ version: 1, events: next }, null, 2)}\n`);
  return next;
}

/**
 * `candor watch accept` in the Candor verifier's own state: a recorded trip acknowledged
 * (as `candor verify --state FILE --acknowledge` does); with accepted keys, those keys
 * pinned and the remembered attestation forgotten, so that the new keys are a new first
 * use rather than a hand-over the old signers never signed (SIGNER_POLICY_BYPASSED).
 */
export async function acceptInVerifyState(dir: string, name: string, now: Date, newPins: string[]): Promise<void> {
  const file = verifyFile(dir, name);
  const state = await readState(file);
  if (!state || (!state.tripped && newPins.length === 0)) return;
  const { tripped, attestation, ...rest } = state;
  const acknowledged = tripped ? [...(state.acknowledged ?? []), { ...tripped, acknowledgedAt: now.toISOString() }].slice(-20) : state.acknowledged;
  const next = {
    ...rest,
    ...(newPins.length > 0 ? { signers: [...new Set([...state.signers, ...newPins])].sort() } : attestation ? { attestation } : {}),
    ...(acknowledged ? { acknowledged } : {}),
  };
  await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
}
