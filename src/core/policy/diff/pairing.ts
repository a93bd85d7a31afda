/**
 * Pairs the removed and added blocks of one changed region, so that an edited paragraph
 * shows as one modified block with a word diff instead of a deletion and an insertion.
 *
 * Two blocks pair when they have the same shape (kind, heading level, list nesting…)
 * and share at least half of their words: Dice similarity 2·|common| / (|a| + |b|)
 * ≥ 0.5, on lower-cased words, punctuation left out (commas would make any two
 * sentences look alike). Below that, a word diff interleaves so many [-…-]{+…+} runs
 * that it reads worse than the old paragraph followed by the new one.
 *
 * Pairs keep document order on both sides (so the result is still a diff), and each
 * removed block only looks at the next WINDOW added blocks: a region can be a whole
 * rewritten document, and comparing every block with every other would be O(n²).
 */
import type { Token } from './tokens.ts';

export const PAIR_THRESHOLD = 0.5;
const WINDOW = 8;

export interface Candidate {
  shapeKey: string;
  tokens: readonly Token[];
}

type Bag = Map<string, number>;

function bagOf(tokens: readonly Token[]): { bag: Bag; size: number } {
  const bag: Bag = new Map();
  let size = 0;
  for (const t of tokens) {
    if (t.type === 'punct' || t.type === 'cell') continue;
    const word = t.text.toLowerCase();
    bag.set(word, (bag.get(word) ?? 0) + 1);
    size++;
  }
  return { bag, size };
}

export function similarity(a: readonly Token[], b: readonly Token[]): number {
  return dice(bagOf(a), bagOf(b));
}

function dice(x: { bag: Bag; size: number }, y: { bag: Bag; size: number }): number {
  if (x.size + y.size === 0) return 1;
  let common = 0;
  for (const [word, n] of x.bag) common += Math.min(n, y.bag.get(word) ?? 0);
  return (2 * common) / (x.size + y.size);
}

/** Index pairs [removed, added], increasing on both sides. */
export function pairBlocks(removed: readonly Candidate[], added: readonly Candidate[]): [number, number][] {
  const pairs: [number, number][] = [];
  let next = 0;
  for (let r = 0; r < removed.length && next < added.length; r++) {
    const best = bestMatch(removed[r]!, added, next);
    if (best < 0) continue;
    pairs.push([r, best]);
    next = best + 1;
  }
  return pairs;
}

function bestMatch(block: Candidate, added: readonly Candidate[], from: number): number {
  let best = -1;
  let bestScore = PAIR_THRESHOLD;
  const own = bagOf(block.tokens);
  for (let j = from; j < Math.min(added.length, from + WINDOW); j++) {
    const other = added[j]!;
    if (other.shapeKey !== block.shapeKey) continue;
    const score = dice(own, bagOf(other.tokens));
    if (score >= bestScore && (best < 0 || score > bestScore)) {
      best = j;
      bestScore = score;
    }
  }
  return best;
}
