/**
 * A plain-text policy to Markdown (pure). Blank lines separate paragraphs; hard-wrapped
 * lines are joined. A short line on its own that starts with a section number ("1.",
 * "2.3", "4.1.2") or is in capitals is a heading, its depth from the number. Lines that
 * start with "-", "*", "•", "a)", "(b)", "i." or "3." in a run are a list.
 */
const SECTION = /^((?:\d+\.)+\d*|\d+\.?\d*(?:\.\d+)*)\s+(\S.*)$/;
const ITEM = /^\s*(?:[-*•·–]|\(?[a-z]{1,3}\)|\(?\d{1,2}\)|[a-z]\.|\d{1,2}\.)\s+\S/i;

/** Backslash-escapes what Markdown would read as syntax, so the words stay words. */
export function escapeMarkdownText(s: string): string {
  return s
    .replace(/([\\`*_[\]<>|~])/g, '\\$1')
    .replace(/^(\s*)([#+=>-]|\d+[.)])(?=\s|$)/, (_m, sp: string, mark: string) => `${sp}${mark.replace(/([#+=>.)-])$/, '\\$1')}`);
}

function heading(line: string): string | undefined {
  const t = line.trim();
  if (t.length > 90 || (/[.;:,]$/.test(t) && !SECTION.test(t))) return undefined;
  const m = SECTION.exec(t);
  if (m && !/[;,]$/.test(t) && m[2]!.length <= 80 && !/[.:]$/.test(m[2]!)) {
    const depth = m[1]!.replace(/\.$/, '').split('.').length;
    return `${'#'.repeat(Math.min(depth + 1, 6))} ${m[1]!.replace(/\.$/, '')}. ${escapeMarkdownText(m[2]!)}`;
  }
  if (/^[^a-z]*[A-Z][^a-z]*$/.test(t) && t.length >= 4 && /[A-Z]{3}/.test(t)) return `## ${escapeMarkdownText(t.charAt(0) + t.slice(1).toLowerCase())}`;
  return undefined;
}

function listItem(line: string): string {
  const t = line.trim();
  const number = /^(\d{1,2})[.)]\s+(.*)$/.exec(t);
  if (number) return `${number[1]}. ${escapeMarkdownText(number[2]!)}`;
  const bullet = /^[-*•·–]\s+(.*)$/.exec(t);
  if (bullet) return `- ${escapeMarkdownText(bullet[1]!)}`;
  const label = /^(\(?[a-z]{1,3}[).])\s+(.*)$/i.exec(t)!;
  return `- ${escapeMarkdownText(label[1]!)} ${escapeMarkdownText(label[2]!)}`;
}

/** Lines of one list item: its marker line and the wrapped lines after it. */
function listBlock(lines: string[]): string {
  const items: string[][] = [];
  for (const line of lines) {
    if (ITEM.test(line) || items.length === 0) items.push([line]);
    else items.at(-1)!.push(line);
  }
  return items
    .map(([first, ...rest]) => {
      const indent = /^\s*/.exec(first!)![0].length >= 2 ? '  ' : '';
      return indent + listItem([first!, ...rest.map((r) => r.trim())].join(' '));
    })
    .join('\n');
}

function block(lines: string[]): string[] {
  const h = heading(lines[0]!);
  if (h && lines.length === 1) return [h];
  // A heading on the first line of a longer block is short: a long one is a wrapped sentence.
  if (h && lines[0]!.trim().length <= 60) return [h, ...block(lines.slice(1))];
  const firstItem = lines.findIndex((l) => ITEM.test(l));
  if (firstItem === 0) return [listBlock(lines)];
  if (firstItem > 0) return [...block(lines.slice(0, firstItem)), listBlock(lines.slice(firstItem))];
  return [escapeMarkdownText(lines.map((l) => l.trim()).join(' '))];
}

export interface TextImport {
  markdown: string;
  title?: string;
}

export function plainTextToMarkdown(text: string): TextImport {
  const blocks = text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .split(/\n[ \t]*\n/)
    .map((b) => b.split('\n').filter((l) => l.trim() !== ''))
    .filter((b) => b.length > 0);
  let title: string | undefined;
  const first = blocks[0];
  // The first line alone, before any section, unnumbered: the title.
  if (first && first.length === 1 && !SECTION.test(first[0]!.trim()) && first[0]!.trim().length <= 90 && !/[.:;,]$/.test(first[0]!.trim())) {
    title = first[0]!.trim();
    blocks.shift();
  }
  const markdown = blocks.flatMap(block).join('\n\n').trim() + '\n';
  return { markdown, ...(title ? { title } : {}) };
}
