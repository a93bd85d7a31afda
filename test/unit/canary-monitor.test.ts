/**
 * /canary/status.json's state (src/core/site/canary-status.ts monitorState), at each
 * boundary: current until the next heartbeat is expected, due for the hour after, then
 * late, expired with the heartbeat or the attestation, tripped by a signal, none without
 * an attestation.
 */
import { describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { canaryMonitorJson, monitorState } from '../../src/core/site/canary-status.ts';

const att = {
  sequence: 3,
  issued: '2026-11-01T00:00:00Z',
  expires: '2026-12-31T00:00:00Z',
  heartbeat: { keys: [{ name: 'CI', fingerprint: 'A'.repeat(40) }], intervalHours: 24, graceHours: 24 },
  signal: { kind: 'none' },
} as unknown as AttestationData;
const hb = {
  sequence: 9,
  issued: '2026-12-01T04:00:00Z',
  expires: '2026-12-03T04:00:00Z',
  attestation: { sequence: 3, hash: 'sha256:x' },
  signal: { kind: 'none' },
} as unknown as HeartbeatData;
const state = (now: string, a: AttestationData | undefined = att, h: HeartbeatData | undefined = hb, verdict?: string) =>
  monitorState(a, h, new Date(now), verdict).state;

describe('monitorState', () => {
  it.each([
    ['2026-12-02T03:59:59Z', 'current'],
    ['2026-12-02T04:00:00Z', 'due'],
    ['2026-12-02T04:59:59Z', 'due'],
    ['2026-12-02T05:00:00Z', 'late'],
    ['2026-12-03T03:59:59Z', 'late'],
    ['2026-12-03T04:00:00Z', 'expired'],
  ])('at %s: %s', (now, want) => expect(state(now)).toBe(want));

  it('names the next expected heartbeat, never after the attestation expires', () => {
    expect(monitorState(att, hb, new Date('2026-12-01T05:00:00Z')).nextHeartbeat).toBe('2026-12-02T04:00:00Z');
    const ending = { ...att, expires: '2026-12-01T12:00:00Z' } as AttestationData;
    expect(monitorState(ending, hb, new Date('2026-12-01T05:00:00Z')).nextHeartbeat).toBe('2026-12-01T12:00:00Z');
  });

  it('expired with the attestation, whatever the heartbeat says', () => {
    expect(state('2026-12-31T00:00:00Z', att, { ...hb, expires: '2027-01-02T00:00:00Z' })).toBe('expired');
  });

  it('a heartbeat of an older attestation does not keep a new one current', () => {
    expect(state('2026-12-01T05:00:00Z', att, { ...hb, attestation: { sequence: 2, hash: 'sha256:y' } })).toBe('expired');
  });

  it('tripped by a duress or final signal, or a tripped check, before anything else', () => {
    expect(state('2027-02-01T00:00:00Z', { ...att, signal: { kind: 'duress', message: 'x' } })).toBe('tripped');
    expect(state('2026-12-01T05:00:00Z', att, { ...hb, signal: { kind: 'final', message: 'x' } })).toBe('tripped');
    expect(state('2026-12-01T05:00:00Z', att, hb, 'tripped')).toBe('tripped');
  });

  it('none without an attestation', () => {
    expect(monitorState(undefined, undefined, new Date('2026-12-01T05:00:00Z'))).toEqual({ state: 'none', nextHeartbeat: null });
  });

  it('the JSON carries the state, the times and the checkpoint', () => {
    const json = JSON.parse(
      canaryMonitorJson({
        built: '2026-12-01T05:00:00Z',
        now: new Date('2026-12-01T05:00:00Z'),
        attestation: { data: att, hash: 'sha256:a' },
        heartbeat: { data: hb, hash: 'sha256:h' },
        log: { origin: 'o/canary/log', checkpoint: 'o/canary/log\n1\nAAAA\n\n— sig\n', size: 1, root: 'AAAA', witnesses: [] },
      }),
    );
    expect(json).toMatchObject({
      format: 'candor-canary-monitor/1',
      state: 'current',
      nextHeartbeat: '2026-12-02T04:00:00Z',
      attestation: { sequence: 3, expires: '2026-12-31T00:00:00Z' },
      checkpoint: { url: '/canary/log/checkpoint', size: 1, root: 'AAAA' },
    });
  });
});
