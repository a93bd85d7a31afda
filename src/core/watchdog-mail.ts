/**
 * The watchdog's e-mail to the operators (content/notify.yml `operators`), pure: whether
 * a run sends one, and its words.
 *
 * A mail goes out when the *set* of problems changes, never on every run:
 * - problems appear (the operators were last told "all clear") → one mail listing them;
 * - the set changes (a problem is added, or one goes away while others stay) → one mail
 *   listing the current problems and what changed;
 * - every problem is gone → one "resolved" mail.
 * A problem is identified by its code and subject (`KEY_EXPIRES_SOON key:ABC…`), not by
 * its message, which changes as time passes ("in 9 days", "in 8 days").
 *
 * What the operators were last told is remembered in the watchdog issue's body, as a
 * hidden marker (`<!-- candor:watchdog-mailed: CODE:subject … -->`): the issue is the
 * one place the watchdog job can write (it has no push access). src/io/watchdog-issue.ts
 * reads and writes it.
 */
import { canonicalize, renderEmailHtml, type NoticeService } from './notify/email-body.ts';
import { escapeMarkdown } from './escape.ts';
import type { WatchdogProblem } from './watchdog.ts';

type Keyed = Pick<WatchdogProblem, 'code' | 'subject'>;

/** What identifies a problem across runs. */
export const problemKey = (p: Keyed): string => `${p.code}:${p.subject}`;

const uniqueSorted = (keys: string[]): string[] => [...new Set(keys)].sort();

export const problemKeys = (problems: Keyed[]): string[] => uniqueSorted(problems.map(problemKey));

// ------------------------------------------------------------------ the marker

const MARKER_START = '<!-- candor:watchdog-mailed:';
const MARKER_END = ' -->';
/** Characters a key keeps as they are; anything else (a space, '-', '>') is %-escaped, so a key cannot end the comment. */
const SAFE = /[^A-Za-z0-9_.:@/+]/g;
const MARKER = /<!-- candor:watchdog-mailed:((?: [A-Za-z0-9_.:@/+%]+)*) -->/;

const escapeKey = (key: string): string =>
  key.replace(SAFE, (c) => [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));

function unescapeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** `<!-- candor:watchdog-mailed: KEY KEY -->`; no key (all clear) gives `<!-- candor:watchdog-mailed: -->`. */
export function mailedMarker(keys: string[]): string {
  return `${MARKER_START}${uniqueSorted(keys)
    .map((k) => ` ${escapeKey(k)}`)
    .join('')}${MARKER_END}`;
}

/** The keys in a body's marker; null when the body has none (an issue from before e-mail, or never mailed). */
export function parseMailedMarker(body: string | null | undefined): string[] | null {
  const match = MARKER.exec(body ?? '');
  if (!match) return null;
  return uniqueSorted(match[1]!.split(' ').filter(Boolean).map(unescapeKey));
}

/**
 * The body with its marker set to `keys` (null: no marker). The marker goes on the
 * second line, after the issue's own first-line marker, so that shortening a long body
 * never cuts it off.
 */
export function withMailedMarker(body: string, keys: string[] | null): string {
  const lines = body.split('\n').filter((l) => !MARKER.test(l));
  if (keys !== null) lines.splice(Math.min(1, lines.length), 0, mailedMarker(keys));
  return lines.join('\n');
}

// ------------------------------------------------------------------ the decision

export type WatchdogMail =
  | {
      kind: 'problems';
      /** The keys the operators will have been told once this mail is sent. */
      keys: string[];
      /** True when they were told "all clear" (or nothing) before: every problem is new. */
      first: boolean;
      added: string[];
      removed: string[];
    }
  | { kind: 'resolved'; keys: []; removed: string[] };

/**
 * The mail this run owes the operators, or null. `told`: the keys they were last
 * e-mailed ([] = all clear, the state before any problem); null = unknown (an issue
 * opened before e-mail was configured): problems are mailed, a resolution is not.
 */
export function watchdogMailDue(problems: Keyed[], told: string[] | null): WatchdogMail | null {
  const keys = problemKeys(problems);
  const before = told === null ? [] : uniqueSorted(told);
  if (keys.length === 0) {
    return before.length === 0 ? null : { kind: 'resolved', keys: [], removed: before };
  }
  if (told !== null && keys.length === before.length && keys.every((k, i) => k === before[i])) return null;
  return {
    kind: 'problems',
    keys,
    first: before.length === 0,
    added: keys.filter((k) => !before.includes(k)),
    removed: before.filter((k) => !keys.includes(k)),
  };
}

// ------------------------------------------------------------------ the words

