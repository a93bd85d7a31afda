/**
 * The inline part of rendering a hunk, shared by the HTML and terminal renderers: the
 * ops become a row of tokens, each with its op and whether a space goes before it, and
 * a Format turns runs of them into markup. Text from a policy is untrusted (it comes
 * from pull requests), so every string passes through `visible` and the format's own
 * escaping, and link targets through `safeHref`.
 */
import { escapeHtml } from '../../escape.ts';
import { spacer, type Mark, type Token } from './tokens.ts';
import type { DiffOp, OpKind } from './word-diff.ts';

export interface Piece {
  op: OpKind;
  token: Token;
  space: boolean;
}

/**
 * The ops of a hunk as one row of tokens, spaced as the text would be read. An
 * insertion right after a deletion replaces it, so no space between them (git prints
 * [-45-]{+30+} too), and cell boundaries carry their own spacing.
 */
export function pieces(ops: readonly DiffOp[]): Piece[] {
  const space = spacer();
  const row: Piece[] = [];
  let previous: OpKind | null = null;
  for (const o of ops) {
    o.tokens.forEach((token, i) => {
      const glued = token.type === 'cell' || row.at(-1)?.token.type === 'cell' || (i === 0 && o.op === 'insert' && previous === 'delete');
      const spaced = space(token);
      row.push({ op: o.op, token, space: spaced && !glued });
    });
    previous = o.op;
  }
  return row;
}

export interface Format {
  open(op: OpKind): string;
  close(op: OpKind): string;
  openMarks(marks: readonly Mark[]): string;
  closeMarks(marks: readonly Mark[]): string;
  /** A token's own text, escaped; `changed` when it is inserted or deleted. */
  token(t: Token, changed: boolean): string;
  /** A table cell boundary. */
  cell: string;
}

const marksOf = (t: Token): readonly Mark[] => ('marks' in t && t.marks ? t.marks : []);

/** Renders a row of pieces: one wrapper per run of the same op, emphasis inside it. */
export function renderPieces(row: readonly Piece[], f: Format): string {
  let out = '';
  let op: OpKind | null = null;
  let marks: readonly Mark[] = [];
  const closeAll = () => `${f.closeMarks(marks)}${op === null ? '' : f.close(op)}`;
  for (const p of row) {
    const space = p.space ? ' ' : '';
    if (p.token.type === 'cell') {
      out += `${closeAll()}${space}${f.cell}`;
      op = null;
      marks = [];
      continue;
    }
    const m = marksOf(p.token);
    if (p.op !== op || m.join() !== marks.join()) {
      out += f.closeMarks(marks) + (p.op !== op && op !== null ? f.close(op) : '') + space;
      out += (p.op !== op ? f.open(p.op) : '') + f.openMarks(m);
      op = p.op;
      marks = m;
    } else out += space;
    out += f.token(p.token, p.op !== 'equal');
  }
  return out + closeAll();
}

/**
 * Control characters (an ESC can rewrite a terminal) and bidirectional overrides (they
 * can make text read differently from what it is, "Trojan Source") are shown as
 * escapes. Tabs stay: code uses them.
 */
export function visible(text: string): string {
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, (c) => (c === '\t' ? c : `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`));
}

/** HTML text or a quoted attribute of a diff: hidden characters made visible, then escaped (src/core/escape.ts). */
export function htmlVisible(text: string): string {
  return escapeHtml(visible(text));
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * The href if a diff may link to it: http(s), mailto, or relative. Anything else
 * (javascript:, data:, vbscript:…) is shown as text. markdown-it already refuses the
 * dangerous schemes; this does not rely on it.
 */
export function safeHref(href: string): string | null {
  // markdown-it percent-encodes spaces and controls; any left are an attempt to hide a scheme.
  if (href === '' || /[\s\p{Cc}\\]/u.test(href)) return null;
  const scheme = /^([^/?#]*):/.exec(href);
  if (scheme === null) return href;
  return SAFE_SCHEMES.has(scheme[1]!.toLowerCase()) ? href : null;
}
