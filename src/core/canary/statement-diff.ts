/** Differences between the statements of two attestations, by stable ID. */
import type { Statement, StatementChange } from './model.ts';

export interface StatementDiff {
  statement: string;
  change: StatementChange['change'];
}

/** Removed, reworded, reordered (relative order of the kept IDs) and added statements. */
export function diffStatements(before: Statement[], after: Statement[]): StatementDiff[] {
  const afterById = new Map(after.map((s) => [s.id, s]));
  const beforeIds = new Set(before.map((s) => s.id));
  const diffs: StatementDiff[] = [];
  for (const s of before) {
    const now = afterById.get(s.id);
    if (!now) diffs.push({ statement: s.id, change: 'removed' });
    else if (now.text !== s.text) diffs.push({ statement: s.id, change: 'reworded' });
  }
  const keptBefore = before.filter((s) => afterById.has(s.id)).map((s) => s.id);
  const keptAfter = after.filter((s) => beforeIds.has(s.id)).map((s) => s.id);
  keptBefore.forEach((id, i) => {
    if (keptAfter[i] !== id) diffs.push({ statement: id, change: 'reordered' });
  });
  for (const s of after) if (!beforeIds.has(s.id)) diffs.push({ statement: s.id, change: 'added' });
  return diffs;
}

/** The diffs that the new attestation does not explain with a matching `changes` entry. */
export function unexplained(diffs: StatementDiff[], changes: StatementChange[]): StatementDiff[] {
  return diffs.filter((d) => d.change !== 'added' && !changes.some((c) => c.statement === d.statement && c.change === d.change));
}
