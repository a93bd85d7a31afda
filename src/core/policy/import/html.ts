/**
 * A saved policy page (HTML) to Markdown (pure: the DOM is linkedom, in memory).
 * 1. Drop what must never reach the site or is not the policy: scripts, styles, forms,
 *    frames, navigation, headers and footers, cookie banners, archive toolbars.
 * 2. Find the policy's text: the page's <main>/<article> when it has one, otherwise
 *    Readability (Firefox Reader View's algorithm).
 * 3. Turndown with its GFM rules (tables, strikethrough) writes Markdown. Images become
 *    their alt text: the site makes no request to anyone else (decision 0019).
 */
import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';
import TurndownService from 'turndown';
import { gfm } from '@joplin/turndown-plugin-gfm';
import { htmlDateHints, type DateHints } from './dates.ts';

export interface HtmlImport {
  markdown: string;
  /** The first <h1>, else the page's <title>. */
  title?: string;
  dates: DateHints;
}

type El = {
  remove(): void;
  querySelectorAll(s: string): Iterable<El>;
  textContent: string | null;
  getAttribute(n: string): string | null;
  replaceWith(...n: unknown[]): void;
  innerHTML: string;
  outerHTML: string;
  tagName: string;
  ownerDocument: { createTextNode(t: string): unknown };
};

/** Never content: active or interactive elements, and the parts of a site around its pages. */
const DROP = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'frame',
  'object',
  'embed',
  'form',
  'button',
  'input',
  'select',
  'textarea',
  'svg',
  'canvas',
  'video',
  'audio',
  'link',
  'meta',
  'nav',
  'header',
  'footer',
  'aside',
  '[role=navigation]',
  '[role=banner]',
  '[role=contentinfo]',
  '[aria-hidden=true]',
  '[hidden]',
  // The Wayback Machine's toolbar and its wrappers.
  '#wm-ipp-base',
  '#wm-ipp',
  '#wm-ipp-print',
  '#donato',
  '.wb-autocomplete-suggestions',
];
/** Cookie banners and consent dialogs, by the names sites give them. */
const BANNER = /(^|[-_ ])(cookie|consent|gdpr|cmp|onetrust|banner|skip-?link|breadcrumbs?|share|newsletter)([-_ ]|$)/i;

function cleanup(doc: { querySelectorAll(s: string): Iterable<El> }): void {
  for (const el of [...doc.querySelectorAll(DROP.join(','))]) el.remove();
  for (const el of [...doc.querySelectorAll('[id],[class]')]) {
    if (BANNER.test(el.getAttribute('id') ?? '') || BANNER.test(el.getAttribute('class') ?? '')) el.remove();
  }
  // A table cell holds one line in Markdown: lists and paragraphs inside it become text.
  for (const cell of [...doc.querySelectorAll('td, th')]) {
    if ([...cell.querySelectorAll('ul,ol,p,div,br,h1,h2,h3,h4,h5,h6,table')].length) cell.innerHTML = escapeText(squash(blockText(cell)));
  }
}

function blockText(el: El): string {
  return el.innerHTML.replace(/<(br|\/p|\/li|\/div|\/h\d)[^>]*>/gi, '; ').replace(/<[^>]+>/g, ' ');
}
const squash = (s: string): string =>
  s
    .replace(/\s+/g, ' ')
    .replace(/(\s*;\s*)+/g, '; ')
    .replace(/^[;\s]+|[;\s]+$/g, '');
