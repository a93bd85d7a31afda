/**
 * The email form of a notice. The words are the notifier's (renderNoticeText and
 * renderNoticeMarkdown, shared with the other channels, so every channel says the same
 * thing); this module only makes them an email:
 *   - the subject names the service ("Lumen Mail privacy policy 3.0: material change, …");
 *   - the text is made canonical, because it is what gets OpenPGP-signed;
 *   - the HTML is a bare document around the same Markdown, with nothing that a mail
 *     client would fetch when the message is opened (no image, stylesheet or script).
 */
import { escapeHtml, escapeMarkdown } from '../escape.ts';
import type { Token } from 'markdown-it';
import { findCanonicalProblems } from '../canonical.ts';
import { markdown } from '../markdown.ts';
import { noticeTitle, renderNoticeMarkdown, renderNoticeText } from './events.ts';
import type { NoticeEvent } from './model.ts';

/** The publishing service, as in content/service.yml. */
export interface NoticeService {
  name: string;
  url: string;
}

export interface EmailBodies {
  subject: string;
  /** Canonical text, ready for signDocument. */
  text: string;
  html: string;
}

/**
 * "Privacy policy 3.0: …" reads as "Lumen Mail privacy policy 3.0: …". A title in
 * Title Case ("Privacy Policy"), an acronym ("GDPR notice") or a title that already
 * names the service keeps its spelling: a proper noun cannot be told apart from a
 * sentence's first word. `title` is the content's own title that `subject` starts with.
 */
export function withService(service: string, subject: string, title: string): string {
  const oneLine = subject.replace(/[\p{Cc}\s]+/gu, ' ').trim();
  if (oneLine.toLowerCase().startsWith(service.toLowerCase())) return oneLine;
  const [first = '', ...rest] = title.trim().split(/\s+/);
  const titleCase = rest.filter((w) => /^\p{L}{4,}/u.test(w)).every((w) => /^\p{Lu}/u.test(w));
  const lower = /^[A-Z][a-z]+\W*$/.test(first) && !titleCase && oneLine.startsWith(first);
  return `${service} ${lower ? oneLine[0]!.toLowerCase() + oneLine.slice(1) : oneLine}`;
}

const titleOf = (e: NoticeEvent): string => (e.kind === 'attestation' ? 'Warrant canary' : e.kind === 'watch' ? `Canary watch: ${e.site}` : e.title);

/**
 * Makes text canonical (docs/decisions/0001-canonical-text.md) without changing what
 * a reader sees. Content comes from YAML and may hold what signDocument refuses: a
 * tab, a CR, a control character, a lone surrogate, a decomposed accent, or a line
 * starting with '-' (which the cleartext signature would dash-escape), indented here.
 */
export function canonicalize(text: string): string {
  const lines = text
    .toWellFormed()
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '  ')
    .replace(/\uFFFD/g, '?')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
    .split('\n')
    .map((l) => l.replace(/\s+$/u, ''))
    .map((l) => (l.startsWith('-') ? ` ${l}` : l));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const result = `${lines.join('\n')}\n`;
  // Meant to be total: a problem left here is a bug, and it is caught before signing.
  const problems = findCanonicalProblems(result);
  if (problems.length > 0) throw new Error(`canonicalize left line ${problems[0]!.line}: ${problems[0]!.problem}`);
  return result;
}

/** Images would load from the network when the mail is opened: each becomes its alt text. */
function withoutImages(tokens: Token[]): Token[] {
  for (const child of tokens.flatMap((t) => t.children ?? [])) {
    if (child.type !== 'image') continue;
    // An image token's content is its alt text; the text rule escapes it like any text.
    child.type = 'text';
    child.tag = '';
    child.attrs = null;
    child.children = null;
  }
  return tokens;
}

/**
 * A bare HTML document from Markdown, rendered by the one markdown-it (raw HTML off):
 * no stylesheet, no script, no image; only links, which load nothing until clicked.
 */
export function renderEmailHtml(source: string, title: string): string {
  const env = {};
  const body = markdown.renderer.render(withoutImages(markdown.parse(source, env)), markdown.options, env);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>`,
    '<body>',
    body.trimEnd(),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Subject, canonical text (to sign) and HTML of the one email sent for `event`. */
export function emailBodies(event: NoticeEvent, service: NoticeService): EmailBodies {
  // A watch notice is about another service: the watcher's page title is said after, not glued before.
  const subject =
    event.kind === 'watch'
      ? `${noticeTitle(event)}${/^canary watch$/i.test(service.name.trim()) ? '' : ` (${service.name.replace(/[\p{Cc}\s]+/gu, ' ').trim()})`}`
      : withService(service.name, noticeTitle(event), titleOf(event));
  // The HTML is not signed: it says where the signed version is.
  const footer = `The plain-text part of this email is OpenPGP-signed by ${service.name}; the public keys are published on ${service.url}`;
  const source = `${renderNoticeMarkdown(event)}\n${escapeMarkdown(footer)}\n`;
  return { subject, text: canonicalize(renderNoticeText(event)), html: renderEmailHtml(source, subject) };
}

/**
 * The same event always gets the same Message-ID, so a receiver (or a list archive)
 * can drop the copy of a rare double delivery. `policy:privacy@3.0:published` on
 * https://lumen-mail.example becomes `<policy.privacy.3.0.published@lumen-mail.example>`:
 * characters outside RFC 5322 dot-atom text become dots.
 */
export function emailMessageId(eventId: string, siteUrl: string): string {
  const local =
    eventId
      .replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+/g, '.')
      .replace(/\.{2,}/g, '.')
      .replace(/^\.|\.$/g, '') || 'notice';
  return `<${local}@${new URL(siteUrl).hostname}>`;
}
