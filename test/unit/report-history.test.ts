import { describe, expect, it } from 'vitest';
import { reportHistoryProblems } from '../../src/core/report/checks.ts';
import { parseReport } from '../../src/core/report/parse.ts';
import { report, reportSource, type ReportSpec } from '../helpers/report.ts';

const spec: ReportSpec = { id: '2025-h1', requests: [{ received: 3, outcomes: { rejected: 3 } }] };
const PATH = 'transparency/2025-h1.md';
const published = new Map([[PATH, reportSource(spec)]]);
const codes = (current: ReportSpec, before = published): string[] => reportHistoryProblems([report(current)], before).map((p) => p.code);
const correction = { date: '2025-08-02', reason: 'Three requests were rejected, not two.' };

describe('published reports are not rewritten', () => {
  it('accepts an unchanged file, new reports and a re-formatted front matter', () => {
    expect(reportHistoryProblems([report(spec), report({ id: '2025-h2' })], published)).toEqual([]);
    const reformatted = reportSource(spec).replace('title: Transparency report 2025-h1', 'title: "Transparency report 2025-h1"');
    expect(reformatted).not.toBe(reportSource(spec));
    expect(reportHistoryProblems([parseReport(reformatted, PATH)], published)).toEqual([]);
  });

  it('refuses changed numbers without a new correction entry', () => {
    expect(codes({ ...spec, requests: [{ received: 3, outcomes: { rejected: 2, noData: 1 } }] })).toEqual(['NUMBERS_CHANGED_WITHOUT_CORRECTION']);
    expect(codes({ ...spec, nextReportDue: '2026-02-01' })).toEqual(['NUMBERS_CHANGED_WITHOUT_CORRECTION']);
  });

  it('accepts changed numbers with a new correction entry', () => {
    expect(codes({ ...spec, requests: [{ received: 3, outcomes: { rejected: 2, noData: 1 } }], corrections: [correction] })).toEqual([]);
  });

  it('needs one more correction for each later change', () => {
    const once = new Map([[PATH, reportSource({ ...spec, corrections: [correction] })]]);
    expect(codes({ ...spec, requests: [{ received: 4, outcomes: { rejected: 4 } }], corrections: [correction] }, once)).toEqual([
      'NUMBERS_CHANGED_WITHOUT_CORRECTION',
    ]);
    expect(codes({ ...spec, corrections: [{ ...correction, reason: 'Reworded.' }] }, once)).toEqual(['CORRECTIONS_REWRITTEN']);
    expect(codes({ ...spec, corrections: [] }, once)).toEqual(['CORRECTIONS_REWRITTEN']);
  });

  it('allows narrative edits but notes them', () => {
    const problems = reportHistoryProblems([report({ ...spec, body: 'One notable case.\n' })], published);
    expect(problems.map((p) => [p.level, p.code])).toEqual([['note', 'REPORT_BODY_EDITED']]);
  });

  it('treats a published file that no longer parses as changed data', () => {
    const broken = new Map([[PATH, '---\ntitle: [\n---\n']]);
    expect(codes(spec, broken)).toEqual(['NUMBERS_CHANGED_WITHOUT_CORRECTION']);
    expect(codes({ ...spec, corrections: [correction] }, broken)).toEqual([]);
  });

  it('refuses deleting a published report', () => {
    expect(reportHistoryProblems([], published).map((p) => p.code)).toEqual(['REPORT_DELETED']);
  });
});
