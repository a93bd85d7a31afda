import { describe, expect, it } from 'vitest';
import { verifyCanary } from '../../src/core/verify/verify-canary.ts';
import { DAY, HOUR, at, makeWorld } from '../helpers/world.ts';

describe('verifyCanary', () => {
  it('finds a freshly composed and signed canary alive', async () => {
    const w = await makeWorld();
    const att = await w.attest();
    const hb = await w.heartbeat(att);
    const result = await verifyCanary({ attestation: att.file, heartbeat: hb.file, keys: w.keys, pins: w.pins }, { now: at(2 * HOUR), skewSeconds: 300 });
    expect(result.reasons.filter((r) => r.code !== 'HISTORY_UNCHECKED' && r.code !== 'FRESHNESS_UNCHECKED')).toEqual([]);
    expect(result.verdict).toBe('alive');
    expect(result.trust).toBe('two-layer');
  });

  it('finds it stale a day after the heartbeat expired', async () => {
    const w = await makeWorld();
    const att = await w.attest();
    const hb = await w.heartbeat(att);
    const result = await verifyCanary({ attestation: att.file, heartbeat: hb.file, keys: w.keys, pins: w.pins }, { now: at(4 * DAY), skewSeconds: 300 });
    expect(result.verdict).toBe('stale');
    expect(result.reasons.map((r) => r.code)).toContain('HEARTBEAT_EXPIRED');
  });
});
