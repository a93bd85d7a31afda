/**
 * One notifier run: events → plan → for each pair, claim, deliver, record (ledger.ts
 * explains the protocol). A channel that fails is recorded and retried by the next
 * run; it never stops the other channels, and the run itself only throws when the
 * ledger or the content cannot be used.
 */
import { performance } from 'node:perf_hooks';
import { NotifyError, describeReceived, isCandorError } from '../../core/errors.ts';
import { applyBaseline, claimPair, recordOutcome, type Outcome } from '../../core/notify/ledger-state.ts';
import type { Channel, NoticeEvent, NotifyConfig } from '../../core/notify/model.ts';
import { planNotices, type NotifyPlan, type Pair } from '../../core/notify/plan.ts';
import type { Project } from '../project.ts';
import { loadEvents } from './events.ts';
import { readLedger, updateLedger } from './ledger.ts';
import type { LockOptions } from './lock.ts';

export interface RunOptions {
  project: Project;
  channels: Channel[];
  config: Pick<NotifyConfig, 'announceEffective' | 'baselineDays'>;
  /** The clock at the start of the run (--now or the system time). */
  now: Date;
  /** Names this run's claims in the ledger. */
  runId: string;
  dryRun?: boolean;
  /** Longer than any single delivery can take, retries included. */
  claimTimeoutMs?: number;
  lock?: Partial<Omit<LockOptions, 'owner'>>;
  /** The events, when the caller already has them (tests); otherwise read from content. */
  events?: NoticeEvent[];
}

export interface ChannelSummary {
  channel: string;
  /** Dry run: what would be delivered. */
  planned: number;
  sent: number;
  failed: number;
  baseline: number;
  alreadySent: number;
  /** Left to another run that claimed them. */
  inFlight: number;
}

export interface NotifySummary {
  run: string;
  dryRun: boolean;
  events: number;
  channels: ChannelSummary[];
  failures: { event: string; channel: string; error: string }[];
  /** False when any delivery failed: the job should show red, and the next run retries. */
  ok: boolean;
}

export const DEFAULT_CLAIM_TIMEOUT_MS = 15 * 60_000;

interface RunState {
  opts: RunOptions;
  clock: () => Date;
  claimTimeoutMs: number;
}

/** The run's start time, moving on with real elapsed time: claims need a clock that advances. */
function runClock(start: Date): () => Date {
  const t0 = performance.now();
  return () => new Date(start.getTime() + Math.round(performance.now() - t0));
}

function checkNames(channels: Channel[]): void {
  const seen = new Set<string>();
  for (const c of channels) {
    if (seen.has(c.name))
      throw new NotifyError('CHANNEL_DUPLICATE', 'two channels have the same name', {
        field: 'channels',
        expected: 'one channel per name (the ledger keys on it)',
        received: c.name,
        hint: 'Remove the duplicate from content/notify.yml.',
      });
    seen.add(c.name);
  }
}

/** What goes in the (public) ledger: the code and first line, short; channels never put secrets in messages. */
export function describeFailure(error: unknown): string {
  const text = isCandorError(error)
    ? `${error.code}: ${error.message.split('\n')[0]}${'received' in error.details ? ` (received ${describeReceived(error.details.received)})` : ''}`
    : error instanceof Error
      ? error.message
      : String(error);
  const first = text.split('\n')[0] ?? '';
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

async function deliver(state: RunState, channel: Channel, pair: Pair): Promise<Outcome | 'taken'> {
  const { project, runId } = state.opts;
  const lock = { ...state.opts.lock, owner: runId };
  const claimed = await updateLedger(project, lock, (l) => {
    const next = claimPair(l, pair, runId, state.clock(), state.claimTimeoutMs);
    return { ledger: next, result: next !== null };
  });
  if (!claimed) return 'taken';
  let outcome: Outcome;
  try {
    const { ref } = await channel.send(pair.event, { now: state.clock() });
    outcome = ref ? { ok: true, ref } : { ok: true };
  } catch (error) {
    outcome = { ok: false, error: describeFailure(error) };
  }
  await updateLedger(project, lock, (l) => ({ ledger: recordOutcome(l, pair, outcome, runId, state.clock()), result: undefined }));
  return outcome;
}

/** One channel's pairs, oldest event first, one at a time so that notices arrive in order. */
async function deliverChannel(state: RunState, channel: Channel, pairs: Pair[], summary: NotifySummary): Promise<void> {
  const row = summary.channels.find((c) => c.channel === channel.name)!;
  for (const pair of pairs) {
    const outcome = await deliver(state, channel, pair);
    if (outcome === 'taken') row.inFlight++;
    else if (outcome.ok) row.sent++;
    else {
      row.failed++;
      summary.failures.push({ event: pair.event.id, channel: channel.name, error: outcome.error });
    }
  }
}

function emptySummary(opts: RunOptions, events: number, plan: NotifyPlan): NotifySummary {
  const count = (list: Pair[], name: string) => list.filter((p) => p.channel === name).length;
  return {
    run: opts.runId,
    dryRun: opts.dryRun ?? false,
    events,
    failures: [],
    ok: true,
    channels: opts.channels.map((c) => ({
      channel: c.name,
      planned: count(plan.send, c.name),
      sent: 0,
      failed: 0,
      baseline: count(plan.baseline, c.name),
      alreadySent: count(plan.done, c.name),
      inFlight: count(plan.inFlight, c.name),
    })),
  };
}

/** Plans under the lock and records the channels and the baseline in the same step. */
async function prepare(state: RunState, events: NoticeEvent[]): Promise<NotifyPlan> {
  const { opts } = state;
  const names = opts.channels.map((c) => c.name);
  const byName = new Map(opts.channels.map((c) => [c.name, c]));
  const handles = (name: string, e: NoticeEvent) => byName.get(name)?.handles?.(e) ?? true;
  const planFrom = (ledger: Awaited<ReturnType<typeof readLedger>>) =>
    planNotices({ events, channels: names, ledger, baselineDays: opts.config.baselineDays, now: state.clock(), claimTimeoutMs: state.claimTimeoutMs, handles });
  if (opts.dryRun) return planFrom(await readLedger(opts.project));
  return updateLedger(opts.project, { ...opts.lock, owner: opts.runId }, (ledger) => {
    const plan = planFrom(ledger);
    return { ledger: names.length ? applyBaseline(ledger, plan, names, state.clock().toISOString(), opts.runId) : null, result: plan };
  });
}

export async function runNotify(opts: RunOptions): Promise<NotifySummary> {
  checkNames(opts.channels);
  const state: RunState = { opts, clock: runClock(opts.now), claimTimeoutMs: opts.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS };
  const events = opts.events ?? (await loadEvents(opts.project, opts.config, opts.now));
  const plan = await prepare(state, events);
  const summary = emptySummary(opts, events.length, plan);
  if (opts.dryRun) return summary;
  // Channels run side by side; a ledger error in one is rethrown once all have finished.
  const results = await Promise.allSettled(
    opts.channels.map((c) =>
      deliverChannel(
        state,
        c,
        plan.send.filter((p) => p.channel === c.name),
        summary,
      ),
    ),
  );
  const broken = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (broken) throw broken.reason;
  summary.ok = summary.failures.length === 0;
  return summary;
}
