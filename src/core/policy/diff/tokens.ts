/**
 * Inline content as diff tokens: words, punctuation, code, and links as single units.
 *
 * Whitespace is not a token: a block's tokens are the same however its source is
 * wrapped or indented, which is what makes a reflowed paragraph "no change". Spacing
 * is recomputed for display (see `spacer`), so it is not part of a token either.
 *
 * Emphasis is KEPT, as `marks` on each token, and is part of its identity: in a policy
 * "we **never** sell" → "we never sell" is a change a reader should see (GitHub's rich
 * diff hides style changes, and Open Terms Archive's docs warn readers about it). The
 * marker characters are dropped (`*x*` and `_x_` are the same emphasis), since only the
 * rendered emphasis means anything.
 */
import type { Token as MdToken } from 'markdown-it';

export type Mark = 'em' | 'strong' | 's';

export interface WordToken {
  type: 'word';
  text: string;
  marks?: Mark[];
}
export interface PunctToken {
  type: 'punct';
  text: string;
  marks?: Mark[];
}
export type TextToken = WordToken | PunctToken;
/** An inline code span, or one line of a code block. */
export interface CodeToken {
  type: 'code';
  text: string;
}
/** A whole link: changing its target is a change even when its text is the same. */
export interface LinkToken {
  type: 'link';
  text: string;
  href: string;
  marks?: Mark[];
}
/** An image is never embedded in a diff (a remote image would tell its host who reads). */
export interface ImageToken {
  type: 'image';
  text: string;
  href: string;
}
/** The boundary between two cells of a table row. */
export interface CellToken {
  type: 'cell';
}
export type Token = WordToken | PunctToken | CodeToken | LinkToken | ImageToken | CellToken;

/** Punctuation split off the start of a word ("(see" → "(", "see"). */
const OPENERS = new Set(['(', '[', '{', '"', '«', '‹', '“', '‘', '„', '¿', '¡']);
/** Punctuation split off the end of a word ("days," → "days", ","). */
const CLOSERS = new Set([')', ']', '}', '"', '»', '›', '”', '’', "'", '.', ',', ';', ':', '!', '?', '…', '%']);
const MARK_ORDER: readonly Mark[] = ['em', 'strong', 's'];
const WORDISH = /[\p{L}\p{N}]/u;

/** Splits whitespace-separated text into word and punctuation tokens. */
export function splitWords(text: string, marks: readonly Mark[] = []): Token[] {
  const out: Token[] = [];
  for (const chunk of text.split(/\s+/u)) {
    if (chunk === '') continue;
    const chars = Array.from(chunk);
    let start = 0;
    let end = chars.length;
    while (start < end && OPENERS.has(chars[start]!)) start++;
    while (end > start && CLOSERS.has(chars[end - 1]!)) end--;
    for (const c of chars.slice(0, start)) out.push(textToken('punct', c, marks));
    if (end > start) {
      const middle = chars.slice(start, end).join('');
      out.push(textToken(WORDISH.test(middle) ? 'word' : 'punct', middle, marks));
    }
    for (const c of chars.slice(end)) out.push(textToken('punct', c, marks));
  }
  return out;
}

function textToken(type: 'word' | 'punct', text: string, marks: readonly Mark[]): TextToken {
  return marks.length > 0 ? { type, text, marks: [...marks] } : { type, text };
}

/** Collapses whitespace the way the diff sees it: any run is one space. */
export const collapse = (text: string): string => text.replace(/\s+/gu, ' ').trim();

interface InlineState {
  out: Token[];
  depth: Record<Mark, number>;
  /** Text waiting to be split, all with the same marks. */
  buffer: string;
  /** Set between link_open and link_close: the link's text is collected here. */
  link: { href: string; text: string; marks: Mark[] } | null;
}

const MARK_OF: Record<string, [Mark, number]> = {
  em_open: ['em', 1],
  em_close: ['em', -1],
  strong_open: ['strong', 1],
  strong_close: ['strong', -1],
  s_open: ['s', 1],
  s_close: ['s', -1],
};

