/**
 * Published reports are never rewritten silently (as for policies, policy/history.ts).
 * Decision: any change of the data (the front matter other than `corrections`, i.e.
 * everything the signed JSON download carries) needs a new correction entry, because
 * readers, journalists and the report's signature rely on the published numbers; a YAML
 * re-formatting that leaves the data equal is not a change. The body is narrative and
 * not part of the signed JSON: editing it is allowed, but noted, so that a reviewer sees it.
 */
import { isDeepStrictEqual } from '../policy/equal.ts';
import { problem, type Problem } from '../policy/problems.ts';
import type { Report } from './model.ts';
import { parseReport } from './parse.ts';

const CORRECTION_HINT = 'Add: corrections: [{ date: YYYY-MM-DD, reason: "…" }] saying what changed and why.';

function parseOld(source: string, path: string): Report | undefined {
  try {
    return parseReport(source, path);
  } catch {
    // A published file that no longer parses is compared as if all its data had changed.
    return undefined;
  }
}

function dataOf(r: Report): unknown {
  const { id: _id, path: _path, body: _body, source: _source, corrections: _corrections, ...data } = r;
  return data;
}

function changedProblems(r: Report, old: Report | undefined): Problem[] {
  const file = `content/${r.path}`;
  const before = old?.corrections ?? [];
  if (!isDeepStrictEqual(r.corrections.slice(0, before.length), before)) {
    return [
      problem('error', 'CORRECTIONS_REWRITTEN', file, 'an earlier correction entry was changed or removed', {
        field: 'corrections',
        hint: 'Keep published corrections as they are and add a new one.',
      }),
    ];
  }
  if (!old || !isDeepStrictEqual(dataOf(r), dataOf(old))) {
    return r.corrections.length > before.length
      ? []
      : [
          problem('error', 'NUMBERS_CHANGED_WITHOUT_CORRECTION', file, `report ${r.id} was already published and its data changed without a correction entry`, {
            field: 'corrections',
            hint: CORRECTION_HINT,
          }),
        ];
  }
  return r.body === old.body ? [] : [problem('note', 'REPORT_BODY_EDITED', file, `the narrative of published report ${r.id} was edited`)];
}

/** `published`: source of each report file at the base ref, by path under content/. */
export function reportHistoryProblems(current: Report[], published: Map<string, string>): Problem[] {
  const out: Problem[] = [];
  for (const r of current) {
    const before = published.get(r.path);
    if (before !== undefined && before !== r.source) out.push(...changedProblems(r, parseOld(before, r.path)));
  }
  const paths = new Set(current.map((r) => r.path));
  for (const path of published.keys()) {
    if (!paths.has(path))
      out.push(
        problem('error', 'REPORT_DELETED', `content/${path}`, 'a published report was deleted', {
          hint: 'Published reports stay: readers and the canary refer to them. Correct it instead.',
        }),
      );
  }
  return out;
}
