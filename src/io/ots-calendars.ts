/**
 * OpenTimestamps calendars over HTTP, as the reference client speaks to them
 * (python-opentimestamps calendar.py): POST the commitment's bytes to `<calendar>/digest`,
 * GET `<calendar>/timestamp/<hex>` for an upgrade (404 while the calendar waits for its
 * Bitcoin transaction to confirm). Answers are capped at 10 000 bytes, as there.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TimestampError } from '../core/ots/errors.ts';
import { redactUrl } from './http.ts';

export const ACCEPT = 'application/vnd.opentimestamps.v1';
const MAX_ANSWER = 10_000;

/** The reference client's aggregators (otsclient DEFAULT_AGGREGATORS). */
export const DEFAULT_CALENDARS = [
  'https://a.pool.opentimestamps.org',
  'https://b.pool.opentimestamps.org',
  'https://a.pool.eternitywall.com',
  'https://ots.btc.catallaxy.com',
];
/** The calendars an upgrade may ask, as globs on the host (python-opentimestamps DEFAULT_CALENDAR_WHITELIST). */
export const DEFAULT_WHITELIST = ['https://*.calendar.opentimestamps.org', 'https://*.calendar.eternitywall.com', 'https://*.calendar.catallaxy.com'];

export interface CalendarOptions {
  timeoutMs?: number;
  retries?: number;
  fetchImpl?: typeof fetch;
}

export type CalendarAnswer = { status: 'ok'; bytes: Uint8Array } | { status: 'not-found' } | { status: 'failed'; reason: string };

const base = (url: string): string => url.replace(/\/+$/, '');

function describe(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ? `network error (${cause.code})` : 'network error';
}

async function readCapped(response: Response): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > MAX_ANSWER) return null;
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function once(url: string, init: RequestInit, opts: CalendarOptions): Promise<CalendarAnswer & { retry?: boolean }> {
  const doFetch = opts.fetchImpl ?? fetch;
  try {
    const response = await doFetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
    if (response.status === 404) {
      await response.body?.cancel();
      return { status: 'not-found' };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return { status: 'failed', reason: `HTTP ${response.status}`, retry: response.status >= 500 || response.status === 429 };
    }
    const bytes = await readCapped(response);
    return bytes ? { status: 'ok', bytes } : { status: 'failed', reason: `an answer over ${MAX_ANSWER} bytes` };
  } catch (error) {
    return { status: 'failed', reason: describe(error), retry: true };
  }
}

async function request(url: string, init: RequestInit, opts: CalendarOptions): Promise<CalendarAnswer> {
  const retries = opts.retries ?? 1;
  let answer = await once(url, init, opts);
  for (let n = 0; n < retries && answer.status === 'failed' && answer.retry; n++) {
    await sleep(200 * 2 ** n);
    answer = await once(url, init, opts);
  }
  const { retry: _retry, ...out } = answer;
  return out;
}

/** Submits a commitment; the answer is a timestamp for it (usually ending in a pending attestation). */
export async function submitDigest(calendar: string, commitment: Uint8Array, opts: CalendarOptions = {}): Promise<CalendarAnswer> {
  return request(
    `${base(calendar)}/digest`,
    { method: 'POST', body: commitment as BodyInit, headers: { accept: ACCEPT, 'content-type': 'application/x-www-form-urlencoded' } },
    opts,
  );
}

/** Asks a calendar for the rest of the path from a commitment it holds. */
export async function fetchUpgrade(calendar: string, commitmentHex: string, opts: CalendarOptions = {}): Promise<CalendarAnswer> {
  return request(`${base(calendar)}/timestamp/${commitmentHex}`, { method: 'GET', headers: { accept: ACCEPT } }, opts);
}

/** Whether `url` matches one of the patterns: same scheme and path, host matched with `*` globs. */
export function whitelisted(url: string, patterns: string[]): boolean {
  const parsed = URL.parse(url);
  if (!parsed || parsed.search || parsed.hash || parsed.username || parsed.password) return false;
  return patterns.some((p) => {
    const m = /^(https?:)\/\/([^/?#]+)(\/[^?#]*)?$/.exec(p.includes('://') ? p : `https://${p}`);
    if (!m) return false;
    const host = new RegExp(
      `^${m[2]!
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*')}$`,
      'i',
    );
    return m[1] === parsed.protocol && base(m[3] ?? '') === base(parsed.pathname) && host.test(parsed.host);
  });
}

export function calendarError(code: 'CALENDAR_FAILED' | 'NOT_ENOUGH_CALENDARS', summary: string, failures: string[], expected: string): TimestampError {
  return new TimestampError(code, summary, {
    expected,
    received: failures.map(redactUrl),
    hint: 'Check network access to the calendars, or name others with --calendar (docs/timestamps.md).',
  });
}
