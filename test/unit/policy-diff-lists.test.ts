/** Numbered and nested lists in policy diffs: the numbers readers see, the item path, the nesting. */
import { describe, expect, it } from 'vitest';
import { shortTitle } from '../../src/core/policy/diff/blocks.ts';
import { diffToJson, renderDiffHtml, renderDiffTerminal } from '../../src/core/policy/diff/render.ts';
import { diffPolicies } from '../../src/core/policy/diff/word-diff.ts';

const NUMBERED = [
  '1. Who we are',
  '   1. A small mail service.',
  '2. What we collect',
  '   1. IP addresses, for 7 days.',
  '   2. Your recovery address.',
  '      - Only if you give one.',
  '',
  '      We never check it.',
  '',
].join('\n');

const term = (a: string, b: string) => renderDiffTerminal(diffPolicies(a, b), { color: false });

describe('numbered lists in a diff', () => {
  it('names the item path and shows the number the item has, at every depth', () => {
    const diff = diffPolicies(NUMBERED, NUMBERED.replace('7 days', '14 days'));
    expect(diff.hunks).toHaveLength(1);
    expect(diff.hunks[0]!.context).toEqual(['2. What we collect', '2.1']);
    expect(diff.hunks[0]!.numbers).toEqual([2, 1]);
    expect(diff.hunks[0]!.section).toEqual([]);
    expect(term(NUMBERED, NUMBERED.replace('7 days', '14 days'))).toContain('@@ 2. What we collect › 2.1 @@\n   1. IP addresses, for [-7-]{+14+} days.');
    expect(renderDiffHtml(diff)).toContain('<p class="diff-section">2. What we collect › 2.1</p>');
    expect(renderDiffHtml(diff)).toContain(
      '<ol start="2"><li class="diff-outer"><ol start="1"><li>IP addresses, for <del>7</del><ins>14</ins> days.</li></ol></li></ol>',
    );
  });

  it('a top-level item carries its own number and needs no item in its context', () => {
    const diff = diffPolicies(NUMBERED, NUMBERED.replace('2. What we collect', '2. What we collect and why'));
    expect(diff.hunks[0]!.context).toEqual([]);
    expect(term(NUMBERED, NUMBERED.replace('2. What we collect', '2. What we collect and why'))).toContain('@@ (top) @@\n2. What we collect {+and why+}');
  });

  it('a bullet and a second paragraph inside a numbered item are named by that item and indented under it', () => {
    const b = NUMBERED.replace('Only if you give one.', 'Only if you choose to give one.').replace('We never check it.', 'We never check it or share it.');
    const diff = diffPolicies(NUMBERED, b);
    expect(diff.hunks.map((h) => h.context.join(' › '))).toEqual(['2. What we collect › 2.2', '2. What we collect › 2.2']);
    expect(diff.hunks.map((h) => h.numbers)).toEqual([
      [2, 2, null],
      [2, 2],
    ]);
    const text = term(NUMBERED, b);
    expect(text).toContain('@@ 2. What we collect › 2.2 @@\n      - Only if you {+choose to+} give one.\n\n      We never check it {+or share it+}.');
    const html = renderDiffHtml(diff);
    expect(html).toContain('<ol start="2"><li class="diff-outer"><ol start="2"><li class="diff-outer"><ul><li>Only if you');
    // The second paragraph is not the item's start: its number is not shown again.
    expect(html).toContain('<ol start="2"><li class="diff-outer"><ol start="2"><li class="diff-outer"><p class="diff-cont">We never check it');
  });

  it('numbers from the list start, as markdown-it renders them, whatever the source writes', () => {
    const a = '3. Third\n3. Fourth\n3. Fifth\n';
    expect(term(a, a.replace('Fifth', 'Fifth item'))).toContain('5. Fifth {+item+}');
    expect(diffToJson(diffPolicies(a, a.replace('Fifth', 'Fifth item'))).hunks[0]!.numbers).toEqual([5]);
  });

  it('an item added in the middle is one change; the items after it are not shown as changed', () => {
    const b = NUMBERED.replace('   2. Your recovery address.', '   2. Your payment details.\n   3. Your recovery address.');
    const diff = diffPolicies(NUMBERED, b);
    expect(diff.hunks.map((h) => [h.kind, h.context.join(' › ')])).toEqual([['added', '2. What we collect › 2.2']]);
  });

  it('puts the headings first: heading › item › path', () => {
    const a = `## 4. Retention\n\n${NUMBERED}`;
    const diff = diffPolicies(a, a.replace('7 days', '14 days'));
    expect(diff.hunks[0]!.context).toEqual(['4. Retention', '2. What we collect', '2.1']);
  });

  it('bullet lists keep bullets, nested bullets are indented by their parents', () => {
    const a = '- Mail\n  - Headers\n';
    expect(term(a, a.replace('Headers', 'Message headers'))).toContain('@@ Mail @@\n  - [-Headers-]{+Message headers+}');
    expect(renderDiffHtml(diffPolicies(a, a.replace('Headers', 'Message headers')))).toContain('<ul><li class="diff-outer"><ul><li>');
  });
});

describe('shortTitle', () => {
  it('keeps short titles and cuts long ones between words', () => {
    expect(shortTitle('What information do we collect?')).toBe('What information do we collect?');
    const long = 'When you register, we ask for an outside e-mail address for your activation code and more';
    const short = shortTitle(long);
    expect(short.endsWith('…')).toBe(true);
    expect(short.length).toBeLessThanOrEqual(61);
    expect(long.startsWith(short.slice(0, -1))).toBe(true);
    expect(short.slice(0, -1)).toBe(short.slice(0, -1).trimEnd());
  });
});
