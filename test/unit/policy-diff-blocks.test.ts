/** Markdown → blocks and tokens: the shapes a policy diff works on. */
import { describe, expect, it } from 'vitest';
import { markdown } from '../../src/core/markdown.ts';
import { parseBlocks } from '../../src/core/policy/diff/blocks.ts';
import { inlineTokens, plainText, splitWords, spacer } from '../../src/core/policy/diff/tokens.ts';

const kinds = (md: string) => parseBlocks(md).map((b) => b.kind);

describe('parseBlocks', () => {
  it('gives headings their level and every block the trail of headings above it', () => {
    const blocks = parseBlocks('# Policy\n\n## 3. Retention\n\n### Backups\n\nThirty days.\n\n## 4. Cookies\n\nOne.\n');
    expect(blocks.map((b) => [b.kind, b.level, b.section])).toEqual([
      ['heading', 1, []],
      ['heading', 2, ['Policy']],
      ['heading', 3, ['Policy', '3. Retention']],
      ['paragraph', undefined, ['Policy', '3. Retention', 'Backups']],
      ['heading', 2, ['Policy']],
      ['paragraph', undefined, ['Policy', '4. Cookies']],
    ]);
  });

  it('gives list items their nesting path and marks continuation paragraphs', () => {
    const blocks = parseBlocks('1. First\n   - inner\n2. Second\n\n   More about second.\n');
    expect(blocks.map((b) => [b.kind, b.list, b.cont])).toEqual([
      ['list-item', ['ordered'], undefined],
      ['list-item', ['ordered', 'bullet'], undefined],
      ['list-item', ['ordered'], undefined],
      ['list-item', ['ordered'], true],
    ]);
  });

  it('knows blockquotes, table rows, code blocks and rules', () => {
    const md = '> Quoted text.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n```\nkey = value  \n```\n\n---\n';
    const blocks = parseBlocks(md);
    expect(blocks.map((b) => b.kind)).toEqual(['blockquote', 'table-row', 'table-row', 'code', 'hr']);
    expect(blocks[0]!.quote).toBe(1);
    expect(blocks[1]!.header).toBe(true);
    expect(blocks[2]!.tokens).toEqual([{ type: 'word', text: '1' }, { type: 'cell' }, { type: 'word', text: '2' }]);
    expect(blocks[3]!.tokens).toEqual([{ type: 'code', text: 'key = value' }]);
    expect(blocks[4]!.tokens).toEqual([]);
  });

  it('keeps a link as one token with its target, reference links included', () => {
    const [inline, byRef] = parseBlocks('See [the list of processors](https://x.example/p).\n\nSee [the list][l].\n\n[l]: https://x.example/q\n');
    expect(inline!.tokens).toEqual([
      { type: 'word', text: 'See' },
      { type: 'link', text: 'the list of processors', href: 'https://x.example/p' },
      { type: 'punct', text: '.' },
    ]);
    expect(byRef!.tokens[1]).toEqual({ type: 'link', text: 'the list', href: 'https://x.example/q' });
  });

  it('keeps emphasis as marks, whatever the marker character', () => {
    const [a] = parseBlocks('We **never** sell *your* data.');
    const [b] = parseBlocks('We __never__ sell _your_ data.');
    expect(a!.tokens[1]).toEqual({ type: 'word', text: 'never', marks: ['strong'] });
    expect(a!.tokens[3]).toEqual({ type: 'word', text: 'your', marks: ['em'] });
    expect(b).toEqual(a);
  });

  it('treats raw HTML as text (html: false)', () => {
    const [b] = parseBlocks('Hello <script>alert(1)</script> there');
    expect(b!.kind).toBe('paragraph');
    expect(plainText(b!.tokens)).toBe('Hello <script>alert(1)</script> there');
  });

  it('ignores reflow, indentation, CRLF and trailing spaces', () => {
    const one = parseBlocks('We keep backups for 30 days, then delete them.\n');
    expect(parseBlocks('We keep backups\nfor 30 days,   then\n   delete them.\n')).toEqual(one);
    expect(parseBlocks('We keep backups  \r\nfor 30 days, then \r\ndelete them.\r\n')).toEqual(one);
  });

  it('reads inline content exactly as the site renders it (markdown.parse)', () => {
    const md = '## Data *we* keep\n\nSee [the list][l], `code` and **bold \\* text**.\n\n- item with [link](/x)\n\n[l]: https://x.example/q\n';
    const site = markdown
      .parse(md, {})
      .filter((t) => t.type === 'inline')
      .map((t) => inlineTokens(t.children ?? []));
    expect(parseBlocks(md).map((b) => b.tokens)).toEqual(site);
  });

  it('parses every block kind of an empty or blank document as nothing', () => {
    expect(kinds('')).toEqual([]);
    expect(kinds('\n\n  \n')).toEqual([]);
  });
});

describe('tokens', () => {
  it('splits punctuation off words, not out of them', () => {
    expect(splitWords('(see e-mail, e.g. "U.S." data)').map((t) => `${t.type}:${plainText([t])}`)).toEqual([
      'punct:(',
      'word:see',
      'word:e-mail',
      'punct:,',
      'word:e.g',
      'punct:.',
      'punct:"',
      'word:U.S',
      'punct:.',
      'punct:"',
      'word:data',
      'punct:)',
    ]);
  });

  it('reads back as normally spaced text', () => {
    const text = 'Backups (all of them) are kept for "30 days", then deleted.';
    expect(plainText(splitWords(text))).toBe(text);
    const space = spacer();
    expect(splitWords('a , b').map(space)).toEqual([false, false, true]);
  });
});
