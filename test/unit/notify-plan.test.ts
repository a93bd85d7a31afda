/** The plan and the ledger's transitions: sent is final, failed is retried, claims, baseline. */
import { describe, expect, it } from 'vitest';
import { collectEvents } from '../../src/core/notify/events.ts';
import { applyBaseline, claimPair, ledgerJson, recordOutcome } from '../../src/core/notify/ledger-state.ts';
import type { Ledger, LedgerEntry } from '../../src/core/notify/model.ts';
import { planNotices, type NotifyPlan, type PlanInput } from '../../src/core/notify/plan.ts';
import { EVENT_FIXTURE } from '../helpers/notify.ts';

const now = new Date('2026-11-23T12:00:00Z');
const events = collectEvents({ ...EVENT_FIXTURE, now });
const TIMEOUT = 15 * 60_000;
const A = 'webhook:https://a.example/hook';
const B = 'email';

const entry = (event: string, channel: string, patch: Partial<LedgerEntry>): LedgerEntry => ({
  event,
  channel,
  status: 'sent',
  at: '2026-11-22T00:00:00Z',
  attempts: 1,
  ...patch,
});
const plan = (ledger: Ledger | null, patch: Partial<PlanInput> = {}): NotifyPlan =>
  planNotices({ events, channels: [A, B], ledger, baselineDays: 3650, now, claimTimeoutMs: TIMEOUT, ...patch });
const names = (pairs: NotifyPlan['send']) => pairs.map((p) => `${p.event.id} ${p.channel}`);

describe('planNotices', () => {
  it('sends every pair once when nothing was sent yet', () => {
    expect(plan({ version: 1, channels: [A, B], entries: [] }).send).toHaveLength(events.length * 2);
  });

  it('never sends a sent pair again, retries a failed one, and keeps channels apart', () => {
    const id = 'policy:privacy@2.1:published';
    const ledger: Ledger = {
      version: 1,
      channels: [A, B],
      entries: [entry(id, A, { status: 'sent' }), entry(id, B, { status: 'failed', error: 'SMTP down' })],
    };
    const p = plan(ledger);
    expect(names(p.done)).toEqual([`${id} ${A}`]);
    expect(names(p.send)).toContain(`${id} ${B}`);
    expect(names(p.send)).not.toContain(`${id} ${A}`);
  });

  it('leaves a fresh claim to its run, and retries one older than the claim timeout', () => {
    const id = 'attestation:1';
    const claim = (at: string) => ({ version: 1 as const, channels: [A, B], entries: [entry(id, A, { status: 'sending', at, run: 'other' })] });
    expect(names(plan(claim('2026-11-23T11:50:00.000Z')).inFlight)).toEqual([`${id} ${A}`]);
    expect(names(plan(claim('2026-11-23T11:44:59.999Z')).send)).toContain(`${id} ${A}`);
  });

  it('baselines old events on the first run (no ledger) and sends the recent ones', () => {
    const p = plan(null, { baselineDays: 3 });
    expect([...new Set(p.send.map((x) => x.event.id))]).toEqual(['policy:privacy@2.1:published']);
    expect(p.baseline).toHaveLength((events.length - 1) * 2);
  });

  it("with baselineDays 0, only today's events go out on the first run", () => {
    const today = collectEvents({ ...EVENT_FIXTURE, now: new Date('2026-11-20T18:00:00Z') });
    const p = plan(null, { events: today, baselineDays: 0, now: new Date('2026-11-20T18:00:00Z') });
    expect([...new Set(p.send.map((x) => x.event.id))]).toEqual(['policy:privacy@2.1:published']);
  });

  it('baselines old events on a channel the ledger does not know yet, not on known ones', () => {
    const ledger: Ledger = { version: 1, channels: [A], entries: [] };
    const p = plan(ledger, { baselineDays: 3 });
    expect(p.baseline.every((x) => x.channel === B)).toBe(true);
    expect(p.send.filter((x) => x.channel === A)).toHaveLength(events.length);
  });
});

describe('channels that announce only some events', () => {
  it('plans only the events a channel handles', () => {
    const p = plan({ version: 1, channels: [A, B], entries: [] }, { handles: (channel, e) => channel !== B || e.kind === 'report' });
    expect(p.send.filter((x) => x.channel === B).map((x) => x.event.id)).toEqual(['report:2025-h1']);
    expect(p.send.filter((x) => x.channel === A)).toHaveLength(events.length);
  });
});

describe('ledger transitions', () => {
  const pair = { event: events[0]!, channel: A };

  it('records channels and baseline entries (attempts 0, ref baseline), and writes nothing when nothing is new', () => {
    const p = plan(null, { baselineDays: 3 });
    const next = applyBaseline(null, p, [A, B], now.toISOString(), 'run-1')!;
    expect(next.channels).toEqual([A, B].sort());
    expect(next.entries.filter((e) => e.ref === 'baseline' && e.status === 'sent' && e.attempts === 0)).toHaveLength(p.baseline.length);
    expect(applyBaseline(next, plan(next), [A, B], now.toISOString(), 'run-2')).toBeNull();
  });

  it('claims a pair once: a second claim, or a claim on a sent pair, gets nothing', () => {
    const claimed = claimPair(null, pair, 'run-1', now, TIMEOUT)!;
    expect(claimed.entries).toEqual([{ event: pair.event.id, channel: A, status: 'sending', at: now.toISOString(), run: 'run-1', attempts: 1 }]);
    expect(claimPair(claimed, pair, 'run-2', now, TIMEOUT)).toBeNull();
    const sent = recordOutcome(claimed, pair, { ok: true, ref: 'HTTP 200' }, 'run-1', now)!;
    expect(claimPair(sent, pair, 'run-2', new Date(now.getTime() + 10 * TIMEOUT), TIMEOUT)).toBeNull();
  });

  it('counts attempts across failures, and never turns sent into failed', () => {
    let l = recordOutcome(claimPair(null, pair, 'r1', now, TIMEOUT), pair, { ok: false, error: 'HTTP 503' }, 'r1', now)!;
    l = claimPair(l, pair, 'r2', now, TIMEOUT)!;
    expect(l.entries[0]).toMatchObject({ status: 'sending', attempts: 2, run: 'r2' });
    const sent = recordOutcome(l, pair, { ok: true }, 'r3', now)!;
    expect(recordOutcome(sent, pair, { ok: false, error: 'late failure' }, 'r2', now)).toBeNull();
  });

  it('writes one canonical spelling: sorted, two spaces, final LF', () => {
    const l: Ledger = { version: 1, channels: [B, A], entries: [entry('z', A, {}), entry('a', B, {}), entry('a', A, {})] };
    const json = ledgerJson(l);
    expect(json.endsWith('}\n')).toBe(true);
    expect(JSON.parse(json).entries.map((e: LedgerEntry) => `${e.event} ${e.channel}`)).toEqual([`a ${B}`, `a ${A}`, `z ${A}`].sort());
    expect(JSON.parse(json).channels).toEqual([A, B].sort());
    const failed = ledgerJson({ version: 1, entries: [{ attempts: 2, error: 'HTTP 503', status: 'failed', at: 't', channel: A, event: 'e' }] });
    expect(Object.keys(JSON.parse(failed).entries[0])).toEqual(['event', 'channel', 'status', 'at', 'error', 'attempts']);
  });
});
