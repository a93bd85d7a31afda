/**
 * Word-level diff of two versions of a Markdown policy body.
 *
 * 1. Blocks are aligned on their inline SOURCE (cheap: no inline parsing). Blocks with
 *    the same source have the same tokens, so they are unchanged and never parsed.
 * 2. Each changed region is inline-parsed and aligned again on TOKENS: a reflowed or
 *    re-indented paragraph has a different source but the same tokens, so it drops out
 *    here. What is left is paired (pairing.ts): an edited paragraph is one modified
 *    block, a moved one is removed in one place and added in another.
 * 3. Paired blocks get a word diff.
 * Only changed blocks are inline-parsed, so a small edit to a 100 KB policy costs a
 * block parse and a few paragraphs, not the whole document.
 */
import { CandorError } from '../../errors.ts';
import { itemPlace, scanBlocks, sections, shapeOf, tokensAt, type Block, type BlockKind, type BlockShape, type ScannedDoc } from './blocks.ts';
import { pairBlocks, type Candidate } from './pairing.ts';
import { diffSequences, type Run } from './sequence.ts';
import { plainText, tokenKey, wordCount, type Token } from './tokens.ts';

export type OpKind = 'equal' | 'insert' | 'delete';
export interface DiffOp {
  op: OpKind;
  tokens: Token[];
}

export type HunkKind = 'added' | 'removed' | 'modified';
/** One changed block. Unchanged blocks are left out; the indexes let applyDiff put them back. */
export interface Hunk {
  kind: HunkKind;
  /** The headings above the block: in the new version, or in the old one for a removed block. */
  section: string[];
  /** Where the block is, for people: the section, then the list item it is in ("2. What we collect", "2.5"). */
  context: string[];
  /** In a list: each enclosing list's item number, outermost first; null in a bullet list. */
  numbers?: (number | null)[];
  blockKind: BlockKind;
  shape: BlockShape;
  /** The block's index in the old version's blocks (removed and modified). */
  aIndex?: number;
  /** The block's index in the new version's blocks (added and modified). */
  bIndex?: number;
  /** Added: one insert; removed: one delete; modified: the word diff. Empty for a rule (hr). */
  ops: DiffOp[];
}

export interface DiffStats {
  insertedWords: number;
  deletedWords: number;
  changedBlocks: number;
}

export interface PolicyDiff {
  hunks: Hunk[];
  stats: DiffStats;
}

interface Side {
  doc: ScannedDoc;
  sections: string[][];
}

export function diffPolicies(a: string, b: string): PolicyDiff {
  const left = load(a);
  const right = load(b);
  // Same source, different link reference definitions: a `[text][ref]` may point
  // elsewhere. Such blocks never match on source and go to the token comparison.
  const refsDiffer = JSON.stringify(left.doc.env.references ?? {}) !== JSON.stringify(right.doc.env.references ?? {});
  const runs = diffSequences(sourceKeys(left.doc, refsDiffer, 'a'), sourceKeys(right.doc, refsDiffer, 'b'));
  const hunks: Hunk[] = [];
  forEachRegion(runs, (aLo, aHi, bLo, bHi) => diffRegion(left, right, [aLo, aHi, bLo, bHi], hunks));
  return { hunks, stats: statsOf(hunks) };
}

function load(body: string): Side {
  const doc = scanBlocks(body);
  return {
    doc,
    sections: sections(
      doc.blocks.map((b) => b.shape),
      (i) => plainText(tokensAt(doc, i)),
    ),
  };
}

function sourceKeys(doc: ScannedDoc, refsDiffer: boolean, side: string): string[] {
  return doc.blocks.map((b) => {
    const key = `${b.shapeKey}\u0002${b.source.join('\u0001')}`;
    return refsDiffer && b.source.some((s) => s.includes('[')) ? `${key}\u0003${side}` : key;
  });
}

/** Calls `visit` with the index ranges [aLo, aHi) × [bLo, bHi) of each changed region. */
function forEachRegion(runs: readonly Run[], visit: (aLo: number, aHi: number, bLo: number, bHi: number) => void): void {
  let a = 0;
  let b = 0;
  let aStart = 0;
  let bStart = 0;
  for (const run of runs) {
    if (run.op === 'equal') {
      if (a > aStart || b > bStart) visit(aStart, a, bStart, b);
      a += run.count;
      b += run.count;
      aStart = a;
      bStart = b;
    } else if (run.op === 'delete') a += run.count;
    else b += run.count;
  }
  if (a > aStart || b > bStart) visit(aStart, a, bStart, b);
}

type Range = [aLo: number, aHi: number, bLo: number, bHi: number];

/** Step 2: realign a region on tokens, then pair what still differs. */
function diffRegion(left: Side, right: Side, [aLo, aHi, bLo, bHi]: Range, hunks: Hunk[]): void {
  const aKeys = blockKeys(left.doc, aLo, aHi);
  const bKeys = blockKeys(right.doc, bLo, bHi);
  forEachRegion(diffSequences(aKeys, bKeys), (x0, x1, y0, y1) => pairRegion(left, right, [aLo + x0, aLo + x1, bLo + y0, bLo + y1], hunks));
}

function blockKeys(doc: ScannedDoc, lo: number, hi: number): string[] {
  const keys: string[] = [];
  for (let i = lo; i < hi; i++) keys.push(`${doc.blocks[i]!.shapeKey}\u0002${tokensAt(doc, i).map(tokenKey).join('\u0001')}`);
  return keys;
}

