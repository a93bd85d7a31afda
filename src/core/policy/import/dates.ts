/**
 * Where an imported policy's dates come from (pure). A policy usually says when it took
 * effect ("Effective 1 March 2024", "Last updated: January 10, 2024"); a saved page may
 * carry <time datetime> or <meta> dates; an archive snapshot's file name says when it was
 * seen (20240115093000.html, privacy-2024-01-15.md).
 */
export interface DateHints {
  /** Said in the text next to "effective", "last updated" and the like. */
  stated?: string;
  /** From <time datetime> or a <meta> date of the page. */
  markup?: string;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const LABEL =
  '(?:effective(?:\\s+(?:date|from|as\\s+of|on))?|last\\s+(?:updated|modified|revised|changed)(?:\\s+on)?|updated(?:\\s+on)?|revised(?:\\s+on)?|valid\\s+from|in\\s+(?:force|effect)\\s+(?:from|since))';
const DATE = `(\\d{4}-\\d{2}-\\d{2}|${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH},?\\s+\\d{4}|\\d{1,2}/\\d{1,2}/\\d{4})`;
const STATED = new RegExp(`\\b${LABEL}\\s*[:\\-–—]?\\s*(?:<[^>]*>\\s*)*${DATE}`, 'i');

const pad = (n: number): string => String(n).padStart(2, '0');

/** A calendar day, or undefined when the parts are not a real date. */
export function isoDay(y: number, m: number, d: number): string | undefined {
  const s = `${y}-${pad(m)}-${pad(d)}`;
  const t = Date.parse(`${s}T00:00:00Z`);
  return y >= 1990 && y <= 2200 && !Number.isNaN(t) && new Date(t).toISOString().startsWith(s) ? s : undefined;
}

/** "2024-01-10", "January 10, 2024", "10 Jan 2024", "10/01/2024" (day first, as in most policies outside the US unless the day is over 12). */
export function parseHumanDate(text: string): string | undefined {
  const s = text
    .trim()
    .toLowerCase()
    .replace(/(\d)(st|nd|rd|th)\b/, '$1')
    .replace(/[,.]/g, ' ')
    .replace(/\s+/g, ' ');
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return isoDay(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return +m[2]! > 12 ? isoDay(+m[3]!, +m[1]!, +m[2]!) : isoDay(+m[3]!, +m[2]!, +m[1]!);
  const month = (name: string): number => MONTHS.findIndex((full) => full.startsWith(name.slice(0, 3))) + 1;
  m = /^([a-z]+) (\d{1,2}) (\d{4})$/.exec(s);
  if (m) return isoDay(+m[3]!, month(m[1]!), +m[2]!);
  m = /^(\d{1,2}) ([a-z]+) (\d{4})$/.exec(s);
  if (m) return isoDay(+m[3]!, month(m[2]!), +m[1]!);
  return undefined;
}

/** The date a text states next to "effective", "last updated", …; the first one found. */
export function statedDate(text: string): string | undefined {
  const m = STATED.exec(text);
  return m ? parseHumanDate(m[1]!) : undefined;
}

const META =
  /<meta\b[^>]*(?:name|property|itemprop|http-equiv)\s*=\s*["']?(?:article:modified_time|article:published_time|last-modified|dcterms\.modified|dc\.date|date|datemodified|datepublished)["']?[^>]*>/gi;
const TIME = /<time\b[^>]*\bdatetime\s*=\s*["']?(\d{4}-\d{2}-\d{2})/i;

export function htmlDateHints(html: string): DateHints {
  const text = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/\s+/g, ' ');
  const stated = statedDate(text);
  const time = TIME.exec(html)?.[1];
  const meta = [...html.matchAll(META)].map((m) => /content\s*=\s*["']?(\d{4}-\d{2}-\d{2})/i.exec(m[0])?.[1]).find(Boolean);
  const markup = [time, meta].map((d) => (d ? parseHumanDate(d) : undefined)).find(Boolean);
  return { ...(stated ? { stated } : {}), ...(markup ? { markup } : {}) };
}

/** A date in a file name: a Wayback timestamp (20240115093000), 2024-01-15, 2024_01_15 or 20240115. */
export function fileNameDate(name: string): string | undefined {
  const base = name.replace(/^.*[\\/]/, '');
  const m = /(?<!\d)((?:19|20|21)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?:\d{6})?(?!\d)/.exec(base);
  return m ? isoDay(+m[1]!, +m[2]!, +m[3]!) : undefined;
}
