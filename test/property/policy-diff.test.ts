/**
 * Policy diff properties: a text against itself is no change; the diff of A and B
 * applied to A's blocks gives B's blocks, token for token; reflowing paragraphs is no
 * change. Documents are generated as blocks and rendered to Markdown, so that the
 * generator knows which whitespace it may move without changing the Markdown.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBlocks } from '../../src/core/policy/diff/blocks.ts';
import { diffSequences } from '../../src/core/policy/diff/sequence.ts';
import { applyDiff, diffPolicies } from '../../src/core/policy/diff/word-diff.ts';

/**
 * Words that cannot start a block when a reflow puts them at the start of a line (no
 * "-", "1.", "#", ">", "|", "="), with punctuation, emphasis, code, links and an image.
 */
const WORDS = [
  'we',
  'keep',
  'your',
  'data',
  'for',
  '30',
  '45',
  'days,',
  'mail.',
  '(see',
  'below)',
  'the',
  'backup',
  'backups',
  'e-mail',
  "don't",
  '"quoted"',
  '**never**',
  '_only_',
  '~~old~~',
  '`lm_session`',
  '[our list](https://x.example/l)',
  '[policy](/privacy)',
  '[same text](https://x.example/other)',
  '![logo](/logo.png)',
  'Gravatar',
  'hashed',
  'addresses;',
  'cookie',
];

const word = fc.constantFrom(...WORDS);
const words = (max: number) => fc.array(word, { minLength: 1, maxLength: max });

type Gen =
  | { kind: 'p' | 'quote'; words: string[] }
  | { kind: 'h'; level: number; words: string[] }
  | { kind: 'list'; ordered: boolean; items: { nested: boolean; words: string[] }[] }
  | { kind: 'table'; rows: string[][] }
  | { kind: 'code'; lines: string[] }
  | { kind: 'hr' };

const cell = fc
  .array(fc.constantFrom('logs', 'backups', '14', '30 days', 'none', '**yes**', '[x](/x)'), { minLength: 1, maxLength: 2 })
  .map((w) => w.join(' '));

const block: fc.Arbitrary<Gen> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('p' as const), words: words(30) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('quote' as const), words: words(12) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('h' as const), level: fc.integer({ min: 1, max: 4 }), words: words(4) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('list' as const),
      ordered: fc.boolean(),
      items: fc.array(fc.record({ nested: fc.boolean(), words: words(10) }), { minLength: 1, maxLength: 4 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('table' as const),
      rows: fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 3 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('code' as const), lines: fc.array(fc.constantFrom('a = 1', '  b', 'x;', ''), { minLength: 1, maxLength: 3 }) }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'hr' as const }), weight: 1 },
);
const doc = fc.array(block, { maxLength: 12 });

/** Joins words with the next separators of the cycle: the reflow. */
type Joiner = (ws: readonly string[]) => string;
const spaces: Joiner = (ws) => ws.join(' ');
function reflower(separators: readonly string[]): Joiner {
  let n = 0;
  return (ws) => ws.map((w, i) => (i === 0 ? w : `${separators[n++ % separators.length]}${w}`)).join('');
}

function render(blocks: readonly Gen[], join: Joiner = spaces): string {
  return blocks.map((b) => renderBlock(b, join)).join('\n\n') + '\n';
}

function renderBlock(b: Gen, join: Joiner): string {
  switch (b.kind) {
    case 'p':
      return join(b.words);
    case 'quote':
      return `> ${join(b.words)}`;
    case 'h':
      return `${'#'.repeat(b.level)} ${b.words.join(' ')}`;
    case 'list':
      return b.items.map((it, i) => `${it.nested && i > 0 ? '    ' : ''}${b.ordered ? '1.' : '-'} ${join(it.words)}`).join('\n');
    case 'table':
      return [`| ${b.rows[0]!.join(' | ')} |`, '|---|---|', ...b.rows.slice(1).map((r) => `| ${r.join(' | ')} |`)].join('\n');
    case 'code':
      return ['```', ...b.lines, '```'].join('\n');
    case 'hr':
      return '---';
  }
}

