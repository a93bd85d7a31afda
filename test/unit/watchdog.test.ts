/** watchdogProblems: every code, each threshold exactly at its boundary. */
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../src/core/pgp/keys.ts';
import { watchdogProblems, type WatchdogInput } from '../../src/core/watchdog.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date('2026-11-23T12:00:00Z');
const at = (ms: number): string => new Date(now.getTime() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const key = (fingerprint: string, expires: Date | null, revoked = false): KeyInfo => ({
  fingerprint,
  userIDs: ['Ops <ops@privacy.example>'],
  created: new Date('2025-01-01T00:00:00Z'),
  expires,
  revoked,
  isPrivate: false,
  version: 4,
  algorithm: 'eddsaLegacy',
});

const healthy = (): WatchdogInput => ({
  attestation: { sequence: 12, expires: at(60 * DAY), heartbeat: { graceHours: 24 } },
  heartbeat: { sequence: 340, expires: at(40 * HOUR) },
  keys: [key('A'.repeat(40), new Date(now.getTime() + 365 * DAY)), key('B'.repeat(40), null)],
  lastPublishSuccess: new Date(now.getTime() - 2 * HOUR),
  now,
  warnDays: 14,
  publishIntervalHours: 26,
});

const codes = (input: WatchdogInput): string[] => watchdogProblems(input).map((p) => p.code);

describe('watchdogProblems', () => {
  it('finds nothing when everything is fresh', () => {
    expect(watchdogProblems(healthy())).toEqual([]);
  });

  it('attestation: soon at exactly warnDays, not a second before; expired at exactly its expiry', () => {
    const with_ = (ms: number) => codes({ ...healthy(), attestation: { sequence: 12, expires: at(ms) } });
    expect(with_(14 * DAY + 1000)).toEqual([]);
    expect(with_(14 * DAY)).toEqual(['ATTESTATION_EXPIRES_SOON']);
    expect(with_(1000)).toEqual(['ATTESTATION_EXPIRES_SOON']);
    expect(with_(0)).toEqual(['ATTESTATION_EXPIRED']);
    expect(with_(-DAY)).toEqual(['ATTESTATION_EXPIRED']);
  });

  it('an unreadable expiry counts as expired; a missing attestation or heartbeat is reported', () => {
    expect(codes({ ...healthy(), attestation: { sequence: 12, expires: 'soon-ish' } })).toEqual(['ATTESTATION_EXPIRED']);
    expect(codes({ ...healthy(), attestation: null, heartbeat: null })).toEqual(['ATTESTATION_MISSING', 'HEARTBEAT_MISSING']);
  });

  it("heartbeat: warned half the attestation's grace before it expires (not warnDays), expired at its expiry", () => {
    const with_ = (ms: number, extra: Partial<WatchdogInput> = {}) => codes({ ...healthy(), heartbeat: { sequence: 340, expires: at(ms) }, ...extra });
    expect(with_(12 * HOUR + 1000)).toEqual([]);
    expect(with_(12 * HOUR)).toEqual(['HEARTBEAT_EXPIRES_SOON']);
    expect(with_(0)).toEqual(['HEARTBEAT_EXPIRED']);
    // An explicit threshold wins.
    expect(with_(30 * HOUR, { heartbeatWarnHours: 30 })).toEqual(['HEARTBEAT_EXPIRES_SOON']);
    expect(with_(30 * HOUR + 1000, { heartbeatWarnHours: 30 })).toEqual([]);
    // Without the attestation's grace: 12 hours.
    const bare = { ...healthy(), attestation: { sequence: 12, expires: at(60 * DAY) } };
    expect(codes({ ...bare, heartbeat: { sequence: 1, expires: at(12 * HOUR) } })).toEqual(['HEARTBEAT_EXPIRES_SOON']);
    expect(codes({ ...bare, heartbeat: { sequence: 1, expires: at(12 * HOUR + 1000) } })).toEqual([]);
  });

  it('keys: soon at exactly warnDays, expired at exactly their expiry; revoked and non-expiring keys are skipped', () => {
    const with_ = (...keys: KeyInfo[]) => watchdogProblems({ ...healthy(), keys }).map((p) => [p.code, p.subject]);
    const fpr = 'C'.repeat(40);
    expect(with_(key(fpr, new Date(now.getTime() + 14 * DAY + 1000)))).toEqual([]);
    expect(with_(key(fpr, new Date(now.getTime() + 14 * DAY)))).toEqual([['KEY_EXPIRES_SOON', `key:${fpr}`]]);
    expect(with_(key(fpr, new Date(now.getTime())))).toEqual([['KEY_EXPIRED', `key:${fpr}`]]);
    expect(with_(key(fpr, new Date(now.getTime() - DAY), true), key('D'.repeat(40), null))).toEqual([]);
    // Sorted by fingerprint, whatever the input order.
    expect(with_(key('F'.repeat(40), now), key('E'.repeat(40), now)).map(([, s]) => s)).toEqual([`key:${'E'.repeat(40)}`, `key:${'F'.repeat(40)}`]);
  });

  it('publish: overdue only once more than the interval has passed; unknown is not judged', () => {
    const with_ = (msAgo: number | undefined) => {
      const input = healthy();
      if (msAgo === undefined) delete input.lastPublishSuccess;
      else input.lastPublishSuccess = new Date(now.getTime() - msAgo);
      return codes(input);
    };
    expect(with_(26 * HOUR)).toEqual([]);
    expect(with_(26 * HOUR + 1)).toEqual(['PUBLISH_OVERDUE']);
    expect(with_(undefined)).toEqual([]);
  });

  it('reports everything at once, in a stable order, with a readable message each', () => {
    const problems = watchdogProblems({
      attestation: { sequence: 12, expires: at(3 * DAY) },
      heartbeat: { sequence: 340, expires: at(-HOUR) },
      keys: [key('A'.repeat(40), new Date(now.getTime() + 5 * DAY))],
      lastPublishSuccess: new Date(now.getTime() - 3 * DAY),
      now,
      warnDays: 7,
      publishIntervalHours: 24,
    });
    expect(problems.map((p) => p.code)).toEqual(['ATTESTATION_EXPIRES_SOON', 'HEARTBEAT_EXPIRED', 'KEY_EXPIRES_SOON', 'PUBLISH_OVERDUE']);
    for (const p of problems) expect(p.message).toMatch(/\S/);
    expect(problems.every((p) => !p.message.includes('\n'))).toBe(true);
  });

  it('is pure: the same input gives the same answer, and the input is not changed', () => {
    const input = healthy();
    input.attestation = { sequence: 1, expires: at(DAY) };
    const copy = structuredClone(input);
    expect(watchdogProblems(input)).toEqual(watchdogProblems(input));
    expect(input).toEqual(copy);
  });
});
