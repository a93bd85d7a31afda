/**
 * Reading another system's signed canary by the site's rule (watch.yml `rule`): the issue
 * and expiry dates and the statements, from the signed text only. Pure; the text is the
 * part the signature covers.
 */
import type { SignedTextRule } from './config.ts';

export interface Extracted {
  issued: string;
  expires: string;
  /** "stated" when the text gives the expiry; "rule" when it is expiresAfterDays from the issue date. */
  expiresFrom: 'stated' | 'rule';
  statements: string[];
}

export type ExtractResult = { ok: true; value: Extracted } | { ok: false; problem: string };

const DAY_MS = 86_400_000;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A date as written (2026-12-01, 2026-12-01T10:00:00Z, 1 December 2026), as an instant in UTC; undefined when it is none. */
export function readDate(text: string): Date | undefined {
  const value = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = iso
    ? new Date(Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])))
    : new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || !/\d:\d/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  if (iso && date.getUTCDate() !== Number(iso[3])) return undefined;
  // A bare "1 December 2026" is read in the local zone by Date: pin it to UTC midnight.
  if (!iso && !/\d:\d/.test(value)) return new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
  return date;
}

function findDate(text: string, rule: SignedTextRule['issued'], what: string): Date | string {
  const re = 'field' in rule ? new RegExp(`^\\s*${escape(rule.field)}\\s*:\\s*(.+?)\\s*$`, 'mi') : new RegExp(rule.regex, 'm');
  const m = re.exec(text);
  if (!m) return `no ${what} date found (${'field' in rule ? `no "${rule.field}:" line` : `the pattern ${rule.regex} matches nothing`})`;
  const written = m[1] ?? m[0];
  return readDate(written) ?? `the ${what} date ${JSON.stringify(written.slice(0, 60))} is not a date`;
}

/** The dates and statements, or why they cannot be read. */
export function extract(text: string, rule: SignedTextRule): ExtractResult {
  const issued = findDate(text, rule.issued, 'issue');
  if (typeof issued === 'string') return { ok: false, problem: issued };
  let expires: Date | string;
  let expiresFrom: Extracted['expiresFrom'] = 'stated';
  if (rule.expires) expires = findDate(text, rule.expires, 'expiry');
  else {
    expires = new Date(issued.getTime() + rule.expiresAfterDays! * DAY_MS);
    expiresFrom = 'rule';
  }
  if (typeof expires === 'string') return { ok: false, problem: expires };
  const re = new RegExp(rule.statements.regex, 'gm');
  const statements = [...text.matchAll(re)].map((m) => (m[1] ?? m[0]).trim().replace(/\s+/g, ' ')).filter(Boolean);
  if (statements.length === 0) return { ok: false, problem: `no statement found (the pattern ${rule.statements.regex} matches nothing)` };
  return { ok: true, value: { issued: issued.toISOString(), expires: expires.toISOString(), expiresFrom, statements } };
}