function candidates(doc: ScannedDoc, lo: number, hi: number): Candidate[] {
  const out: Candidate[] = [];
  for (let i = lo; i < hi; i++) out.push({ shapeKey: doc.blocks[i]!.shapeKey, tokens: tokensAt(doc, i) });
  return out;
}

/** Emits the region's hunks in document order: removed, added, then each modified pair. */
function pairRegion(left: Side, right: Side, [aLo, aHi, bLo, bHi]: Range, hunks: Hunk[]): void {
  const pairs = pairBlocks(candidates(left.doc, aLo, aHi), candidates(right.doc, bLo, bHi));
  let i = aLo;
  let j = bLo;
  for (const [r, s] of [...pairs, [aHi - aLo, bHi - bLo]] as const) {
    for (; i < aLo + r; i++) hunks.push(wholeHunk(left, i, 'removed'));
    for (; j < bLo + s; j++) hunks.push(wholeHunk(right, j, 'added'));
    if (i < aHi && j < bHi) hunks.push(modifiedHunk(left, right, i++, j++));
  }
}

/** The block's section, context and list numbers: the fields a hunk takes from the version it shows. */
function placeOf(side: Side, i: number): Pick<Hunk, 'section' | 'context' | 'numbers'> {
  const section = side.sections[i]!;
  const place = itemPlace(side.doc, i, (k) => plainText(tokensAt(side.doc, k)));
  return { section, context: [...section, ...place.context], ...(place.numbers.length > 0 ? { numbers: place.numbers } : {}) };
}

function wholeHunk(side: Side, i: number, kind: 'added' | 'removed'): Hunk {
  const shape = shapeOf(side.doc.blocks[i]!.shape);
  const tokens = tokensAt(side.doc, i);
  const ops: DiffOp[] = tokens.length > 0 ? [{ op: kind === 'added' ? 'insert' : 'delete', tokens }] : [];
  const where = kind === 'added' ? { bIndex: i } : { aIndex: i };
  return { kind, ...placeOf(side, i), blockKind: shape.kind, shape, ...where, ops };
}

function modifiedHunk(left: Side, right: Side, i: number, j: number): Hunk {
  const shape = shapeOf(right.doc.blocks[j]!.shape);
  const ops = wordOps(tokensAt(left.doc, i), tokensAt(right.doc, j));
  return { kind: 'modified', ...placeOf(right, j), blockKind: shape.kind, shape, aIndex: i, bIndex: j, ops };
}

/** Step 3: the word diff of two blocks' tokens. Equal runs carry the new tokens. */
export function wordOps(a: readonly Token[], b: readonly Token[]): DiffOp[] {
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  for (const run of diffSequences(a.map(tokenKey), b.map(tokenKey))) {
    if (run.op === 'delete') ops.push({ op: 'delete', tokens: a.slice(i, (i += run.count)) });
    else if (run.op === 'insert') ops.push({ op: 'insert', tokens: b.slice(j, (j += run.count)) });
    else {
      ops.push({ op: 'equal', tokens: b.slice(j, (j += run.count)) });
      i += run.count;
    }
  }
  return ops;
}

function statsOf(hunks: readonly Hunk[]): DiffStats {
  let insertedWords = 0;
  let deletedWords = 0;
  for (const op of hunks.flatMap((h) => h.ops)) {
    const words = op.tokens.reduce((n, t) => n + wordCount(t), 0);
    if (op.op === 'insert') insertedWords += words;
    if (op.op === 'delete') deletedWords += words;
  }
  return { insertedWords, deletedWords, changedBlocks: hunks.length };
}

/**
 * The new version's blocks, from the old version's blocks and the diff: unchanged
 * blocks come from `aBlocks`, changed ones from the hunks (equal and inserted tokens).
 * This is what makes a diff checkable: applyDiff(parseBlocks(a), diffPolicies(a, b))
 * equals parseBlocks(b), token for token.
 */
export function applyDiff(aBlocks: readonly Block[], diff: PolicyDiff): Block[] {
  const gone = new Set(diff.hunks.flatMap((h) => (h.aIndex === undefined ? [] : [h.aIndex])));
  const placed = new Map(diff.hunks.flatMap((h) => (h.bIndex === undefined ? [] : [[h.bIndex, h] as const])));
  const kept = aBlocks.filter((_, i) => !gone.has(i));
  if ([...gone].some((i) => i >= aBlocks.length) || [...placed.keys()].some((i) => i >= kept.length + placed.size)) {
    throw new CandorError('DIFF_MISMATCH', 'the diff does not apply to these blocks', { hint: 'apply a diff to the blocks of the version it was made from' });
  }
  const out: { shape: BlockShape; tokens: Token[] }[] = [];
  let next = 0;
  for (let bi = 0; bi < kept.length + placed.size; bi++) {
    const hunk = placed.get(bi);
    if (hunk === undefined) {
      const block = kept[next++]!;
      out.push({ shape: block, tokens: block.tokens });
    } else out.push({ shape: hunk.shape, tokens: hunk.ops.flatMap((o) => (o.op === 'delete' ? [] : o.tokens)) });
  }
  const trails = sections(
    out.map((o) => o.shape),
    (i) => plainText(out[i]!.tokens),
  );
  return out.map((o, i) => ({ ...shapeOf(o.shape), section: trails[i]!, tokens: o.tokens }));
}
