import { describe, expect, it } from 'vitest';
import { ContentError } from '../../src/core/errors.ts';
import { compareVersions } from '../../src/core/policy/model.ts';
import { parsePolicyVersion } from '../../src/core/policy/parse.ts';
import { versionSource } from '../helpers/policy.ts';

function refusal(source: string, path = 'policies/privacy/1.0.md'): ContentError {
  try {
    parsePolicyVersion(source, path);
  } catch (error) {
    expect(error).toBeInstanceOf(ContentError);
    return error as ContentError;
  }
  throw new Error('expected a refusal');
}

describe('parsePolicyVersion', () => {
  it('reads front matter, facts and body', () => {
    const v = parsePolicyVersion(
      versionSource({ version: '1.0', effective: '2025-01-01', facts: { jurisdiction: 'Belgium (EU GDPR)' } }),
      'policies/privacy/1.0.md',
    );
    expect(v).toMatchObject({
      policy: 'privacy',
      version: '1.0',
      effective: '2025-01-01',
      language: 'en',
      corrections: [],
      facts: { jurisdiction: 'Belgium (EU GDPR)' },
    });
    expect(v.body).toContain('## 1. Who we are');
  });

  it.each([
    ['no front matter', '# Privacy\n', 'FRONT_MATTER_INVALID', undefined],
    ['unclosed front matter', '---\ntitle: x\n', 'FRONT_MATTER_INVALID', undefined],
    ['broken YAML', '---\ntitle: [x\n---\n', 'YAML_INVALID', undefined],
    ['an unknown field', versionSource({ version: '1.0', effective: '2025-01-01', efective: '2025-01-01' }), 'SCHEMA_INVALID', 'efective'],
    ['an impossible date', versionSource({ version: '1.0', effective: '2025-02-30' }), 'SCHEMA_INVALID', 'effective'],
    ['an empty summary', versionSource({ version: '1.0', effective: '2025-01-01', summary: '   ' }), 'SCHEMA_INVALID', 'summary'],
    [
      'facts of the wrong shape',
      versionSource({ version: '1.0', effective: '2025-01-01', facts: { retention: [{ what: 'backups', period: 'forever-ish' }] } }),
      'SCHEMA_INVALID',
      'facts.retention[0].period',
    ],
    ['an unknown change class', versionSource({ version: '1.0', effective: '2025-01-01', change: 'cosmetic' as 'minor' }), 'SCHEMA_INVALID', 'change'],
  ])('refuses %s', (_label, source, code, field) => {
    const error = refusal(source);
    expect(error.code).toBe(code);
    expect(error.details.file).toBe('content/policies/privacy/1.0.md');
    if (field) expect(error.details.field).toBe(field);
  });

  it('refuses a file named after another version', () => {
    expect(refusal(versionSource({ version: '1.1', effective: '2025-01-01' })).details.field).toBe('version');
  });

  it('compares versions part by part', () => {
    expect(compareVersions('2.10', '2.9')).toBeGreaterThan(0);
    expect(compareVersions('2', '2.0')).toBe(0);
    expect(compareVersions('1.9.9', '2')).toBeLessThan(0);
  });
});
