/** Golden changelog: entries newest first, with status, facts diff and stable links. */
import { describe, expect, it } from 'vitest';
import { changelog, currentVersion, upcomingVersions } from '../../src/core/policy/changelog.ts';
import { RETENTION_30, RETENTION_45, policySet } from '../helpers/policy.ts';

const now = new Date('2026-11-23T12:00:00Z');
const set = policySet({
  privacy: [
    { version: '1.0', effective: '2025-01-01', change: 'material', summary: 'First published version.', facts: RETENTION_45 },
    { version: '1.1', effective: '2025-06-01', change: 'editorial', summary: 'Fixed typos.', facts: RETENTION_45 },
    {
      version: '2.0',
      published: '2026-10-01',
      effective: '2026-11-01',
      change: 'material',
      summary: 'Backups of deleted mail are kept 30 days instead of 45.',
      facts: { ...RETENTION_30, thirdParties: [{ name: 'Avatarly', role: 'avatar images', receives: ['hashed sender address'] }] },
    },
    { version: '2.1', published: '2026-11-20', effective: '2027-01-15', change: 'material', summary: 'We stop using the avatar service.', facts: RETENTION_30 },
  ],
  mail: [{ version: '1.0', effective: '2025-03-01', change: 'minor', summary: 'Mail supplement published.', supplements: 'privacy' }],
});

describe('changelog', () => {
  it('knows the current and upcoming versions', () => {
    expect(currentVersion(set.get('privacy')!, now)?.version).toBe('2.0');
    expect(upcomingVersions(set.get('privacy')!, now).map((v) => v.version)).toEqual(['2.1']);
  });

  it('lists every policy newest first', async () => {
    await expect(JSON.stringify(changelog(set, now), null, 2)).toMatchFileSnapshot('./files/changelog.json');
  });
});
