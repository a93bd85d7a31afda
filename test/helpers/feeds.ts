/** Fixed inputs for the feed tests: two policies, two reports, two attestations (one under duress). */
import { composeAttestation } from '../../src/core/canary/compose.ts';
import type { FeedSource } from '../../src/core/feeds.ts';
import { FIXED_CONFIG, SERVICE } from './fixed.ts';
import { RETENTION_30, RETENTION_45, policySet } from './policy.ts';
import { fixtureReports } from './report.ts';
import { STATEMENTS } from './world.ts';

export function feedSource(): FeedSource {
  const first = composeAttestation(
    { service: SERVICE, config: FIXED_CONFIG, statements: STATEMENTS, documents: [] },
    { now: new Date('2026-01-10T09:00:00Z') },
  );
  const second = composeAttestation(
    {
      service: SERVICE,
      config: FIXED_CONFIG,
      statements: STATEMENTS,
      documents: [],
      signal: { kind: 'duress', message: 'We received an order <we cannot> talk about & more.' },
    },
    { now: new Date('2026-03-01T09:30:00Z') },
  );
  const attestations = [first.data, { ...second.data, sequence: 2 }];
  return {
    service: SERVICE,
    tagAuthority: 'lumen-mail.example,2024',
    policies: policySet({
      privacy: [
        { version: '1.0', effective: '2025-01-01', change: 'material', summary: 'First published version.', facts: RETENTION_45 },
        {
          version: '2.0',
          published: '2026-02-01',
          effective: '2026-03-03',
          change: 'material',
          summary: 'Backups of deleted mail are kept **30 days** instead of 45. <script>alert(1)</script>',
          facts: RETENTION_30,
          corrections: [{ date: '2026-02-05', reason: 'Fixed a typo in section 2.' }],
        },
        // Published in the future: not in the feed yet.
        { version: '2.1', published: '2026-12-01', effective: '2027-01-15', change: 'minor', summary: 'Not yet.', facts: RETENTION_30 },
      ],
      mail: [{ version: '1.0', effective: '2025-03-01', change: 'minor', summary: 'Mail supplement "for IMAP & SMTP" published.', supplements: 'privacy' }],
    }),
    reports: fixtureReports(),
    attestations,
    now: new Date('2026-03-02T00:00:00Z'),
  };
}
