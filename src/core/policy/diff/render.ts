/**
 * A policy diff for people (HTML with <ins>/<del>, terminal text with [-…-]{+…+}) and
 * for programs (diffToJson). Each hunk is preceded by its context ("3. Retention ›
 * Backups", or in a numbered policy "2. What information do we collect? › 2.5")
 * whenever it differs from the previous hunk's, as git prints the enclosing function
 * in its @@ lines. List items keep the numbers readers see and their nesting.
 */
import type { BlockShape } from './blocks.ts';
import { htmlVisible, pieces, renderPieces, safeHref, visible, type Format } from './render-inline.ts';
import { plainText, type Mark, type Token } from './tokens.ts';
import type { DiffStats, Hunk, HunkKind, OpKind, PolicyDiff } from './word-diff.ts';

const TOP = '(top)';

/** Calls `each` for every hunk, with the context line when the context changes. */
function bySection(diff: PolicyDiff, each: (hunk: Hunk, newSection: string | null) => string): string[] {
  let previous: string | null = null;
  return diff.hunks.map((hunk) => {
    const section = hunk.context.length > 0 ? hunk.context.join(' › ') : TOP;
    const changed = section === previous ? null : section;
    previous = section;
    return each(hunk, changed);
  });
}

// ------------------------------------------------------------------ HTML

const HTML_TAG: Record<Mark, string> = { em: 'em', strong: 'strong', s: 's' };

function htmlToken(t: Token, changed: boolean): string {
  if (t.type === 'cell') return '';
  const text = htmlVisible(t.text);
  if (t.type === 'code') return `<code>${text}</code>`;
  if (t.type === 'word' || t.type === 'punct') return text;
  const href = safeHref(t.href);
  // A changed target must be visible: old and new links often have the same text.
  const target = changed || href === null ? `<span class="diff-href"> (${htmlVisible(t.href)})</span>` : '';
  if (t.type === 'image') return `<span class="diff-image">[image: ${text}]</span>${target}`;
  return href === null ? `${text}${target}` : `<a href="${htmlVisible(href)}" rel="nofollow noopener noreferrer">${text}</a>${target}`;
}

const htmlFormat = (header: boolean): Format => ({
  open: (op) => (op === 'insert' ? '<ins>' : op === 'delete' ? '<del>' : ''),
  close: (op) => (op === 'insert' ? '</ins>' : op === 'delete' ? '</del>' : ''),
  openMarks: (marks) => marks.map((m) => `<${HTML_TAG[m]}>`).join(''),
  closeMarks: (marks) =>
    [...marks]
      .reverse()
      .map((m) => `</${HTML_TAG[m]}>`)
      .join(''),
  token: htmlToken,
  cell: header ? '</th><th>' : '</td><td>',
});

/**
 * A list item inside its lists, one list per level: <ol start="5"> shows the number
 * readers see. The outer levels' items are there for the nesting (class diff-outer:
 * the site hides their markers; the context line names them).
 */
function htmlList(shape: BlockShape, numbers: readonly (number | null)[] | undefined, inner: string): string {
  const lists = shape.list ?? [];
  let html = shape.cont ? `<p class="diff-cont">${inner}</p>` : inner;
  for (let level = lists.length - 1; level >= 0; level--) {
    const n = numbers?.[level] ?? null;
    const inside = level < lists.length - 1 || shape.cont === true;
    const li = inside ? '<li class="diff-outer">' : '<li>';
    html = lists[level] === 'ordered' ? `<ol start="${n ?? 1}">${li}${html}</li></ol>` : `<ul>${li}${html}</li></ul>`;
  }
  return html;
}

