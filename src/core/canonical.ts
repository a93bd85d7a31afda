/**
 * Canonical text: the exact bytes that are signed and hashed. See
 * docs/decisions/0001-canonical-text.md. UTF-8, LF line endings, no trailing
 * spaces or tabs, no line starting with '-' (so OpenPGP dash-escaping never alters
 * what a reader sees), one final LF.
 */

export interface CanonicalProblem {
  line: number;
  problem: string;
}

/** Lists what keeps `text` from being canonical; empty when it is. */
export function findCanonicalProblems(text: string): CanonicalProblem[] {
  const problems: CanonicalProblem[] = [];
  if (!text.endsWith('\n')) problems.push({ line: 0, problem: 'does not end with a line feed' });
  if (text.endsWith('\n\n')) problems.push({ line: 0, problem: 'ends with an empty line' });
  if (!text.isWellFormed()) problems.push({ line: 0, problem: 'contains a lone UTF-16 surrogate (not encodable as UTF-8)' });
  if (text.includes('\uFFFD')) problems.push({ line: 0, problem: 'contains a replacement character (invalid UTF-8?)' });
  if (text.normalize('NFC') !== text) problems.push({ line: 0, problem: 'is not in Unicode NFC form' });
  text.split('\n').forEach((line, index) => {
    const n = index + 1;
    if (line.includes('\r')) problems.push({ line: n, problem: 'contains a carriage return' });
    if (/[ \t]$/.test(line)) problems.push({ line: n, problem: 'has trailing whitespace' });
    if (line.includes('\t')) problems.push({ line: n, problem: 'contains a tab' });
    if (line.startsWith('-')) problems.push({ line: n, problem: "starts with '-'" });
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000B-\u001F\u007F]/.test(line)) problems.push({ line: n, problem: 'contains a control character' });
  });
  return problems;
}

export function isCanonical(text: string): boolean {
  return findCanonicalProblems(text).length === 0;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value as Json;
}

/**
 * Canonical JSON: keys sorted by code unit, two-space indentation, UTF-8 as is.
 * Indented rather than one line so that a person can read it inside the signed text.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

const encoder = new TextEncoder();

/** SHA-256 of the UTF-8 bytes, as lowercase hex (Web Crypto: the same in Node and browsers). */
export async function sha256Hex(text: string | Uint8Array): Promise<string> {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The form in which documents name each other's hashes. */
export async function documentHash(text: string | Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(text)}`;
}