/** markdown-it inline children → diff tokens. */
export function inlineTokens(children: readonly MdToken[]): Token[] {
  const state: InlineState = { out: [], depth: { em: 0, strong: 0, s: 0 }, buffer: '', link: null };
  for (const child of children) inlineStep(state, child);
  flush(state);
  return state.out;
}

function inlineStep(state: InlineState, t: MdToken): void {
  const mark = MARK_OF[t.type];
  if (state.link !== null) return linkStep(state, t);
  if (mark !== undefined) {
    flush(state);
    state.depth[mark[0]] += mark[1];
    return;
  }
  switch (t.type) {
    case 'text':
    case 'text_special':
      state.buffer += t.content;
      return;
    // Hard breaks are mostly two invisible trailing spaces: treated as whitespace.
    case 'softbreak':
    case 'hardbreak':
      state.buffer += ' ';
      return;
    case 'code_inline':
      flush(state);
      state.out.push({ type: 'code', text: collapse(t.content) });
      return;
    case 'image':
      flush(state);
      state.out.push({ type: 'image', text: collapse(t.content), href: String(t.attrGet('src') ?? '') });
      return;
    case 'link_open':
      flush(state);
      state.link = { href: String(t.attrGet('href') ?? ''), text: '', marks: activeMarks(state) };
      return;
    default:
      state.buffer += t.content;
  }
}

/** Inside a link only the text counts: emphasis within a link's text is not tracked. */
function linkStep(state: InlineState, t: MdToken): void {
  const link = state.link!;
  if (t.type === 'link_close') {
    const token: LinkToken = { type: 'link', text: collapse(link.text), href: link.href };
    if (link.marks.length > 0) token.marks = link.marks;
    state.out.push(token);
    state.link = null;
  } else if (t.type === 'softbreak' || t.type === 'hardbreak') {
    link.text += ' ';
  } else if (MARK_OF[t.type] === undefined) {
    link.text += t.content;
  }
}

function activeMarks(state: InlineState): Mark[] {
  return MARK_ORDER.filter((m) => state.depth[m] > 0);
}

function flush(state: InlineState): void {
  if (state.buffer === '') return;
  state.out.push(...splitWords(state.buffer, activeMarks(state)));
  state.buffer = '';
}

/** A string that is equal for two tokens exactly when the tokens are equal. */
export function tokenKey(t: Token): string {
  switch (t.type) {
    case 'cell':
      return '|';
    case 'code':
      return `c\u0001${t.text}`;
    case 'image':
      return `i\u0001${t.text}\u0001${t.href}`;
    case 'link':
      return `l${t.marks?.join(',') ?? ''}\u0001${t.text}\u0001${t.href}`;
    default:
      return `${t.type === 'word' ? 'w' : 'p'}${t.marks?.join(',') ?? ''}\u0001${t.text}`;
  }
}

/** How many words a token counts for in the statistics (punctuation counts for none). */
export function wordCount(t: Token): number {
  if (t.type === 'word') return 1;
  if (t.type === 'punct' || t.type === 'cell') return 0;
  return Math.max(1, t.text.split(' ').filter(Boolean).length);
}

/** The text a token shows (a cell boundary shows as a bar). */
export function tokenText(t: Token): string {
  return t.type === 'cell' ? '|' : t.text;
}

/**
 * Returns a function telling, token after token, whether a space goes before it:
 * none before closing punctuation, none after opening punctuation, straight double
 * quotes alternate between opening and closing.
 */
export function spacer(): (t: Token) => boolean {
  let first = true;
  let afterOpener = false;
  let quoteOpen = false;
  return (t) => {
    const text = t.type === 'punct' ? t.text : '';
    let space = !first && !afterOpener;
    let opener = OPENERS.has(text);
    if (text === '"') {
      opener = !quoteOpen;
      quoteOpen = !quoteOpen;
    }
    if (CLOSERS.has(text) && !opener) space = false;
    first = false;
    afterOpener = opener;
    return space;
  };
}

/** Tokens back to readable text: "Backups are kept for 30 days (see below)." */
export function plainText(tokens: readonly Token[]): string {
  const space = spacer();
  return tokens.map((t) => (space(t) ? ' ' : '') + tokenText(t)).join('');
}
