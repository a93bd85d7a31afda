import { describe, expect, it } from 'vitest';
import { LOOKBACK_HOURS, rebuildDecision, type RebuildInput } from '../../src/core/site/rebuild.ts';

// 2026-12-02 is a Wednesday; 2026-12-07 a Monday.
const WED = new Date('2026-12-02T04:23:00Z');
const MON = new Date('2026-12-07T04:23:00Z');
const hoursBefore = (d: Date, h: number): Date => new Date(d.getTime() - h * 3_600_000);
const quiet = (over: Partial<RebuildInput> = {}): RebuildInput => ({
  event: 'schedule',
  issued: false,
  now: WED,
  moments: [],
  lastHeartbeat: hoursBefore(WED, 30),
  ...over,
});

describe('rebuildDecision: whether a scheduled publish run rebuilds the site', () => {
  it('keeps the deployed site when nothing is new and nothing came due', () => {
    expect(rebuildDecision(quiet())).toEqual({ rebuild: false, why: `nothing on the site has changed or come due in the last ${LOOKBACK_HOURS} hours` });
  });

  it('always rebuilds on a push, a dispatch, or a new heartbeat', () => {
    expect(rebuildDecision(quiet({ event: 'push' }))).toEqual({ rebuild: true, why: 'the run was started by push' });
    expect(rebuildDecision(quiet({ event: 'workflow_dispatch' })).rebuild).toBe(true);
    expect(rebuildDecision(quiet({ issued: true }))).toEqual({ rebuild: true, why: 'this run archived something new (a heartbeat or a proof)' });
  });

  it('rebuilds when a moment passed within the lookback, naming each once', () => {
    const moments = [
      { what: 'mail 1.2 takes effect', at: hoursBefore(WED, 4) },
      { what: 'mail 1.2 takes effect', at: hoursBefore(WED, 5) },
      { what: 'the heartbeat expires', at: hoursBefore(WED, LOOKBACK_HOURS - 1) },
    ];
    expect(rebuildDecision(quiet({ moments }))).toEqual({
      rebuild: true,
      why: `in the last ${LOOKBACK_HOURS} hours: mail 1.2 takes effect; the heartbeat expires`,
    });
  });

  it('ignores moments before the lookback and moments still to come', () => {
    const moments = [
      { what: 'long ago', at: hoursBefore(WED, LOOKBACK_HOURS) },
      { what: 'tomorrow', at: hoursBefore(WED, -24) },
    ];
    expect(rebuildDecision(quiet({ moments })).rebuild).toBe(false);
  });

  it('a moment exactly now counts: the page built now is the first to show it', () => {
    expect(rebuildDecision(quiet({ moments: [{ what: 'the attestation expires', at: WED }] })).rebuild).toBe(true);
  });

  it('rebuilds on Mondays when no heartbeat rebuilt the site in the last 7 days (and only then)', () => {
    expect(rebuildDecision(quiet({ now: MON, lastHeartbeat: hoursBefore(MON, 24 * 6) })).rebuild).toBe(false);
    expect(rebuildDecision(quiet({ now: MON, lastHeartbeat: hoursBefore(MON, 24 * 7) })).rebuild).toBe(true);
    const { lastHeartbeat: _, ...noCanary } = quiet({ now: MON });
    expect(rebuildDecision(noCanary)).toEqual({
      rebuild: true,
      why: 'the weekly rebuild (Mondays, UTC, when no heartbeat rebuilt the site in the last 7 days)',
    });
    const { lastHeartbeat: __, ...wednesday } = quiet();
    expect(rebuildDecision(wednesday).rebuild).toBe(false);
  });
});
