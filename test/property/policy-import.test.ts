/**
 * Round trip of the HTML import: a policy in the Markdown we write (headings, paragraphs
 * with bold and links, numbered and nested lists, tables), rendered by the site's one
 * markdown-it and saved as a page, imports back to the same Markdown text (modulo the
 * whitespace that normaliseText ignores).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdown } from '../../src/core/markdown.ts';
import { htmlToMarkdown } from '../../src/core/policy/import/html.ts';
import { normaliseText } from '../../src/core/policy/import/compare.ts';

const word = fc.stringMatching(/^[a-z]{1,8}$/);
const words = (max: number) => fc.array(word, { minLength: 1, maxLength: max }).map((w) => w.join(' '));
const inline = fc.oneof(
  { weight: 4, arbitrary: words(6) },
  { weight: 1, arbitrary: words(3).map((w) => `**${w}**`) },
  { weight: 1, arbitrary: fc.tuple(words(3), word).map(([t, p]) => `[${t}](https://pebble.example/${p})`) },
);
const sentence = fc.array(inline, { minLength: 1, maxLength: 5 }).map((parts) => `${parts.join(' ')}.`);
const paragraph = fc.array(sentence, { minLength: 1, maxLength: 3 }).map((s) => s.join(' '));
const heading = fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 9 }), words(4)).map(([level, n, t]) => `${'#'.repeat(level)} ${n}. ${t}`);
const bullets = fc
  .array(fc.tuple(sentence, fc.array(sentence, { maxLength: 2 })), { minLength: 1, maxLength: 4 })
  .map((items) => items.map(([s, sub]) => [`- ${s}`, ...sub.map((x) => `  - ${x}`)].join('\n')).join('\n'));
const numbered = fc
  .array(fc.tuple(sentence, fc.array(sentence, { maxLength: 2 })), { minLength: 1, maxLength: 4 })
  .map((items) => items.map(([s, sub], i) => [`${i + 1}. ${s}`, ...sub.map((x) => `   - ${x}`)].join('\n')).join('\n'));
const table = fc
  .tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 4 }))
  .chain(([cols, rows]) =>
    fc
      .array(fc.array(words(3), { minLength: cols, maxLength: cols }), { minLength: rows + 1, maxLength: rows + 1 })
      .map((cells) =>
        [`| ${cells[0]!.join(' | ')} |`, `| ${cells[0]!.map(() => '---').join(' | ')} |`, ...cells.slice(1).map((r) => `| ${r.join(' | ')} |`)].join('\n'),
      ),
  );
// A paragraph before each block: two lists side by side would be one list in Markdown.
const policy = fc
  .array(fc.tuple(paragraph, fc.oneof(heading, paragraph, bullets, numbered, table)), { minLength: 1, maxLength: 6 })
  .map((blocks) => `${blocks.flat().join('\n\n')}\n`);

describe('Markdown → HTML (our markdown-it) → import', () => {
  it('gives back the same Markdown text', () => {
    fc.assert(
      fc.property(policy, (md) => {
        const page = `<!doctype html><html><head><title>P</title><script>x()</script></head><body><nav><a href="/">Home</a></nav><main>${markdown.render(md)}</main><footer>© us</footer></body></html>`;
        const back = htmlToMarkdown(page).markdown;
        expect(normaliseText(back)).toBe(normaliseText(md));
      }),
      { numRuns: 150 },
    );
  });
});
