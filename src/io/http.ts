/**
 * HTTP GET with a timeout, bounded retries and a size cap, shared by every module that
 * reads from the network (explorers, feeds, verify-by-URL).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FreshnessError, systemReason } from '../core/errors.ts';

export interface FetchOptions {
  /** Per attempt, from the request until the last byte of the body is read. */
  timeoutMs: number;
  /** Extra attempts after the first. */
  retries: number;
  /** Wait before retry n (0-based) is backoffMs * 2^n. */
  backoffMs: number;
  fetchImpl?: typeof fetch;
  accept?: string;
}

export interface TextResponse {
  url: string;
  status: number;
  contentType: string;
  text: string;
}

const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/** Keeps credentials that someone put in a URL out of messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

// Server overload and rate limiting pass; other client errors will not.
const isRetryable = (status: number): boolean => status >= 500 || status === 429;

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timed out (${error.name})`;
  const cause = error.cause as { code?: string; message?: string } | undefined;
  // undici's own words for a URL it will not use (port 1, 0…).
  if (cause?.message === 'bad port' || error.message === 'bad port') return 'a port that cannot be used';
  return systemReason(cause?.code ?? (error as NodeJS.ErrnoException).code);
}

function unreachable(url: string, attempts: number, last: string, cause?: unknown): FreshnessError {
  return new FreshnessError('SOURCE_UNREACHABLE', `no usable answer after ${attempts} attempt(s)`, {
    file: redactUrl(url),
    expected: 'an HTTP answer below 500 (other than 429)',
    received: last,
    hint: 'check the URL and network access; the service may be down or rate-limiting',
    cause,
  });
}

function checkUrl(url: string): void {
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // Reported below with the same code as any other unusable address.
  }
  if (protocol !== 'https:' && protocol !== 'http:') throw unreachable(url, 0, 'not an http(s) URL');
}

/**
 * GETs `url`, retrying network errors, timeouts, 5xx and 429 with exponential backoff.
 * Any other status (2xx, 3xx, 4xx) is returned for the caller to judge, because a 404
 * can be an answer ("no such block"). Throws SOURCE_UNREACHABLE once retries run out.
 */
export async function fetchWithRetry(url: string, opts: FetchOptions): Promise<Response> {
  checkUrl(url);
  const doFetch = opts.fetchImpl ?? fetch;
  const headers = opts.accept ? { accept: opts.accept } : undefined;
  let last = '';
  let lastError: unknown;
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) await sleep(opts.backoffMs * 2 ** (attempt - 1));
    try {
      const response = await doFetch(url, { ...(headers ? { headers } : {}), signal: AbortSignal.timeout(opts.timeoutMs) });
      if (!isRetryable(response.status)) return response;
      last = `HTTP ${response.status}`;
      await response.body?.cancel();
    } catch (error) {
      last = describeFailure(error);
      lastError = error;
    }
  }
  throw unreachable(url, opts.retries + 1, last, lastError);
}

async function readCapped(response: Response, url: string, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new FreshnessError('SOURCE_BAD_RESPONSE', 'the answer is too large', {
        file: redactUrl(url),
        expected: `at most ${maxBytes} bytes`,
        received: `more than ${maxBytes} bytes`,
        hint: 'the URL may point at the wrong resource',
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Like fetchWithRetry but also reads the body within the timeout, so a server that
 * sends headers and then stalls counts as unreachable rather than hanging the caller.
 */
export async function fetchText(url: string, opts: FetchOptions & { maxBytes?: number }): Promise<TextResponse> {
  const response = await fetchWithRetry(url, opts);
  try {
    const text = await readCapped(response, url, opts.maxBytes ?? DEFAULT_MAX_BYTES);
    return { url, status: response.status, contentType: response.headers.get('content-type') ?? '', text };
  } catch (error) {
    if (error instanceof FreshnessError) throw error;
    throw unreachable(url, 1, `reading the body failed: ${describeFailure(error)}`, error);
  }
}

export interface BoundedOptions {
  /** Per attempt, from the request until the last byte of the body. */
  timeoutMs: number;
  /** The body, after any decompression: a larger answer is refused (not retried). */
  maxBytes: number;
  retries: number;
  backoffMs: number;
  /** Redirects followed, each on the same host: a redirect to another host is refused. */
  maxRedirects: number;
  /** Aborts everything (the whole run's time limit). */
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

export interface BoundedResponse {
  url: string;
  status: number;
  bytes: Uint8Array;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

function refused(url: string, summary: string, expected: string, received: string): FreshnessError {
  return new FreshnessError('SOURCE_BAD_RESPONSE', summary, {
    file: redactUrl(url),
    expected,
    received,
    hint: 'The site answers in a way a verifier must not follow; report it to the service.',
  });
}

/** The body as bytes, stopping as soon as it passes maxBytes (counted as decompressed: a gzip bomb stops too). */
async function readBytes(response: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw refused(url, 'the answer is too large', `at most ${maxBytes} bytes`, `${declared} bytes (Content-Length)`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw refused(url, 'the answer is too large', `at most ${maxBytes} bytes`, `more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** One attempt: same-host redirects followed, the body read within the attempt's time. */
async function attempt(url: string, opts: BoundedOptions): Promise<BoundedResponse> {
  const doFetch = opts.fetchImpl ?? fetch;
  const signal = AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])]);
  const host = new URL(url).hostname;
  let current = url;
  for (let hops = 0; ; hops++) {
    const response = await doFetch(current, { signal, redirect: 'manual' });
    if (!REDIRECT.has(response.status)) {
      if (isRetryable(response.status) || !response.ok) {
        await response.body?.cancel();
        return { url: current, status: response.status, bytes: new Uint8Array(0) };
      }
      return { url: current, status: response.status, bytes: await readBytes(response, current, opts.maxBytes) };
    }
    await response.body?.cancel();
    const location = response.headers.get('location');
    const next = location ? URL.parse(location, current) : null;
    if (!next || !/^https?:$/.test(next.protocol) || next.hostname !== host) {
      throw refused(url, 'redirected off the site', `an answer from ${host}`, `a redirect to ${next ? redactUrl(next.toString()) : 'nowhere'}`);
    }
    if (hops >= opts.maxRedirects) throw refused(url, 'too many redirects', `at most ${opts.maxRedirects}`, `more than ${opts.maxRedirects}`);
    current = next.toString();
  }
}

/**
 * GET with every bound a verifier needs against a hostile server: a time limit per
 * attempt covering the body (a server that sends headers and then stalls, or trickles,
 * is cut off), a byte cap, redirects only on the same host, retries with backoff for
 * network errors, timeouts, 5xx and 429, and an outer signal for the run's own limit.
 * A refused answer (too large, redirected away) is not retried.
 */
export async function fetchBounded(url: string, opts: BoundedOptions): Promise<BoundedResponse> {
  checkUrl(url);
  let last = '';
  let lastError: unknown;
  for (let n = 0; n <= opts.retries; n++) {
    if (opts.signal?.aborted) break;
    if (n > 0) await sleep(opts.backoffMs * 2 ** (n - 1), undefined, opts.signal ? { signal: opts.signal } : {}).catch(() => undefined);
    try {
      const response = await attempt(url, opts);
      if (!isRetryable(response.status)) return response;
      last = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof FreshnessError) throw error;
      last = describeFailure(error);
      lastError = error;
    }
  }
  if (opts.signal?.aborted) last = `the run's time limit was reached (${last || 'while waiting'})`;
  throw unreachable(url, opts.retries + 1, last, lastError);
}