/** The block's element around its rendered content. Headings are not <h*>: they would break the page's outline. */
function htmlBlock(shape: BlockShape, inner: string, numbers?: readonly (number | null)[]): string {
  let html: string;
  switch (shape.kind) {
    case 'heading':
      html = `<p class="diff-heading diff-h${shape.level ?? 1}">${inner}</p>`;
      break;
    case 'list-item':
      html = htmlList(shape, numbers, inner);
      break;
    case 'table-row':
      html = shape.header ? `<table><tr><th>${inner}</th></tr></table>` : `<table><tr><td>${inner}</td></tr></table>`;
      break;
    case 'code':
      html = `<pre><code>${inner}</code></pre>`;
      break;
    case 'hr':
      html = inner === '' ? '<hr>' : inner;
      break;
    default:
      html = `<p>${inner}</p>`;
  }
  return `${'<blockquote>'.repeat(shape.quote ?? 0)}${html}${'</blockquote>'.repeat(shape.quote ?? 0)}`;
}

function htmlInner(hunk: Hunk): string {
  const format = htmlFormat(hunk.shape.header === true);
  if (hunk.blockKind === 'code')
    return codeLines(hunk)
      .map((row) => renderPieces(row, format))
      .join('\n');
  if (hunk.blockKind === 'hr') return hunk.kind === 'added' ? '<ins><hr></ins>' : hunk.kind === 'removed' ? '<del><hr></del>' : '';
  return renderPieces(pieces(hunk.ops), format);
}

/** Code is one token per line: each line on its own, with its own <ins>/<del>. */
function codeLines(hunk: Hunk) {
  return hunk.ops.flatMap((o) => o.tokens.map((token) => [{ op: o.op, token, space: false }]));
}

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

function htmlStats(stats: DiffStats): string {
  return `<p class="diff-stats">${count(stats.changedBlocks, 'block')} changed: ${count(stats.insertedWords, 'word')} added, ${count(stats.deletedWords, 'word')} removed</p>`;
}

/** An HTML fragment; every piece of policy text in it is escaped. */
export function renderDiffHtml(diff: PolicyDiff): string {
  if (diff.hunks.length === 0) return '<div class="policy-diff"><p class="diff-empty">No changes to the text.</p></div>\n';
  const body = bySection(diff, (hunk, section) => {
    const heading = section === null ? '' : `<p class="diff-section">${htmlVisible(section)}</p>\n`;
    return `${heading}<div class="diff-hunk diff-${hunk.kind} diff-${hunk.blockKind}">${htmlBlock(hunk.shape, htmlInner(hunk), hunk.numbers)}</div>`;
  });
  return `<div class="policy-diff">\n${htmlStats(diff.stats)}\n${body.join('\n')}\n</div>\n`;
}

// ------------------------------------------------------------------ terminal

const TERM_MARK: Record<Mark, string> = { em: '*', strong: '**', s: '~~' };
const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const CYAN = '\u001b[36m';
const RESET = '\u001b[0m';

function termToken(t: Token, changed: boolean): string {
  if (t.type === 'cell') return ' | ';
  const text = visible(t.text);
  if (t.type === 'code') return `\`${text}\``;
  if (t.type === 'link') return changed ? `[${text}](${visible(t.href)})` : text;
  if (t.type === 'image') return changed ? `![${text}](${visible(t.href)})` : `![${text}]`;
  return text;
}

const termFormat = (color: boolean): Format => ({
  open: (op) => (op === 'insert' ? `${color ? GREEN : ''}{+` : op === 'delete' ? `${color ? RED : ''}[-` : ''),
  close: (op) => (op === 'insert' ? `+}${color ? RESET : ''}` : op === 'delete' ? `-]${color ? RESET : ''}` : ''),
  openMarks: (marks) => marks.map((m) => TERM_MARK[m]).join(''),
  closeMarks: (marks) =>
    [...marks]
      .reverse()
      .map((m) => TERM_MARK[m])
      .join(''),
  token: termToken,
  cell: ' | ',
});

/** A list level's marker: the item's number in an ordered list, as readers see it. */
const marker = (type: string | undefined, n: number | null | undefined): string => (type === 'ordered' ? `${n ?? 1}. ` : '- ');

