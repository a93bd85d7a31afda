import { describe, expect, it } from 'vitest';
import { historyProblems } from '../../src/core/policy/history.ts';
import { version, versionSource } from '../helpers/policy.ts';

const spec = { version: '1.0', effective: '2025-01-01' };
const published = new Map([['policies/privacy/1.0.md', versionSource(spec)]]);

describe('published versions are not rewritten', () => {
  it('accepts an unchanged file and new versions', () => {
    expect(historyProblems([version(spec), version({ version: '1.1', effective: '2025-06-01' })], published)).toEqual([]);
  });

  it('refuses an edit without a correction entry', () => {
    const edited = version({ ...spec, body: '## 1. Who we are\n\nSomething else entirely.\n' });
    expect(historyProblems([edited], published).map((p) => p.code)).toEqual(['HISTORY_REWRITTEN']);
  });

  it('accepts an edit recorded as a correction with a reason', () => {
    const corrected = version({ ...spec, body: '## 1. Who we are\n\nLumen Mail is a small email service.\n', corrections: [{ date: '2025-01-05', reason: 'Fixed the service name.' }] });
    expect(historyProblems([corrected], published)).toEqual([]);
  });

  it('refuses deleting a published version', () => {
    expect(historyProblems([], published).map((p) => p.code)).toEqual(['HISTORY_REWRITTEN']);
  });
});
