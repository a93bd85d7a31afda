/**
 * The words of a notice, once, rendered two ways: canonical plain text (the email's
 * signed part, webhook consumers, logs) and Markdown (GitHub issues, and HTML email
 * through the shared markdown-it). Everything that comes from content is untrusted
 * text: control characters go, and in Markdown every punctuation mark is escaped.
 */
import { escapeMarkdown } from '../escape.ts';
import { markdown } from '../markdown.ts';
import type { NoticeEvent } from './model.ts';

type PolicyEvent = Extract<NoticeEvent, { kind: 'policy-version' }>;
type ReportEvent = Extract<NoticeEvent, { kind: 'report' }>;
type AttestationEvent = Extract<NoticeEvent, { kind: 'attestation' }>;

/** A notice before formatting. */
export interface NoticeParts {
  title: string;
  paragraphs: string[];
  fields: [label: string, value: string][];
  facts: string[];
  links: [label: string, url: string][];
}

/**
 * Canonical text: LF only, no tabs or control characters, no trailing spaces (a
 * cleartext signature would not cover them), and no blank runs longer than one line.
 */
export function plain(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      .replace(/\t/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** One line: titles, field values and facts never break a line. */
const line = (text: string): string => plain(text).replace(/\s*\n\s*/g, ' ');

function policyTitle(e: PolicyEvent): string {
  if (e.phase === 'effective') return `${e.title} ${e.version} is now in effect`;
  if (e.previous === null) return `${e.title} ${e.version} published, effective ${e.effective}`;
  return `${e.title} ${e.version}: ${e.change} change, effective ${e.effective}`;
}

function attestationTitle(e: AttestationEvent): string {
  if (e.signal === 'duress') return `Warrant canary attestation ${e.sequence}: DURESS SIGNAL`;
  if (e.signal === 'final') return `Warrant canary attestation ${e.sequence}: FINAL NOTICE`;
  return `Warrant canary renewed: attestation ${e.sequence}, valid until ${e.expires.slice(0, 10)}`;
}

/** The subject of an email, the title of an issue. */
export function noticeTitle(e: NoticeEvent): string {
  if (e.kind === 'policy-version') return line(policyTitle(e));
  if (e.kind === 'report') return line(`${e.title} published`);
  if (e.kind === 'watch') return line(`Canary watch: ${e.site} ${e.change}`);
  return attestationTitle(e);
}

type Pair = [string, string];

function policyParts(e: PolicyEvent): NoticeParts {
  const intro = e.phase === 'effective' ? [`Version ${e.version} of the ${e.title}, announced on ${e.published}, is in effect from ${e.effective}.`] : [];
  const previous: Pair[] = e.previous ? [['Previous version', e.previous]] : [];
  const diff: Pair[] = e.links.diff && e.previous ? [[`Compare with version ${e.previous}`, e.links.diff]] : [];
  return {
    title: noticeTitle(e),
    paragraphs: [...intro, e.summary],
    fields: [['Published', e.published], ['Effective', e.effective], ['Change', e.change], ...previous],
    facts: e.facts.map((f) => f.text),
    links: [[`Read version ${e.version}`, e.links.version], ...diff, ['All policy changes', e.links.changelog]],
  };
}

function reportParts(e: ReportEvent): NoticeParts {
  return {
    title: noticeTitle(e),
    paragraphs: [
      `The transparency report for ${e.period.start} to ${e.period.end} is published: the requests for user data received in that period, and what was done with them.`,
    ],
    fields: [
      ['Period', `${e.period.start} to ${e.period.end}`],
      ['Published', e.published],
    ],
    facts: [],
    links: [
      ['Read the report', e.links.report],
      ['The data (JSON)', e.links.json],
      ['Every request, all periods (CSV)', e.links.csv],
    ],
  };
}

const SIGNAL_TEXT: Record<AttestationEvent['signal'], string> = {
  none: "The people responsible for the service signed a new warrant canary attestation. Check its signatures yourself; do not take this message's word for it.",
  duress: 'WARNING: this attestation carries a duress signal. Treat the canary as tripped.',
  final: 'This attestation carries a final notice: the canary will not be renewed.',
};

function attestationParts(e: AttestationEvent): NoticeParts {
  return {
    title: noticeTitle(e),
    paragraphs: [SIGNAL_TEXT[e.signal], ...(e.message ? [`Signed message: ${e.message}`] : [])],
    fields: [
      ['Attestation', String(e.sequence)],
      ['Issued', e.issued],
      ['Valid until', e.expires],
      ['Signal', e.signal],
    ],
    facts: [],
    links: [
      ['Canary status', e.links.canary],
      ['Signed text to verify', e.links.verify],
    ],
  };
}

function watchParts(e: Extract<NoticeEvent, { kind: 'watch' }>): NoticeParts {
  return {
    title: noticeTitle(e),
    paragraphs: [e.message, "Seen by candor watch. Check the canary yourself; do not take this message's word for it."],
    fields: [
      ['Site', e.site],
      ['Change', e.change],
      ['Seen', e.at],
    ],
    facts: [],
    links: [['The canary', e.links.site], ...(e.links.page ? ([['Status page', e.links.page]] as Pair[]) : [])],
  };
}

export function noticeParts(e: NoticeEvent): NoticeParts {
  if (e.kind === 'policy-version') return policyParts(e);
  if (e.kind === 'watch') return watchParts(e);
  return e.kind === 'report' ? reportParts(e) : attestationParts(e);
}

/**
 * Plain text ending in one LF. Facts are bulleted with "*", not "-": a cleartext
 * signature dash-escapes every line starting with "-", which readers would see.
 */
export function renderNoticeText(e: NoticeEvent): string {
  const p = noticeParts(e);
  const blocks = [
    p.title,
    ...p.paragraphs.map(plain).filter(Boolean),
    p.fields.map(([k, v]) => `${k}: ${line(v)}`).join('\n'),
    ...(p.facts.length ? [['What changes in the facts:', ...p.facts.map((f) => `* ${line(f)}`)].join('\n')] : []),
    p.links.map(([k, url]) => `${line(k)}: ${url}`).join('\n'),
  ];
  return `${blocks.join('\n\n')}\n`;
}

/** A paragraph of content: escaped, lines unindented (indentation would make code blocks). */
const mdParagraph = (text: string): string =>
  plain(text)
    .split('\n')
    .map((l) => escapeMarkdown(l.trimStart()))
    .join('\n');

/**
 * Link targets in <…> so that parentheses in a URL cannot end the link early. The "*"
 * marker keeps the links a list of their own after the "-" list of facts.
 */
const mdLink = ([label, url]: Pair): string => `* [${escapeMarkdown(line(label))}](<${url.replace(/[<>\s]/g, encodeURIComponent)}>)`;

export function renderNoticeMarkdown(e: NoticeEvent, opts: { heading?: boolean } = {}): string {
  const p = noticeParts(e);
  const blocks = [
    ...(opts.heading === false ? [] : [`## ${escapeMarkdown(p.title)}`]),
    ...p.paragraphs.map(mdParagraph).filter(Boolean),
    p.fields.map(([k, v]) => `- **${escapeMarkdown(k)}:** ${escapeMarkdown(line(v))}`).join('\n'),
    ...(p.facts.length ? ['**What changes in the facts:**', p.facts.map((f) => `- ${escapeMarkdown(line(f))}`).join('\n')] : []),
    p.links.map(mdLink).join('\n'),
  ];
  return `${blocks.join('\n\n')}\n`;
}

/** The HTML part of an email: the Markdown through the one markdown-it (raw HTML off). */
export function renderNoticeHtml(e: NoticeEvent): string {
  return markdown.render(renderNoticeMarkdown(e));
}
