/**
 * Comparing imported versions (pure): two snapshots are the same text when they differ
 * only in whitespace and Markdown line wrapping; a change is guessed editorial when it
 * touches few words and no numbers, addresses or links, material otherwise.
 */
import { diffPolicies } from '../diff/word-diff.ts';
import type { ChangeClass } from '../model.ts';
import { plainText } from '../diff/tokens.ts';

/** Whitespace collapsed (inside lines and between blocks), trailing spaces gone, typographic quotes plain. */
export function normaliseText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .split(/\n\s*\n/)
    .map((b) =>
      b
        .replace(/[ \t]+/g, ' ')
        .replace(/ ?\n ?/g, '\n')
        .trim(),
    )
    .filter(Boolean)
    .join('\n\n');
}

export const sameText = (a: string, b: string): boolean => normaliseText(a) === normaliseText(b);

/** Changed words that carry a fact: a number, a date, an address, a domain. */
const FACTUAL = /\d|@|https?:|\.[a-z]{2,}\b/i;

export interface ChangeGuess {
  change: ChangeClass;
  words: number;
  why: string;
}

export function guessChange(before: string, after: string): ChangeGuess {
  const diff = diffPolicies(before, after);
  const words = diff.stats.insertedWords + diff.stats.deletedWords;
  const total = Math.max(1, after.split(/\s+/).filter(Boolean).length);
  const touched = diff.hunks.flatMap((h) => h.ops.filter((o) => o.op !== 'equal').map((o) => plainText(o.tokens)));
  const structural = diff.hunks.some((h) => h.kind !== 'modified');
  if (!structural && words <= Math.max(6, total * 0.02) && !touched.some((t) => FACTUAL.test(t))) {
    return { change: 'editorial', words, why: `${words} words reworded, no number, address or link changed` };
  }
  return {
    change: 'material',
    words,
    why: structural
      ? 'blocks were added or removed'
      : `${words} words changed${touched.some((t) => FACTUAL.test(t)) ? ', some with numbers, addresses or links' : ''}`,
  };
}
