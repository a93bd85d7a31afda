/** Rendering policy diffs: HTML that cannot be injected into, terminal text, JSON. */
import { describe, expect, it } from 'vitest';
import { diffToJson, renderDiffHtml, renderDiffTerminal } from '../../src/core/policy/diff/render.ts';
import { htmlVisible, safeHref, visible } from '../../src/core/policy/diff/render-inline.ts';
import { diffPolicies, type PolicyDiff } from '../../src/core/policy/diff/word-diff.ts';

const BASE = '## 2. Backups\n\nBackups are kept for 45 days.\n';
const EDITED = diffPolicies(BASE, BASE.replace('45', '30'));

/** A diff with one added paragraph made of the given tokens (as a pull request could produce). */
function added(tokens: PolicyDiff['hunks'][number]['ops'][number]['tokens']): PolicyDiff {
  return {
    hunks: [
      {
        kind: 'added',
        section: ['Evil <b>'],
        context: ['Evil <b>'],
        blockKind: 'paragraph',
        shape: { kind: 'paragraph' },
        bIndex: 0,
        ops: [{ op: 'insert', tokens }],
      },
    ],
    stats: { insertedWords: 1, deletedWords: 0, changedBlocks: 1 },
  };
}

describe('renderDiffHtml', () => {
  it('marks words with <ins>/<del> under their section', () => {
    const html = renderDiffHtml(EDITED);
    expect(html).toContain('<p class="diff-section">2. Backups</p>');
    expect(html).toContain('Backups are kept for <del>45</del><ins>30</ins> days.');
  });

  it('escapes markup in text, sections and link targets', () => {
    const evil = 'Hi <script>alert(1)</script> and "><img src=x onerror=alert(1)> [x](https://a.example/"><img src=x onerror=alert(2)>)\n';
    const html = renderDiffHtml(diffPolicies('', `## <script>alert(3)</script>\n\n${evil}`));
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('&#34;&#62;&#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toMatch(/href="[^"]*"[^>]*onerror/);
  });

  it('escapes quotes inside a link target (tokens built by hand)', () => {
    const html = renderDiffHtml(added([{ type: 'link', text: 'x', href: 'https://a.example/"\'><img/src=x/onerror=alert(1)>' }]));
    expect(html).toContain('href="https://a.example/&#34;&#39;&#62;&#60;img/src=x/onerror=alert(1)&#62;"');
    expect(html).not.toContain('<img');
    expect(html).toContain('<p class="diff-section">Evil &#60;b&#62;</p>');
  });

  it('links only to http(s), mailto and relative targets; shows the others as text', () => {
    const html = renderDiffHtml(
      added([
        { type: 'link', text: 'js', href: 'javascript:alert(1)' },
        { type: 'link', text: 'data', href: 'data:text/html,<script>alert(1)</script>' },
        { type: 'link', text: 'ok', href: '/policies/privacy/' },
        { type: 'image', text: 'pixel', href: 'https://tracker.example/p.gif' },
      ]),
    );
    expect(html).not.toMatch(/href="(javascript|data):/);
    expect(html).toContain('js<span class="diff-href"> (javascript:alert(1))</span>');
    expect(html).toContain('<a href="/policies/privacy/" rel="nofollow noopener noreferrer">ok</a>');
    expect(html).not.toContain('<img');
  });

  it('says when nothing changed', () => {
    expect(renderDiffHtml(diffPolicies(BASE, BASE))).toContain('No changes');
  });

  it('renders table rows as cells and code as lines', () => {
    const table = '| A | B |\n|---|---|\n| logs | 7 |\n';
    expect(renderDiffHtml(diffPolicies(table, table.replace('7', '14')))).toContain('<table><tr><td>logs</td><td><del>7</del><ins>14</ins></td></tr></table>');
    const code = '```\none\ntwo\n```\n';
    expect(renderDiffHtml(diffPolicies(code, code.replace('two', 'three')))).toContain(
      '<pre><code><code>one</code>\n<del><code>two</code></del>\n<ins><code>three</code></ins></code></pre>',
    );
  });
});

describe('renderDiffTerminal', () => {
  it('prints @@ section @@ lines and [-deleted-]{+inserted+}', () => {
    expect(renderDiffTerminal(EDITED, { color: false })).toBe('@@ 2. Backups @@\nBackups are kept for [-45-]{+30+} days.\n\n1 block changed, +1 -1 words\n');
  });

  it('colours deletions red and insertions green', () => {
    const text = renderDiffTerminal(EDITED, { color: true });
    expect(text).toContain('\u001b[31m[-45-]\u001b[0m');
    expect(text).toContain('\u001b[32m{+30+}\u001b[0m');
  });

  it('shows list prefixes, emphasis and changed link targets', () => {
    const a = '- We **never** sell [data](https://a.example).\n';
    const text = renderDiffTerminal(diffPolicies(a, a.replace('a.example', 'b.example')), { color: false });
    expect(text).toContain('- We **never** sell [-[data](https://a.example)-]{+[data](https://b.example)+}.');
  });

  it('cannot be used to send escape sequences to the terminal', () => {
    const text = renderDiffTerminal(added([{ type: 'word', text: 'a\u001b[2Jb\u202ec' }]), { color: false });
    expect(text).not.toContain('\u001b');
    expect(text).toContain('a\\u{1B}[2Jb\\u{202E}c');
  });
});

describe('diffToJson', () => {
  it('is plain data that survives JSON', () => {
    const json = diffToJson(EDITED);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.hunks[0]!.ops.map((o) => [o.op, o.text])).toEqual([
      ['equal', 'Backups are kept for'],
      ['delete', '45'],
      ['insert', '30'],
      ['equal', 'days.'],
    ]);
    expect(json.stats).toEqual({ insertedWords: 1, deletedWords: 1, changedBlocks: 1 });
  });
});

describe('helpers', () => {
  it('safeHref', () => {
    expect(safeHref('https://x.example')).toBe('https://x.example');
    expect(safeHref('MAILTO:a@x.example')).toBe('MAILTO:a@x.example');
    expect(safeHref('../a:b')).toBe('../a:b');
    expect(safeHref('JavaScript:alert(1)')).toBeNull();
    expect(safeHref('java\tscript:alert(1)')).toBeNull();
    expect(safeHref('/\\evil.example')).toBeNull();
    expect(safeHref('')).toBeNull();
  });

  it('htmlVisible and visible', () => {
    expect(htmlVisible(`<a href='x'>&"\u202e`)).toBe('&#60;a href=&#39;x&#39;&#62;&#38;&#34;\\u{202E}');
    expect(visible('tab\tstays, bell\u0007 does not')).toBe('tab\tstays, bell\\u{7} does not');
  });
});
