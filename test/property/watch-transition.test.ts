/** Properties of the watcher's transitions (src/core/watch/transition.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transition, type Observation, type SiteState } from '../../src/core/watch/transition.ts';

const FPRS = ['A'.repeat(40), 'B'.repeat(40), 'C'.repeat(40)];
const STATEMENTS = ['No warrant.', 'No gag order.', 'No subpoena.'];

const checked = fc.record({
  kind: fc.constant('checked' as const),
  verdict: fc.constantFrom('alive' as const, 'stale' as const, 'tripped' as const, 'invalid' as const),
  reasons: fc.constant([]),
  signers: fc.subarray(FPRS),
  untrusted: fc.subarray(FPRS),
  statements: fc.subarray(STATEMENTS),
  hash: fc.constantFrom('h1', 'h2', 'h3'),
});
const observation: fc.Arbitrary<Omit<Observation, 'at'>> = fc.oneof(
  checked,
  fc.record({ kind: fc.constant('unreachable' as const), problem: fc.constant('down') }),
);
const policy = fc.record({ name: fc.constant('site'), tofu: fc.boolean(), unknownAfter: fc.integer({ min: 1, max: 5 }) });

/** The observations, an hour apart. */
function replay(observations: Omit<Observation, 'at'>[], p: { name: string; tofu: boolean; unknownAfter: number }) {
  let state: SiteState | undefined;
  const steps = observations.map((o, i) => {
    const r = transition(state, { ...o, at: new Date(Date.UTC(2026, 10, 1, i)).toISOString() } as Observation, p);
    state = r.state;
    return r;
  });
  return steps;
}

describe('watch transitions (properties)', () => {
  it('the same checked observation again says nothing new', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 12 }), checked, policy, (before, again, p) => {
        const steps = replay([...before, again, again], p);
        expect(steps.at(-1)!.events).toEqual([]);
      }),
    );
  });

  it('a status event only when the status changes, and every status change of an answer is said', () => {
    fc.assert(
      fc.property(fc.array(observation, { minLength: 1, maxLength: 20 }), policy, (observations, p) => {
        const steps = replay(observations, p);
        steps.forEach((s, i) => {
          const prev = steps[i - 1]?.state;
          // "unknown" is said once per outage (the next property), even for a site never reached.
          const statusEvents = s.events.filter((e) => !['key-changed', 'statement-changed', 'unknown'].includes(e.kind));
          if (prev && prev.status === s.state.status && !(s.state.status === 'held' && prev.pending?.join() !== s.state.pending?.join()))
            expect(statusEvents).toEqual([]);
          if (prev && prev.status !== s.state.status && s.state.status !== 'unknown' && prev.status !== 'unknown')
            expect(statusEvents.map((e) => e.kind)).toEqual([s.state.status]);
        });
      }),
    );
  });

  it('an unreachable site is never called stale; it becomes unknown exactly once per outage', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 12 }), fc.integer({ min: 1, max: 10 }), policy, (before, downs, p) => {
        const outage = Array.from({ length: downs }, () => ({ kind: 'unreachable' as const, problem: 'down' }));
        const steps = replay([...before, ...outage], p).slice(before.length);
        expect(steps.flatMap((s) => s.events).some((e) => e.kind === 'stale')).toBe(false);
        const prior = before.length === 0 ? 0 : replay(before, p).at(-1)!.state.failures;
        const crossings = steps.filter((s) => s.events.some((e) => e.kind === 'unknown')).length;
        expect(crossings).toBe(prior < p.unknownAfter && prior + downs >= p.unknownAfter ? 1 : 0);
      }),
    );
  });

  it('event ids never repeat within a history', () => {
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 20 }), policy, (observations, p) => {
        const ids = replay(observations, p).flatMap((s) => s.events.map((e) => e.id));
        expect(new Set(ids).size).toBe(ids.length);
      }),
    );
  });
});
