/** The one escaper per output language (src/core/escape.ts), against hostile input. */
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeMarkdownLine, escapeXml } from '../../src/core/escape.ts';

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  'policy&amp;id',
  'fix: `rm -rf /` $(touch /tmp/pwned) ${{ secrets.TOKEN }}',
  '[click](javascript:alert(1)) ![x](https://evil.example/t.png) <https://evil.example>',
  '# Heading\n- list\n> quote\n    code\n***bold***',
  '<!-- hidden --> @everyone #123',
  '    indented like code\n\t\ttabbed',
  'bell\u0007 nul\u0000 rtl\u202e lone\ud800 nonchar\uffff',
];

/** A markup parser's view: what text nodes and attributes come out of escaped input. */
function textOf(html: string): string {
  return html.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

describe('escapeXml / escapeHtml', () => {
  it.each(HOSTILE)('leaves no markup character in %j', (input) => {
    const out = escapeXml(input);
    expect(out).not.toMatch(/[<>"']/);
    expect(out.replace(/&#\d+;/g, '')).not.toContain('&');
    expect(escapeHtml(input)).toBe(out);
  });

  it('round-trips printable text exactly, and replaces what XML 1.0 cannot carry', () => {
    expect(textOf(escapeXml('a < b & "c" \'d\' > e\ttab\nline'))).toBe('a < b & "c" \'d\' > e\ttab\nline');
    expect(escapeXml('bell\u0007 nul\u0000 lone\ud800 \uffff')).toBe('bell\uFFFD nul\uFFFD lone\uFFFD \uFFFD');
  });
});

describe('escapeMarkdown', () => {
  const md = new MarkdownIt({ html: true, linkify: false });

  it.each(
    HOSTILE.flatMap((input) => [
      [input, 'line'],
      [input, 'lines'],
    ]),
  )('renders %j as literal text (%s), with no element but paragraphs', (input, mode) => {
    const html = md.render(mode === 'line' ? escapeMarkdownLine(input) : escapeMarkdown(input));
    expect(html.replace(/<\/?p>/g, '')).not.toMatch(/<(?!br)/);
    expect(html).not.toMatch(/<(a|img|script|h\d|ul|ol|li|blockquote|pre|code|em|strong)\b/);
  });

  it('keeps line breaks; escapeMarkdownLine makes one line', () => {
    expect(escapeMarkdown('a\nb')).toBe('a\nb');
    expect(escapeMarkdownLine('a  \n\n  b')).toBe('a b');
    expect(escapeMarkdown('1. *x*')).toBe('1\\. \\*x\\*');
  });
});
