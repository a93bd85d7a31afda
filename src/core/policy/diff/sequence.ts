/**
 * Diff of two sequences of keys (blocks, or words inside a block), as runs of
 * equal / delete / insert.
 *
 * jsdiff's Myers algorithm is O((N+M)·D): fine for a paragraph, but on two 2,500-block
 * documents with one block in ten changed it already takes ~50 ms, and seconds when
 * most blocks differ. So this is a patience diff (what `git diff --patience` does):
 * common prefix and suffix are stripped, keys that occur exactly once on each side are
 * anchors (their longest increasing run), and the gaps between anchors are diffed the
 * same way. Only a gap without such anchors goes to jsdiff, with a bounded edit length;
 * past the bound the gap is reported as deleted then inserted (correct, less minimal).
 * No recursion: a work stack, so that no input can overflow the call stack.
 */
import { diffArrays } from 'diff';

export type RunOp = 'equal' | 'delete' | 'insert';
export interface Run {
  op: RunOp;
  count: number;
}

/** Gaps with more edits than this are not worth a minimal diff: too slow, unreadable. */
const MAX_EDIT_LENGTH = 200;

type Task = { equal: number } | { aLo: number; aHi: number; bLo: number; bHi: number };

export function diffSequences(a: readonly string[], b: readonly string[]): Run[] {
  const out: Run[] = [];
  const stack: Task[] = [{ aLo: 0, aHi: a.length, bLo: 0, bHi: b.length }];
  while (stack.length > 0) {
    const task = stack.pop()!;
    if ('equal' in task) push(out, 'equal', task.equal);
    else stack.push(...splitRange(a, b, task, out).reverse());
  }
  return canonical(out);
}

/** Between two equal runs: all deletions, then all insertions (jsdiff may interleave them). */
function canonical(runs: readonly Run[]): Run[] {
  const out: Run[] = [];
  let deleted = 0;
  let inserted = 0;
  for (const run of [...runs, { op: 'equal' as const, count: 0 }]) {
    if (run.op === 'delete') deleted += run.count;
    else if (run.op === 'insert') inserted += run.count;
    else {
      push(out, 'delete', deleted);
      push(out, 'insert', inserted);
      push(out, 'equal', run.count);
      deleted = inserted = 0;
    }
  }
  return out;
}

function push(out: Run[], op: RunOp, count: number): void {
  if (count === 0) return;
  const last = out.at(-1);
  if (last?.op === op) last.count += count;
  else out.push({ op, count });
}

/** Strips the common ends of a range and returns the tasks for what is left, in order. */
function splitRange(a: readonly string[], b: readonly string[], r: { aLo: number; aHi: number; bLo: number; bHi: number }, out: Run[]): Task[] {
  let { aLo, aHi, bLo, bHi } = r;
  const start = aLo;
  while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) {
    aLo++;
    bLo++;
  }
  push(out, 'equal', aLo - start);
  let suffix = 0;
  while (aHi > aLo && bHi > bLo && a[aHi - 1] === b[bHi - 1]) {
    aHi--;
    bHi--;
    suffix++;
  }
  const tail: Task[] = suffix > 0 ? [{ equal: suffix }] : [];
  if (aLo === aHi || bLo === bHi) {
    push(out, 'delete', aHi - aLo);
    push(out, 'insert', bHi - bLo);
    return tail;
  }
  const anchors = uniqueAnchors(a, b, aLo, aHi, bLo, bHi);
  if (anchors.length === 0) {
    gap(a, b, aLo, aHi, bLo, bHi, out);
    return tail;
  }
  const tasks: Task[] = [];
  for (const [ai, bi] of anchors) {
    tasks.push({ aLo, aHi: ai, bLo, bHi: bi }, { equal: 1 });
    aLo = ai + 1;
    bLo = bi + 1;
  }
  tasks.push({ aLo, aHi, bLo, bHi }, ...tail);
  return tasks;
}

/** Keys that occur once in each side of the range, kept in an order both sides agree on. */
function uniqueAnchors(a: readonly string[], b: readonly string[], aLo: number, aHi: number, bLo: number, bHi: number): [number, number][] {
  const inA = occurrences(a, aLo, aHi);
  const inB = occurrences(b, bLo, bHi);
  const pairs: [number, number][] = [];
  for (let i = aLo; i < aHi; i++) {
    const ia = inA.get(a[i]!)!;
    const ib = inB.get(a[i]!);
    if (ia >= 0 && ib !== undefined && ib >= 0) pairs.push([i, ib]);
  }
  return longestIncreasing(pairs);
}

/** key → its index when it occurs once in the range, -1 when more often. */
function occurrences(s: readonly string[], lo: number, hi: number): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = lo; i < hi; i++) seen.set(s[i]!, seen.has(s[i]!) ? -1 : i);
  return seen;
}

/** Patience sorting: the longest subsequence of pairs whose second index increases. */
function longestIncreasing(pairs: [number, number][]): [number, number][] {
  const tails: number[] = [];
  const back = new Int32Array(pairs.length).fill(-1);
  for (let i = 0; i < pairs.length; i++) {
    const v = pairs[i]![1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![1] < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) back[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const result: [number, number][] = [];
  for (let i = tails.at(-1) ?? -1; i >= 0; i = back[i]!) result.push(pairs[i]!);
  return result.reverse();
}

/** A gap without unique anchors: a bounded Myers diff, or all deleted then all inserted. */
function gap(a: readonly string[], b: readonly string[], aLo: number, aHi: number, bLo: number, bHi: number, out: Run[]): void {
  const left = a.slice(aLo, aHi);
  const right = b.slice(bLo, bHi);
  const common = new Set(left);
  const changes = right.some((k) => common.has(k)) ? diffArrays(left, right, { maxEditLength: MAX_EDIT_LENGTH }) : undefined;
  if (changes === undefined) {
    push(out, 'delete', left.length);
    push(out, 'insert', right.length);
    return;
  }
  for (const c of changes) push(out, c.removed ? 'delete' : c.added ? 'insert' : 'equal', c.count);
}