/** Separators a reflow may use: spaces, line breaks, indentation, trailing spaces (hard breaks), CRLF. */
const separators = fc.array(fc.constantFrom(' ', '   ', '\n', '  \n', '\n    ', ' \r\n', '\t'), { minLength: 1, maxLength: 20 });

/** Edits that turn A into B: replace a word, delete, insert or move a block. */
interface Edit {
  at: number;
  action: 'word' | 'delete' | 'insert' | 'move';
  word: string;
  block: Gen;
}
const edit: fc.Arbitrary<Edit> = fc.record({ at: fc.nat(), action: fc.constantFrom('word', 'delete', 'insert', 'move'), word, block });
function applyEdits(blocks: readonly Gen[], edits: readonly Edit[]): Gen[] {
  const out = [...blocks];
  for (const e of edits) {
    const i = out.length === 0 ? 0 : e.at % out.length;
    const target = out[i];
    if (e.action === 'insert' || target === undefined) out.splice(i, 0, e.block);
    else if (e.action === 'delete') out.splice(i, 1);
    else if (e.action === 'move') out.splice((e.at >> 3) % out.length, 0, ...out.splice(i, 1));
    else if ('words' in target) out[i] = { ...target, words: target.words.map((w, k) => (k === e.at % target.words.length ? e.word : w)) };
  }
  return out;
}

/** Markdown-ish noise: every construct, CRLF, trailing spaces, raw HTML, references. */
const noise = fc
  .array(
    fc.constantFrom(
      '# ',
      '## ',
      '- ',
      '  - ',
      '1. ',
      '> ',
      '| a | b |',
      '|---|---|',
      '```',
      '---',
      '***',
      'word',
      'data',
      '*em*',
      '**',
      '[x](y)',
      '[x][r]',
      '[r]: /z',
      '<b>',
      '`',
      '\\',
      '\n',
      '\n\n',
      '\r\n',
      '  \n',
      ' ',
      '    ',
      '\t',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));
const anyText = fc.oneof(
  noise,
  fc.string({ maxLength: 200 }),
  doc.map((d) => render(d)),
);

describe('diffPolicies properties', () => {
  it('finds no change between a text and itself', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(diffPolicies(text, text).hunks).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('applying the diff of A and B to A gives B, token for token (edited documents)', () => {
    fc.assert(
      fc.property(doc, fc.array(edit, { maxLength: 6 }), separators, (a, edits, seps) => {
        const textA = render(a);
        const textB = render(applyEdits(a, edits), reflower(seps));
        expect(applyDiff(parseBlocks(textA), diffPolicies(textA, textB))).toEqual(parseBlocks(textB));
      }),
      { numRuns: 300 },
    );
  });

  it('applying the diff of A and B to A gives B, token for token (any two texts)', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        expect(applyDiff(parseBlocks(a), diffPolicies(a, b))).toEqual(parseBlocks(b));
      }),
      { numRuns: 300 },
    );
  });

  it('finds no change after reflowing paragraphs, list items and quotes', () => {
    fc.assert(
      fc.property(doc, separators, (blocks, seps) => {
        const diff = diffPolicies(render(blocks), render(blocks, reflower(seps)));
        expect(diff.hunks).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('diffSequences properties', () => {
  const keys = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 40 });

  it('runs rebuild B from A, and equal runs really are equal', () => {
    fc.assert(
      fc.property(keys, keys, (a, b) => {
        const rebuilt: string[] = [];
        let i = 0;
        let j = 0;
        for (const run of diffSequences(a, b)) {
          if (run.op === 'equal') expect(a.slice(i, i + run.count)).toEqual(b.slice(j, j + run.count));
          if (run.op !== 'delete') rebuilt.push(...b.slice(j, (j += run.count)));
          if (run.op !== 'insert') i += run.count;
        }
        expect(i).toBe(a.length);
        expect(rebuilt).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });
});
