/**
 * A policy body as a list of blocks: headings, paragraphs, list items, blockquote
 * paragraphs, table rows, code blocks and rules, each with the trail of headings above
 * it ("3. Retention" > "Backups") and its inline content as tokens.
 *
 * Parsing is in two steps so that a diff only pays for what changed: `scanBlocks` runs
 * markdown-it's block parser (cheap) and keeps each block's inline source; `tokensAt`
 * runs the inline parser (most of markdown-it's time) for one block when asked. Two
 * blocks with the same shape and the same inline source have the same tokens, as long
 * as both documents define the same link references.
 */
import type { Env, Token as MdToken } from 'markdown-it';
import { markdown } from '../../markdown.ts';
import { inlineTokens, plainText, type Token } from './tokens.ts';

export type BlockKind = 'heading' | 'paragraph' | 'list-item' | 'blockquote' | 'table-row' | 'code' | 'hr';
export type ListType = 'bullet' | 'ordered';

/** What a block is, apart from its content. Fields are present only when they apply. */
export interface BlockShape {
  kind: BlockKind;
  /** Heading level, 1–6. */
  level?: number;
  /** The lists the block is in, outermost first: ['ordered', 'bullet'] is a bullet inside a numbered item. */
  list?: ListType[];
  /** How many blockquotes the block is in. */
  quote?: number;
  /** A table's header row. */
  header?: true;
  /** A second (third…) paragraph of the same list item. */
  cont?: true;
}

export interface Block extends BlockShape {
  /** The headings above the block, outermost first; a heading's own title is not in it. */
  section: string[];
  tokens: Token[];
}

/** A block before inline parsing: its shape and inline source (one string per table cell). */
export interface SourceBlock {
  shape: BlockShape;
  shapeKey: string;
  source: string[];
  /** The list items the block is in, outermost first (shared with the other blocks of the same items). */
  items?: ListItemRef[];
}

/**
 * A list item as readers see it: its number in an ordered list (markdown-it numbers
 * items from the list's start, whatever the source writes) and the index of its first
 * block. Kept out of the shape and the source keys: renumbering a list is not a change
 * to the blocks that stay.
 */
export interface ListItemRef {
  /** The item's number in an ordered list; absent in a bullet list. */
  number?: number;
  /** The index of the item's first block, once it has one. */
  first?: number;
}

export interface ScannedDoc {
  blocks: SourceBlock[];
  /** markdown-it's env: link reference definitions, needed to parse inline sources. */
  env: Env;
  /** Inline-parsed tokens, filled on demand by tokensAt. */
  tokens: (Token[] | undefined)[];
}

interface Walk {
  out: SourceBlock[];
  lists: ListType[];
  /** The next number of each open list (0 for a bullet list). */
  next: number[];
  /** The open list items, outermost first. */
  open: ListItemRef[];
  /** Paragraphs seen so far in each open list item. */
  items: number[];
  quote: number;
  pending: BlockShape | null;
  row: { header: boolean; cells: string[] } | null;
  inHead: boolean;
}

/** CRLF and lone CR are LF, NUL is U+FFFD: markdown-it's own normalisation. */
const normalise = (text: string): string => text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');

export function scanBlocks(body: string): ScannedDoc {
  const env: Env = {};
  const mdTokens: MdToken[] = [];
  markdown.block.parse(normalise(body), markdown, env, mdTokens);
  const walk: Walk = { out: [], lists: [], next: [], open: [], items: [], quote: 0, pending: null, row: null, inHead: false };
  for (const t of mdTokens) step(walk, t);
  return { blocks: walk.out, env, tokens: new Array<Token[] | undefined>(walk.out.length) };
}