const escapeText = (s: string): string => s.replace(/&(?![a-z]+;|#\d+;)/gi, '&amp;').replace(/</g, '&lt;');

function mainHtml(html: string): { content: string; title?: string } {
  const { document } = parseHTML(html);
  const doc = document as unknown as { querySelectorAll(s: string): Iterable<El>; querySelector(s: string): El | null; title: string };
  const pageTitle = doc.title?.trim() || undefined;
  cleanup(doc);
  const mains = [...doc.querySelectorAll('main, [role=main]')];
  const articles = [...doc.querySelectorAll('article')];
  const region = mains.length === 1 ? mains[0] : articles.length === 1 ? articles[0] : undefined;
  const h1 = (region ?? doc).querySelectorAll('h1');
  const title = [...h1][0]?.textContent?.replace(/\s+/g, ' ').trim() || pageTitle;
  if (region) return { content: region.innerHTML, ...(title ? { title } : {}) };
  const article = new Readability(document, { charThreshold: 200, keepClasses: false }).parse();
  const body = doc.querySelector('body')?.innerHTML ?? html;
  // Readability keeps one region; when that loses most of the text, the page was
  // mostly policy (the site's parts are already gone), so keep all of it.
  const kept = article?.content && (article.textContent ?? '').length >= 0.6 * textLength(body) ? article.content : body;
  return { content: kept, ...(title ? { title } : {}) };
}
const textLength = (html: string): number =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim().length;

/** An archive copy's link (/web/20240115093000/https://…) points at the original page. */
const ARCHIVED = /^(?:https?:\/\/[^/]*archive[^/]*)?\/web\/\d{1,14}[a-z_]*\/(https?:\/\/.+)$/i;

/** Where the page was, so that its relative links still lead to the operator's site: <link rel=canonical>, og:url or <base>. */
export function pageUrl(html: string): string | undefined {
  const tag = /<link\b[^>]*rel=["']?canonical["']?[^>]*>|<meta\b[^>]*property=["']?og:url["']?[^>]*>|<base\b[^>]*>/i.exec(html)?.[0];
  const url = tag && /(?:href|content)\s*=\s*["']?([^"'\s>]+)/i.exec(tag)?.[1];
  const original = url?.replace(ARCHIVED, '$1');
  return original && /^https?:\/\//i.test(original) ? original : undefined;
}

function resolveHref(href: string, base: string | undefined): string {
  const unwrapped = href.replace(ARCHIVED, '$1');
  if (!base || /^(https?:|mailto:|#)/i.test(unwrapped) || !unwrapped.startsWith('/')) return unwrapped;
  try {
    return new URL(unwrapped, base).href;
  } catch {
    return unwrapped;
  }
}

function converter(base: string | undefined): TurndownService {
  const td = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced', emDelimiter: '_', strongDelimiter: '**', hr: '---' });
  td.use(gfm);
  td.addRule('image', {
    filter: 'img',
    replacement: (_content, node) => {
      const alt = ((node as unknown as El).getAttribute('alt') ?? '').replace(/\s+/g, ' ').trim();
      return alt ? `(${td.escape(alt)})` : '';
    },
  });
  td.addRule('listItem', {
    filter: 'li',
    replacement: (content, node, options) => {
      const li = node as unknown as {
        parentNode: { nodeName: string; getAttribute(n: string): string | null; children: ArrayLike<unknown> } | null;
        nextSibling: unknown;
      };
      const parent = li.parentNode;
      let marker = `${options.bulletListMarker} `;
      if (parent?.nodeName === 'OL') {
        const start = Number(parent.getAttribute('start') ?? '1');
        marker = `${(Number.isFinite(start) ? start : 1) + Array.prototype.indexOf.call(parent.children, node)}. `;
      }
      const body = content
        .replace(/^\n+/, '')
        .replace(/\n+$/, '\n')
        .replace(/\n(?=.)/gm, `\n${' '.repeat(marker.length)}`);
      return marker + body + (li.nextSibling && !/\n$/.test(body) ? '\n' : '');
    },
  });
  // Links to nothing useful (javascript:, in-page anchors of dropped parts) keep their text.
  td.addRule('link', {
    filter: (node) => node.nodeName === 'A',
    replacement: (content, node) => {
      const href = resolveHref(((node as unknown as El).getAttribute('href') ?? '').trim(), base);
      if (!content.trim()) return '';
      if (!/^(https?:|mailto:|\/|#[a-z])/i.test(href)) return content;
      return `[${content}](${href.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`;
    },
  });
  return td;
}

/** Headings keep their numbers without the escape Turndown adds ("## 1\. Scope"). */
function tidy(markdown: string): string {
  return (
    markdown
      .replace(/^(#{1,6} .*)$/gm, (line) => line.replace(/^(#{1,6} [\d.]+)\\\./, '$1.'))
      .replace(/[ \t]+$/gm, '')
      // A paragraph left starting with a space by a dropped image or pixel.
      .replace(/(^|\n\n) +(?=[^\s\-*+\d|])/g, '$1')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}

export function htmlToMarkdown(html: string): HtmlImport {
  const dates = htmlDateHints(html);
  const { content, title } = mainHtml(html);
  const markdown = tidy(converter(pageUrl(html)).turndown(content));
  return { markdown, ...(title ? { title } : {}), dates };
}
