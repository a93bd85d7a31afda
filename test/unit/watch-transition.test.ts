/** How one observation moves a watched site (src/core/watch/transition.ts): events on change only. */
import { describe, expect, it } from 'vitest';
import { accept, transition, type Observation, type SiteState, type SitePolicy } from '../../src/core/watch/transition.ts';

const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const policy: SitePolicy = { name: 'lumen', tofu: false, unknownAfter: 3 };
const tofu: SitePolicy = { ...policy, tofu: true };

const day = (n: number) => new Date(Date.UTC(2026, 10, 1 + n)).toISOString();
const ok = (n: number, over: Partial<Extract<Observation, { kind: 'checked' }>> = {}): Observation => ({
  kind: 'checked',
  at: day(n),
  verdict: 'alive',
  reasons: [],
  signers: [A],
  untrusted: [],
  statements: ['No warrant.', 'No gag order.'],
  hash: `h${n}`,
  issued: day(n),
  expires: day(n + 30),
  expiresFrom: 'stated',
  ...over,
});
const down = (n: number): Observation => ({ kind: 'unreachable', at: day(n), problem: 'connection refused' });

/** Feeds observations in order; the events of each step. */
function run(p: SitePolicy, observations: Observation[], start?: SiteState) {
  let state = start;
  return observations.map((o) => {
    const r = transition(state, o, p);
    state = r.state;
    return { kinds: r.events.map((e) => e.kind), state: r.state, events: r.events };
  });
}

describe('watch transitions', () => {
  it('a first check is one "watching" event; renewals say nothing', () => {
    const steps = run(policy, [ok(0), ok(7), ok(14)]);
    expect(steps.map((s) => s.kinds)).toEqual([['watching'], [], []]);
    expect(steps[0]!.events[0]!.message).toMatch(/pinned keys: A{40}\); alive, expires 2026-12-01/);
  });

  it('alive → stale → back to alive, each once', () => {
    const steps = run(policy, [
      ok(0),
      ok(31, { verdict: 'stale', reasons: [{ code: 'ATTESTATION_EXPIRED', message: 'expired' }] }),
      ok(32, { verdict: 'stale' }),
      ok(33),
    ]);
    expect(steps.map((s) => s.kinds)).toEqual([['watching'], ['stale'], [], ['alive']]);
    expect(steps[3]!.events[0]!.message).toMatch(/^back to alive \(was stale\)/);
  });

  it('a removed statement is a statement change and a trip', () => {
    const steps = run(policy, [ok(0), ok(7, { verdict: 'tripped', statements: ['No warrant.'], reasons: [{ code: 'STATEMENT_REMOVED', message: 'gone' }] })]);
    expect(steps[1]!.kinds).toEqual(['statement-changed', 'tripped']);
    expect(steps[1]!.events[0]!.message).toBe('the statements changed (removed: "No gag order.")');
  });

  it('an unreachable site is unknown after N failures, never stale, and says since when', () => {
    const steps = run(policy, [ok(0), down(40), down(41), down(42), down(43), ok(44)]);
    expect(steps.map((s) => s.kinds)).toEqual([['watching'], [], [], ['unknown'], [], ['alive']]);
    expect(steps[3]!.state).toMatchObject({ status: 'unknown', since: day(40), lastVerdict: 'alive' });
    expect(steps[3]!.events[0]!.message).toMatch(/^unknown since 2026-12-11T00:00:00.000Z: 3 checks in a row failed/);
    expect(steps.map((s) => s.state.status)).not.toContain('stale');
    expect(steps[5]!.events[0]!.message).toMatch(/reachable again after 4 failed checks/);
  });

  it('reachable again in the same state it was left says so, without pretending it recovered', () => {
    const steps = run(policy, [ok(0, { verdict: 'stale' }), down(1), down(2), down(3), ok(4, { verdict: 'stale' })]);
    expect(steps.at(-1)!.kinds).toEqual(['stale']);
    expect(steps.at(-1)!.events[0]!.message).toMatch(/^reachable again; still STALE/);
  });

  it('a pinned site signed by another key: invalid, and the key change is said', () => {
    const steps = run(policy, [ok(0), ok(7, { verdict: 'invalid', signers: [], untrusted: [B], reasons: [{ code: 'KEY_UNPINNED', message: 'B' }] })]);
    expect(steps[1]!.kinds).toEqual(['key-changed', 'invalid']);
  });

  it('tofu: the first keys are trusted and shown as such; a later key is held until accepted', () => {
    const first = run(tofu, [ok(0, { signers: [A] })]);
    expect(first[0]!.state.accepted).toEqual([A]);
    expect(first[0]!.events[0]!.message).toMatch(/trusted on first use: A{40}/);
    const held = run(
      tofu,
      [ok(7, { verdict: 'invalid', signers: [], untrusted: [B] }), ok(8, { verdict: 'invalid', signers: [], untrusted: [B] })],
      first[0]!.state,
    );
    expect(held.map((s) => s.kinds)).toEqual([['held'], []]);
    expect(held[0]!.state).toMatchObject({ status: 'held', pending: [B], signers: [A] });
    const accepted = accept(held[1]!.state, day(9));
    expect(accepted).toMatchObject({ status: 'unknown', accepted: [A, B] });
    expect(accepted.pending).toBeUndefined();
    const after = run(tofu, [ok(10, { signers: [B] })], accepted);
    expect(after[0]!.kinds).toEqual(['key-changed', 'alive']);
    expect(after[0]!.events[1]!.message).toMatch(/after your accept/);
  });

  it('event ids are stable: the same transition has the same id', () => {
    const a = run(policy, [ok(0), ok(31, { verdict: 'stale' })]);
    const b = run(policy, [ok(0), ok(31, { verdict: 'stale' })]);
    expect(a[1]!.events[0]!.id).toBe(b[1]!.events[0]!.id);
    expect(a[1]!.events[0]!.id).toBe(`lumen/${day(31)}/stale`);
  });
});

describe("a site's log in the watch state", () => {
  const log = (size: number) => ({ origin: 'lumen-mail.example/canary/log', key: 'lumen-mail.example/canary/log+00000000+AQ', size, root: `r${size}` });
  it('moves only with an observation that carries a proven checkpoint, whatever the verdict', () => {
    const steps = run(policy, [
      ok(0, { log: log(2) }),
      ok(1, { verdict: 'invalid', reasons: [{ code: 'LOG_FORK', message: 'another history' }] }),
      ok(2, { log: log(5) }),
    ]);
    expect(steps.map((s) => s.state.log?.size)).toEqual([2, 2, 5]);
    expect(steps.map((s) => s.kinds)).toEqual([['watching'], ['invalid'], ['alive']]);
  });

  it('accept forgets the log only after a new log key, so that the next checkpoint is its first use', () => {
    const [, keyChanged] = run(policy, [ok(0, { log: log(2) }), ok(1, { verdict: 'invalid', reasons: [{ code: 'LOG_KEY_CHANGED', message: 'new key' }] })]);
    expect(accept(keyChanged!.state, day(2)).log).toBeUndefined();
    const [, forked] = run(policy, [ok(0, { log: log(2) }), ok(1, { verdict: 'invalid', reasons: [{ code: 'LOG_FORK', message: 'another history' }] })]);
    expect(accept(forked!.state, day(2)).log).toEqual(log(2));
  });
});
