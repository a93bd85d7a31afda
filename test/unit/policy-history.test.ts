import { describe, expect, it } from 'vitest';
import { historyProblems } from '../../src/core/policy/history.ts';
import type { PolicyVersion } from '../../src/core/policy/model.ts';
import { versionNav } from '../../src/core/policy/site.ts';
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
    const corrected = version({
      ...spec,
      body: '## 1. Who we are\n\nLumen Mail is a small email service.\n',
      corrections: [{ date: '2025-01-05', reason: 'Fixed the service name.' }],
    });
    expect(historyProblems([corrected], published)).toEqual([]);
  });

  it('refuses deleting a published version', () => {
    expect(historyProblems([], published).map((p) => p.code)).toEqual(['HISTORY_REWRITTEN']);
  });
});

describe('versionNav: the versions a version page lists', () => {
  const many = Array.from({ length: 30 }, (_, i) => version({ version: `1.${i}`, effective: `2020-01-${String(i + 1).padStart(2, '0')}` }));
  const numbers = (list: (PolicyVersion | null)[]) => list.map((v) => v?.version ?? '…');

  it('lists every version of a short history', () => {
    const few = many.slice(0, 8);
    expect(numbers(versionNav(few, few[3]!, few[7]))).toEqual(few.map((v) => v.version));
  });

  it('in a long history: first, newest, the one in force, and five either side, with gaps marked', () => {
    expect(numbers(versionNav(many, many[15]!, many[25]))).toEqual([
      '1.0',
      '…',
      '1.10',
      '1.11',
      '1.12',
      '1.13',
      '1.14',
      '1.15',
      '1.16',
      '1.17',
      '1.18',
      '1.19',
      '1.20',
      '…',
      '1.25',
      '…',
      '1.29',
    ]);
    expect(numbers(versionNav(many, many[0]!, undefined))).toEqual(['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '…', '1.29']);
  });
});
