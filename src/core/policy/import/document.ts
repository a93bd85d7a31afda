/**
 * One imported file (pure): its format from its name and content, its Markdown body,
 * title and date hints. Formats: HTML (a saved web page), Markdown, plain text.
 */
import { parseFrontMatter } from '../../content/front-matter.ts';
import { fileNameDate, statedDate, type DateHints } from './dates.ts';
import { htmlToMarkdown } from './html.ts';
import { plainTextToMarkdown } from './text.ts';

export type ImportFormat = 'html' | 'markdown' | 'text';

export interface ImportedDocument {
  /** The file's name as given, for messages and the version's `imported.from`. */
  name: string;
  format: ImportFormat;
  body: string;
  title?: string;
  dates: DateHints & { fileName?: string };
}

export function formatOf(name: string, text: string): ImportFormat {
  if (/\.(html?|xhtml|mhtml?)$/i.test(name) || /^\s*(<!doctype html|<html[\s>])/i.test(text)) return 'html';
  if (/\.(md|markdown|mdown)$/i.test(name)) return 'markdown';
  return 'text';
}

/** The first level-1 heading is the title (the site prints the title itself); the rest move up one level if any h1 is left. */
function liftTitle(markdown: string, title: string | undefined): { body: string; title?: string } {
  const lines = markdown.split('\n');
  const index = lines.findIndex((l) => /^# \S/.test(l));
  let found = title;
  if (index >= 0 && (index === 0 || lines.slice(0, index).every((l) => !l.trim() || /^\s*(last|effective|updated)/i.test(l)))) {
    found = lines[index]!.slice(2)
      .trim()
      .replace(/\\([\\`*_[\]<>|~#.])/g, '$1');
    lines.splice(index, 1);
  }
  let body = lines.join('\n');
  if (/^# \S/m.test(body)) body = body.replace(/^(#{1,5}) (?=\S)/gm, '#$1 ');
  body =
    body
      .replace(/^\n+/, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n';
  return { body, ...(found ? { title: found } : {}) };
}

/** The site makes no request to anyone else: a Markdown image becomes its alt text (decision 0019). */
export function withoutImages(markdown: string): string {
  return markdown.replace(/!\[([^\]]*)\]\([^)]*\)/g, (_m, alt: string) => (alt.trim() ? `(${alt.trim()})` : ''));
}

export function importDocument(name: string, text: string): ImportedDocument {
  const format = formatOf(name, text);
  const fromName = fileNameDate(name);
  const base = { name, format };
  if (format === 'html') {
    const html = htmlToMarkdown(text);
    const { body, title } = liftTitle(html.markdown, html.title);
    return { ...base, body, ...(title ? { title } : {}), dates: { ...html.dates, ...(fromName ? { fileName: fromName } : {}) } };
  }
  let source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  // A Markdown file with front matter (from another tool): keep only its body.
  if (format === 'markdown' && /^---[ \t]*\n/.test(source)) source = parseFrontMatter(source, name).body;
  const converted = format === 'markdown' ? { markdown: withoutImages(source) } : plainTextToMarkdown(source);
  const { body, title } = liftTitle(converted.markdown.trim() + '\n', 'title' in converted ? converted.title : undefined);
  const stated = statedDate(source.replace(/[*_`]/g, ''));
  return { ...base, body, ...(title ? { title } : {}), dates: { ...(stated ? { stated } : {}), ...(fromName ? { fileName: fromName } : {}) } };
}