/** Markdown-like prefixes, so that a hunk reads as the source it came from: nested items indented under their parents' markers. */
function termPrefix(shape: BlockShape, numbers?: readonly (number | null)[]): string {
  const quote = '> '.repeat(shape.quote ?? 0);
  const lists = shape.list ?? [];
  const depth = lists.length;
  const markers = lists.map((type, level) => marker(type, numbers?.[level]));
  const indent = markers
    .slice(0, Math.max(0, depth - 1))
    .map((m) => ' '.repeat(m.length))
    .join('');
  switch (shape.kind) {
    case 'heading':
      return `${quote}${'#'.repeat(shape.level ?? 1)} `;
    case 'list-item':
      return `${quote}${indent}${shape.cont ? ' '.repeat(markers.at(-1)!.length) : markers.at(-1)!}`;
    case 'table-row':
      return `${quote}| `;
    case 'code':
      return `${quote}${indent}    `;
    default:
      return `${quote}${depth > 0 ? `${indent}${' '.repeat(markers.at(-1)!.length)}` : ''}`;
  }
}

function termHunk(hunk: Hunk, color: boolean): string {
  const format = termFormat(color);
  const prefix = termPrefix(hunk.shape, hunk.numbers);
  if (hunk.blockKind === 'code')
    return codeLines(hunk)
      .map((row) => prefix + renderPieces(row, format))
      .join('\n');
  if (hunk.blockKind === 'hr') return `${prefix}${format.open(changeOp(hunk.kind))}---${format.close(changeOp(hunk.kind))}`;
  const suffix = hunk.blockKind === 'table-row' ? ' |' : '';
  return `${prefix}${renderPieces(pieces(hunk.ops), format).trimStart()}${suffix}`;
}

const changeOp = (kind: HunkKind): OpKind => (kind === 'added' ? 'insert' : kind === 'removed' ? 'delete' : 'equal');

/** git --word-diff=plain style: `@@ section @@` lines, [-deleted-]{+inserted+}; optional ANSI colours. */
export function renderDiffTerminal(diff: PolicyDiff, opts: { color: boolean }): string {
  if (diff.hunks.length === 0) return 'No changes to the text.\n';
  const body = bySection(diff, (hunk, section) => {
    const line = section === null ? '' : `${opts.color ? CYAN : ''}@@ ${visible(section)} @@${opts.color ? RESET : ''}\n`;
    return `${line}${termHunk(hunk, opts.color)}`;
  });
  const { changedBlocks, insertedWords, deletedWords } = diff.stats;
  return `${body.join('\n\n')}\n\n${count(changedBlocks, 'block')} changed, +${insertedWords} -${deletedWords} words\n`;
}

// ------------------------------------------------------------------ JSON

export interface DiffJson {
  format: 'candor-policy-diff';
  version: 1;
  stats: DiffStats;
  hunks: {
    kind: HunkKind;
    section: string[];
    /** The section and the list item: what the @@ line shows. */
    context: string[];
    /** In a list: each level's item number, outermost first; null in a bullet list. */
    numbers?: (number | null)[];
    blockKind: Hunk['blockKind'];
    shape: BlockShape;
    aIndex?: number;
    bIndex?: number;
    /** `text` is the op's tokens as readable text, for consumers that do not want tokens. */
    ops: { op: OpKind; text: string; tokens: Token[] }[];
  }[];
}

/** Plain data for `--json`: fresh objects, no undefined fields, stable field order. */
export function diffToJson(diff: PolicyDiff): DiffJson {
  return {
    format: 'candor-policy-diff',
    version: 1,
    stats: { ...diff.stats },
    hunks: diff.hunks.map((h) => ({
      kind: h.kind,
      section: [...h.section],
      context: [...h.context],
      ...(h.numbers === undefined ? {} : { numbers: [...h.numbers] }),
      blockKind: h.blockKind,
      shape: JSON.parse(JSON.stringify(h.shape)) as BlockShape,
      ...(h.aIndex === undefined ? {} : { aIndex: h.aIndex }),
      ...(h.bIndex === undefined ? {} : { bIndex: h.bIndex }),
      ops: h.ops.map((o) => ({ op: o.op, text: plainText(o.tokens), tokens: JSON.parse(JSON.stringify(o.tokens)) as Token[] })),
    })),
  };
}