function step(w: Walk, t: MdToken): void {
  switch (t.type) {
    case 'bullet_list_open':
      w.lists.push('bullet');
      w.next.push(0);
      return;
    case 'ordered_list_open':
      w.lists.push('ordered');
      w.next.push(Number(t.attrGet('start') ?? 1));
      return;
    case 'bullet_list_close':
    case 'ordered_list_close':
      w.lists.pop();
      w.next.pop();
      return;
    case 'list_item_open':
      return openItem(w);
    case 'list_item_close':
      w.items.pop();
      w.open.pop();
      return;
    case 'blockquote_open':
      w.quote++;
      return;
    case 'blockquote_close':
      w.quote--;
      return;
    case 'heading_open':
      w.pending = shape(w, 'heading', { level: Number(t.tag.slice(1)) });
      return;
    case 'paragraph_open':
      w.pending = paragraphShape(w);
      return;
    case 'inline':
      return inline(w, t.content);
    case 'thead_open':
      w.inHead = true;
      return;
    case 'thead_close':
      w.inHead = false;
      return;
    case 'tr_open':
      w.row = { header: w.inHead, cells: [] };
      return;
    case 'tr_close':
      return endRow(w);
    case 'fence':
    case 'code_block':
      return emit(w, shape(w, 'code'), [t.content]);
    case 'hr':
      return emit(w, shape(w, 'hr'), []);
    default: // closing tags, reference definitions: nothing to keep
  }
}

function inline(w: Walk, content: string): void {
  if (w.row !== null) {
    w.row.cells.push(content);
    return;
  }
  emit(w, w.pending ?? paragraphShape(w), [content]);
  w.pending = null;
}

function endRow(w: Walk): void {
  const row = w.row!;
  emit(w, shape(w, 'table-row', row.header ? { header: true } : {}), row.cells);
  w.row = null;
}

function openItem(w: Walk): void {
  w.items.push(0);
  const item: ListItemRef = {};
  if (w.lists.at(-1) === 'ordered') {
    const n = w.next.length - 1;
    item.number = w.next[n]!;
    w.next[n] = item.number + 1;
  }
  w.open.push(item);
}

function emit(w: Walk, s: BlockShape, source: string[]): void {
  const block: SourceBlock = { shape: s, shapeKey: shapeKey(s), source };
  if (w.open.length > 0) {
    w.open.at(-1)!.first ??= w.out.length;
    block.items = [...w.open];
  }
  w.out.push(block);
}

/** A paragraph in a list item is the item; in a quote, a quote paragraph. */
function paragraphShape(w: Walk): BlockShape {
  const depth = w.items.length;
  if (depth === 0) return shape(w, w.quote > 0 ? 'blockquote' : 'paragraph');
  const seen = w.items[depth - 1]!;
  w.items[depth - 1] = seen + 1;
  return shape(w, 'list-item', seen > 0 ? { cont: true } : {});
}

/** Builds shapes with a fixed field order, so that equal shapes are deeply equal. */
function shape(w: Walk, kind: BlockKind, extra: { level?: number; header?: true; cont?: true } = {}): BlockShape {
  const s: BlockShape = { kind };
  if (extra.level !== undefined) s.level = extra.level;
  if (w.lists.length > 0) s.list = [...w.lists];
  if (w.quote > 0) s.quote = w.quote;
  if (extra.header) s.header = true;
  if (extra.cont) s.cont = true;
  return s;
}

export function shapeKey(s: BlockShape): string {
  return `${s.kind}/${s.level ?? ''}/${s.list?.join('.') ?? ''}/${s.quote ?? ''}/${s.header ? 'h' : ''}${s.cont ? 'c' : ''}`;
}

export function shapeOf(b: BlockShape): BlockShape {
  const s: BlockShape = { kind: b.kind };
  if (b.level !== undefined) s.level = b.level;
  if (b.list !== undefined) s.list = [...b.list];
  if (b.quote !== undefined) s.quote = b.quote;
  if (b.header) s.header = true;
  if (b.cont) s.cont = true;
  return s;
}

/** The block's tokens, inline-parsing its source on first use. */
export function tokensAt(doc: ScannedDoc, i: number): Token[] {
  const cached = doc.tokens[i];
  if (cached !== undefined) return cached;
  const tokens = sourceTokens(doc.blocks[i]!, doc.env);
  doc.tokens[i] = tokens;
  return tokens;
}

