/**
 * Published versions are never rewritten silently: a version file that differs from the
 * published one (in git at the base ref) must add a correction with a date and reason.
 */
import type { PolicyVersion } from './model.ts';
import { problem, type Problem } from './problems.ts';
import { parsePolicyVersion } from './parse.ts';

/** `published`: source of each version file at the base ref, by path under content/. */
export function historyProblems(current: PolicyVersion[], published: Map<string, string>): Problem[] {
  const out: Problem[] = [];
  const currentPaths = new Set(current.map((v) => v.path));
  for (const v of current) {
    const before = published.get(v.path);
    if (before === undefined || before === v.source) continue;
    let old: PolicyVersion | undefined;
    try {
      old = parsePolicyVersion(before, v.path);
    } catch {
      old = undefined;
    }
    if (v.corrections.length <= (old?.corrections.length ?? 0)) {
      out.push(
        problem('error', 'HISTORY_REWRITTEN', `content/${v.path}`, `version ${v.version} was already published and has changed without a correction entry`, {
          field: 'corrections',
          hint: 'Publish a new version instead, or, to fix an error in place, add: corrections: [{ date: YYYY-MM-DD, reason: "…" }]',
        }),
      );
    }
  }
  for (const path of published.keys()) {
    if (!currentPaths.has(path))
      out.push(
        problem('error', 'HISTORY_REWRITTEN', `content/${path}`, 'a published version was deleted', {
          hint: 'Published versions stay: readers hold permalinks to them.',
        }),
      );
  }
  return out;
}
