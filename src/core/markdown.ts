/**
 * The one markdown-it configuration. The same instance renders policies on the site,
 * in feeds and in emails, and parses them for policy diffs, so that what a diff calls
 * "a paragraph" or "a link" is exactly what readers see.
 *
 * `html: false` is what keeps Markdown from a pull request from injecting HTML: raw
 * tags come out as escaped text. `linkify: false` so that only explicit links are
 * links; `typographer: false` so that the text is what the author typed (quotes and
 * dashes are not rewritten behind a reviewer's back).
 */
import MarkdownIt from 'markdown-it';

export const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