function sourceTokens(block: SourceBlock, env: Env): Token[] {
  switch (block.shape.kind) {
    case 'hr':
      return [];
    case 'code':
      return codeLines(block.source[0] ?? '');
    case 'table-row':
      return block.source.flatMap((cell, i) => (i === 0 ? parseInline(cell, env) : [{ type: 'cell' } as const, ...parseInline(cell, env)]));
    default:
      return parseInline(block.source[0] ?? '', env);
  }
}

function parseInline(source: string, env: Env): Token[] {
  return inlineTokens(markdown.parseInline(source, env)[0]?.children ?? []);
}

/** Code keeps its words and indentation; only trailing spaces (invisible) are dropped. */
function codeLines(code: string): Token[] {
  const lines = code.replace(/\n$/, '').split('\n');
  return code === '' ? [] : lines.map((line) => ({ type: 'code', text: line.trimEnd() }));
}

/** The trail of headings above each block. Blocks that share a trail share the array. */
export function sections(blocks: readonly { kind: BlockKind; level?: number }[], titleAt: (i: number) => string): string[][] {
  const trail: { level: number; title: string }[] = [];
  let current: string[] = [];
  return blocks.map((b, i) => {
    if (b.kind !== 'heading') return current;
    const level = b.level ?? 1;
    while (trail.length > 0 && trail.at(-1)!.level >= level) trail.pop();
    const parents = trail.map((h) => h.title);
    trail.push({ level, title: titleAt(i) });
    current = [...parents, trail.at(-1)!.title];
    return parents;
  });
}

/** Where a block is in its lists, for people: the numbers to show and the item path to name. */
export interface ItemPlace {
  /** Each enclosing list's item number, outermost first; null in a bullet list. */
  numbers: (number | null)[];
  /**
   * What to add to the headings to say where the block is: the outermost item ("2. What
   * information do we collect?") when the block is inside it rather than being its first
   * paragraph, then the numbers of the numbered items it is in ("2.5") when there are
   * two or more. Empty for a top-level item's own paragraph: its number is shown with it.
   */
  context: string[];
}

const TITLE_MAX = 60;

/** A list item's text as a short title: at most TITLE_MAX characters, cut between words. */
export function shortTitle(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= TITLE_MAX) return flat;
  const cut = flat.slice(0, TITLE_MAX + 1).replace(/\s+\S*$/, '');
  return `${cut === '' ? flat.slice(0, TITLE_MAX) : cut}…`;
}

/** The block's place in its lists; `titleAt` gives a block's plain text (an item's first paragraph). */
export function itemPlace(doc: ScannedDoc, i: number, titleAt: (i: number) => string): ItemPlace {
  const items = doc.blocks[i]!.items ?? [];
  const numbers = items.map((it) => it.number ?? null);
  if (items.length === 0) return { numbers, context: [] };
  const block = doc.blocks[i]!.shape;
  const ownsLast = items.at(-1)!.first === i && block.kind === 'list-item' && block.cont !== true;
  const context: string[] = [];
  const top = items[0]!;
  if (!(ownsLast && items.length === 1)) {
    const title = top.first === undefined || doc.blocks[top.first]!.shape.kind !== 'list-item' ? '' : shortTitle(titleAt(top.first));
    const label = [top.number === undefined ? '' : `${top.number}.`, title].filter((x) => x !== '').join(' ');
    if (label !== '') context.push(label);
  }
  const path = numbers.filter((n): n is number => n !== null);
  if (path.length > 1) context.push(path.join('.'));
  return { numbers, context };
}

/** Every block of a doc with its section and tokens (parses all inline content). */
export function materialise(doc: ScannedDoc): Block[] {
  const shapes = doc.blocks.map((b) => b.shape);
  const trails = sections(shapes, (i) => plainText(tokensAt(doc, i)));
  return doc.blocks.map((b, i) => ({ ...shapeOf(b.shape), section: trails[i]!, tokens: tokensAt(doc, i) }));
}

/** A Markdown policy body as blocks. */
export function parseBlocks(body: string): Block[] {
  return materialise(scanBlocks(body));
}
