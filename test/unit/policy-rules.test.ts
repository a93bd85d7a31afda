import { describe, expect, it } from 'vitest';
import { checkPolicies } from '../../src/core/policy/rules.ts';
import { RETENTION_30, RETENTION_45, policySet } from '../helpers/policy.ts';

const now = new Date('2026-11-23T12:00:00Z');
const codes = (entries: Parameters<typeof policySet>[0], noticePeriodDays = 30) =>
  checkPolicies(policySet(entries), { now, noticePeriodDays }).map((p) => `${p.level}:${p.code}`);

describe('policy rules', () => {
  it('accepts a clean history', () => {
    expect(
      codes({
        privacy: [
          { version: '1.0', effective: '2025-01-01' },
          { version: '1.1', effective: '2025-06-01' },
        ],
      }),
    ).toEqual([]);
  });

  it('refuses versions out of order, backwards dates and two versions on one day', () => {
    expect(
      codes({
        privacy: [
          { version: '1.0', effective: '2025-06-01' },
          { version: '1.1', effective: '2025-01-01' },
        ],
      }),
    ).toContain('error:VERSION_ORDER');
    expect(
      codes({
        privacy: [
          { version: '1.0', effective: '2025-06-01' },
          { version: '1.1', effective: '2025-06-01' },
        ],
      }),
    ).toContain('error:SAME_DAY_EFFECTIVE');
    expect(
      codes({
        privacy: [
          { version: '1.1', effective: '2025-01-01' },
          { version: '1.1', effective: '2025-06-01' },
        ],
      }),
    ).toContain('error:VERSION_ORDER');
  });

  it('enforces the notice period of a material change, at its boundary', () => {
    const at = (published: string) =>
      codes({
        privacy: [
          { version: '1.0', effective: '2025-01-01' },
          { version: '2.0', change: 'material', published, effective: '2025-06-01' },
        ],
      });
    expect(at('2025-05-03')).toContain('error:NOTICE_TOO_SHORT');
    expect(at('2025-05-02')).toEqual([]);
  });

  it('refuses an editorial change that changes facts, and accepts one that does not', () => {
    const editorial = (facts: Record<string, unknown>) =>
      codes({
        privacy: [
          { version: '1.0', effective: '2025-01-01', facts: RETENTION_45 },
          { version: '1.1', change: 'editorial', effective: '2025-06-01', facts },
        ],
      });
    expect(editorial(RETENTION_30)).toContain('error:EDITORIAL_CHANGES_FACTS');
    expect(editorial(RETENTION_45)).toEqual([]);
  });

  it('flags an upcoming version without refusing it', () => {
    expect(
      codes({
        privacy: [
          { version: '1.0', effective: '2025-01-01' },
          { version: '2.0', change: 'material', published: '2026-11-20', effective: '2027-01-15' },
        ],
      }),
    ).toEqual(['note:UPCOMING']);
  });

  it('refuses publication after the effective date', () => {
    expect(codes({ privacy: [{ version: '1.0', effective: '2025-01-01', published: '2025-02-01' }] })).toContain('error:PUBLISHED_AFTER_EFFECTIVE');
  });

  it('refuses a supplement of a missing policy', () => {
    expect(codes({ mail: [{ version: '1.0', effective: '2025-01-01', supplements: 'general' }] })).toContain('error:SUPPLEMENT_MISSING');
    expect(
      codes({ privacy: [{ version: '1.0', effective: '2025-01-01' }], mail: [{ version: '1.0', effective: '2025-01-01', supplements: 'privacy' }] }),
    ).toEqual([]);
  });

  it('reports a translation behind its source as stale, and a missing source as an error', () => {
    const base = [
      { version: '1.0', effective: '2025-01-01' },
      { version: '1.1', effective: '2025-06-01' },
    ];
    expect(
      codes({
        privacy: base,
        'privacy-fr': [{ version: '1.0', effective: '2025-01-02', language: 'fr', translationOf: { policy: 'privacy', version: '1.0' } }],
      }),
    ).toContain('warning:TRANSLATION_STALE');
    expect(
      codes({
        privacy: base,
        'privacy-fr': [{ version: '1.0', effective: '2025-06-02', language: 'fr', translationOf: { policy: 'privacy', version: '1.1' } }],
      }),
    ).toEqual([]);
    expect(
      codes({ privacy: base, 'privacy-fr': [{ version: '1.0', effective: '2025-06-02', translationOf: { policy: 'privacy', version: '9.0' } }] }),
    ).toContain('error:TRANSLATION_SOURCE_MISSING');
  });
});