export interface WatchdogMailContext {
  service: NoticeService;
  /** owner/name, to say where the watchdog runs. */
  repository: string;
  /** The watchdog issue (open, or just closed), when there is one. */
  issueUrl?: string;
  /** Whether the text part will be OpenPGP-signed (the footer says so). */
  signed: boolean;
}

export interface WatchdogMailText {
  subject: string;
  /** Canonical: ready for signDocument. */
  text: string;
  html: string;
}

const oneLine = (s: string): string => s.replace(/[\p{Cc}\s]+/gu, ' ').trim();
/** `KEY_EXPIRES_SOON (key:ABC…)`: how a problem reads once only its key is known. */
const describeKey = (key: string): string => {
  const at = key.indexOf(':');
  return at < 0 ? key : `${key.slice(0, at)} (${key.slice(at + 1)})`;
};
const plural = (n: number, one: string, many: string): string => (n === 1 ? one : `${n} ${many}`);

interface Section {
  heading: string;
  items: string[];
}

function mailParts(
  mail: WatchdogMail,
  problems: WatchdogProblem[],
  ctx: WatchdogMailContext,
): { subject: string; intro: string; sections: Section[]; closing: string[] } {
  const service = oneLine(ctx.service.name);
  const where = `the ${oneLine(ctx.repository)} repository`;
  if (mail.kind === 'resolved') {
    return {
      subject: `${service} canary watchdog: resolved`,
      intro: `The canary watchdog of ${where} finds nothing to act on any more.`,
      sections: [{ heading: 'Resolved since the last e-mail:', items: mail.removed.map(describeKey) }],
      closing: [ctx.issueUrl ? `The watchdog issue is closed: ${ctx.issueUrl}` : 'The watchdog issue is closed.'],
    };
  }
  const current = [...problems].sort((a, b) => problemKey(a).localeCompare(problemKey(b)));
  const count = plural(current.length, 'a problem', 'problems');
  const sections: Section[] = [
    {
      heading: `The canary watchdog of ${where} found ${count} that need${current.length === 1 ? 's' : ''} a maintainer:`,
      items: current.map((p) => `${p.code}: ${oneLine(p.message)}`),
    },
  ];
  if (!mail.first && mail.added.length > 0) sections.push({ heading: 'New since the last e-mail:', items: mail.added.map(describeKey) });
  if (!mail.first && mail.removed.length > 0) sections.push({ heading: 'No longer a problem:', items: mail.removed.map(describeKey) });
  return {
    subject: `${service} canary watchdog: ${mail.first ? `${count} need${current.length === 1 ? 's' : ''} action` : `problems changed, ${plural(current.length, 'one', 'problems')} to act on`}`,
    intro: '',
    sections,
    closing: [
      ...(ctx.issueUrl ? [`The watchdog issue, updated on every run: ${ctx.issueUrl}`] : []),
      'You get this e-mail when the problems appear or change, and once more when they are resolved; not on every run.',
    ],
  };
}

function footer(ctx: WatchdogMailContext): string | undefined {
  return ctx.signed
    ? `The plain-text part of this e-mail is OpenPGP-signed with the CI key of ${oneLine(ctx.service.name)}; the public keys are published on ${ctx.service.url}`
    : undefined;
}

/** Subject, canonical text (to sign, or send as it is) and minimal HTML (nothing it loads). */
export function renderWatchdogMail(mail: WatchdogMail, problems: WatchdogProblem[], ctx: WatchdogMailContext): WatchdogMailText {
  const parts = mailParts(mail, problems, ctx);
  const end = footer(ctx);
  const textBlocks = [parts.intro, ...parts.sections.map((s) => [s.heading, '', ...s.items.map((i) => `* ${i}`)].join('\n')), ...parts.closing].filter(Boolean);
  const link = (url: string): string => `[${escapeMarkdown(url)}](<${url.replace(/[<>\s]/g, encodeURIComponent)}>)`;
  const mdClosing = (line: string): string => {
    const url = ctx.issueUrl;
    if (!url || !line.endsWith(url)) return escapeMarkdown(line);
    return `${escapeMarkdown(line.slice(0, -url.length))}${link(url)}`;
  };
  const mdBlocks = [
    ...(parts.intro ? [escapeMarkdown(parts.intro)] : []),
    ...parts.sections.map((s) => [escapeMarkdown(s.heading), '', ...s.items.map((i) => `* ${escapeMarkdown(i)}`)].join('\n')),
    ...parts.closing.map(mdClosing),
    ...(end ? [escapeMarkdown(end)] : []),
  ];
  return {
    subject: oneLine(parts.subject),
    text: canonicalize(`${textBlocks.join('\n\n')}\n`),
    html: renderEmailHtml(`${mdBlocks.join('\n\n')}\n`, oneLine(parts.subject)),
  };
}
