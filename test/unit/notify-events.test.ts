/** Which events the content yields on a given day: ids, phases, links, order. */
import { describe, expect, it } from 'vitest';
import { collectEvents, eventDay, type EventSources } from '../../src/core/notify/events.ts';
import type { NoticeEvent } from '../../src/core/notify/model.ts';
import { EVENT_FIXTURE as FIXTURE } from '../helpers/notify.ts';

const ids = (events: NoticeEvent[]) => events.map((e) => e.id);
const at = (now: string, patch: Partial<EventSources> = {}) => collectEvents({ ...FIXTURE, now: new Date(now), ...patch });

describe('collectEvents', () => {
  it('announces what has been published by now, oldest first, with stable ids', () => {
    expect(ids(at('2026-11-23T12:00:00Z'))).toEqual([
      'policy:privacy@1.0:published',
      'policy:mail@1.0:published',
      'report:2025-h1',
      'policy:privacy@2.0:published',
      'attestation:1',
      'policy:privacy@2.0:effective',
      'policy:privacy@2.1:published',
    ]);
  });

  it('announces an upcoming material change when published, with the facts diff and compare link', () => {
    const upcoming = at('2026-11-23T12:00:00Z').find((e) => e.id === 'policy:privacy@2.1:published');
    expect(upcoming).toMatchObject({
      kind: 'policy-version',
      phase: 'published',
      version: '2.1',
      previous: '2.0',
      change: 'material',
      effective: '2027-01-15',
      facts: [{ area: 'jurisdiction', kind: 'added' }],
      links: {
        version: 'https://lumen-mail.example/policies/privacy/2.1/',
        diff: 'https://lumen-mail.example/policies/privacy/compare/2.0...2.1/',
        changelog: 'https://lumen-mail.example/policies/changelog/',
      },
    });
  });

  it('adds the "now in effect" notice from the first second of the effective day (UTC), and only then', () => {
    expect(ids(at('2027-01-14T23:59:59Z'))).not.toContain('policy:privacy@2.1:effective');
    expect(ids(at('2027-01-15T00:00:00Z'))).toContain('policy:privacy@2.1:effective');
  });

  it('has no effective notice when announceEffective is off, for minor changes, or without a notice period', () => {
    const all = ids(at('2027-06-01T00:00:00Z', { announceEffective: false }));
    expect(all.filter((id) => id.endsWith(':effective'))).toEqual([]);
    const on = ids(at('2027-06-01T00:00:00Z'));
    expect(on).not.toContain('policy:mail@1.0:effective');
    expect(on).not.toContain('policy:privacy@1.0:effective');
  });

  it('links reports and attestations on the site, and dates events by their own day', () => {
    const events = at('2026-11-23T12:00:01Z');
    const r = events.find((e) => e.id === 'report:2025-h1')!;
    expect(r).toMatchObject({
      kind: 'report',
      links: {
        report: 'https://lumen-mail.example/transparency/2025-h1/',
        json: 'https://lumen-mail.example/transparency/2025-h1.json',
        csv: 'https://lumen-mail.example/transparency/requests.csv',
      },
    });
    const a = events.find((e) => e.id === 'attestation:2')!;
    expect(a).toMatchObject({
      kind: 'attestation',
      sequence: 2,
      signal: 'none',
      message: null,
      links: { canary: 'https://lumen-mail.example/canary/', verify: 'https://lumen-mail.example/canary.txt' },
    });
    expect(eventDay(a)).toBe('2026-11-23');
    expect(ids(events)).not.toContain('report:2026-h2');
  });

  it('gives the same events for the same input, whatever the order of versions', () => {
    const shuffled = new Map([...FIXTURE.policies].map(([k, v]) => [k, [...v].reverse()]));
    expect(at('2026-11-23T12:00:00Z', { policies: shuffled })).toEqual(at('2026-11-23T12:00:00Z'));
  });

  it('keeps a path prefix of the site address', () => {
    const e = at('2026-11-23T12:00:00Z', { siteUrl: 'https://example.org/lumen' }).find((x) => x.kind === 'report')!;
    expect(e.kind === 'report' && e.links.report).toBe('https://example.org/lumen/transparency/2025-h1/');
  });
});
