/**
 * The escapers: one per output language, used by every renderer (site pages' helpers,
 * feeds, charts, diffs, e-mails, pull-request comments, the watchdog issue). Hostile input
 * (PR titles, file names, policy ids, Markdown) is held to them in test/unit/escape.test.ts.
 */

/**
 * Text for HTML or XML: element content and single- or double-quoted attribute values.
 * XML 1.0 forbids most control characters even as references, so they (all but tab, LF,
 * CR) and the non-characters U+FFFE/U+FFFF become U+FFFD, as do lone surrogates (which
 * would not survive UTF-8); the result is valid in both languages.
 */
export function escapeXml(text: string): string {
  return text
    .toWellFormed()
    .replace(/(?![\t\n\r])[\p{Cc}\uFFFE\uFFFF]/gu, '\uFFFD')
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** HTML follows the same rules as XML (see escapeXml): one escaper for both markup languages. */
export const escapeHtml = escapeXml;

/**
 * Literal text in Markdown (CommonMark, GitHub): every ASCII punctuation mark is
 * backslash-escaped, so no character can start emphasis, a link, a heading, a list, an
 * HTML tag or an autolink, and each line's leading blanks go (four would start a code
 * block). Line breaks are kept: callers that need one line use escapeMarkdownLine.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/^[ \t]+/gm, '').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** As escapeMarkdown, on one line: runs of whitespace around line breaks become one space. */
export function escapeMarkdownLine(text: string): string {
  return escapeMarkdown(text.replace(/\s*[\r\n]+\s*/g, ' '));
}
