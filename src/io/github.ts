/**
 * The one way Candor talks to GitHub: an Octokit (npm `octokit`) bound to one
 * repository, with Candor's user agent, a timeout per attempt and bounded retries.
 *
 * - 5xx answers, network errors and timeouts are retried with exponential backoff
 *   (GitHub's retry-after is honoured when it sends one).
 * - Rate limits (429, or 403 with x-ratelimit-remaining: 0 or retry-after) are waited
 *   out using retry-after or x-ratelimit-reset, but never for longer than `maxWaitMs`:
 *   a limit that resets later fails at once with GITHUB_RATE_LIMITED, for the next run.
 * - Every failure ends as a GitHubError carrying GitHub's status. Messages name the
 *   method and path, never the token (it only travels in the Authorization header).
 *
 * Octokit's own retry and throttling plugins are switched off so there is exactly one
 * retry policy, the one tested here.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { Octokit, RequestError } from 'octokit';
import { GitHubError, type GitHubErrorCode } from '../core/errors.ts';
import packageJson from '../../package.json' with { type: 'json' };

export interface GitHubRetryOptions {
  /** Extra attempts after the first (5xx, network errors, rate limits). */
  retries: number;
  /** Wait before retry n (0-based) of a 5xx is baseDelayMs * 2^n; also the least wait for a rate limit. */
  baseDelayMs: number;
  /** The longest single wait; a rate limit that resets later fails at once. */
  maxWaitMs: number;
  /** Per attempt, request to last byte. */
  timeoutMs: number;
}

export const GITHUB_RETRY_DEFAULTS: GitHubRetryOptions = { retries: 3, baseDelayMs: 1_000, maxWaitMs: 60_000, timeoutMs: 30_000 };

export interface GitHubOptions {
  /** A token with the permissions the caller needs (issues: write, contents: write for releases, pull-requests: write). */
  token: string;
  /** The REST API root; https://api.github.com unless GitHub Enterprise or a test server. */
  baseUrl?: string;
  /** owner/name */
  repository: string;
  /**
   * The login the token acts as, when known (e.g. `github-actions[bot]` for a workflow's
   * GITHUB_TOKEN). Otherwise asked of GitHub (GET /user) on first use.
   */
  login?: string;
  retry?: Partial<GitHubRetryOptions>;
  /** Where retry notices go (default: stderr). Never receives the token. */
  log?: (line: string) => void;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface GitHub {
  readonly owner: string;
  readonly repo: string;
  /** owner/name */
  readonly repository: string;
  readonly octokit: Octokit;
  /**
   * The login behind the token, or null when GitHub will not say (a workflow's
   * GITHUB_TOKEN cannot read /user). Asked once, then remembered.
   */
  viewer(): Promise<string | null>;
}

export const USER_AGENT = `candor/${packageJson.version}`;

const REPOSITORY = /^[\w.-]+\/[\w.-]+$/;

interface Attempt {
  kind: 'rate-limit' | 'unavailable' | 'final';
  status: number | undefined;
  /** What GitHub said, short. */
  said: string;
  /** How long GitHub asked us to wait, when it did (ms). */
  askedWaitMs: number | undefined;
}

function header(error: RequestError, name: string): string | undefined {
  const value = error.response?.headers[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** retry-after is seconds or an HTTP date. */
function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(seconds * 1000, 0);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(date - now, 0);
}

function githubMessage(error: RequestError): string {
  const data = error.response?.data as { message?: unknown; errors?: unknown } | string | undefined;
  if (typeof data === 'string') return data.slice(0, 200);
  const message = typeof data?.message === 'string' ? data.message : error.message;
  const details = Array.isArray(data?.errors)
    ? data.errors
        .map((e: unknown) =>
          typeof e === 'object' && e !== null ? [(e as { field?: unknown }).field, (e as { code?: unknown }).code].filter(Boolean).join(' ') : String(e),
        )
        .join('; ')
    : '';
  return details ? `${message} (${details})` : message;
}

function classify(error: unknown, now: number): Attempt {
  if (!(error instanceof RequestError)) {
    // Aborts and timeouts surface as plain errors (Octokit tags aborts with status 500).
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: 'unavailable', status: undefined, said: message, askedWaitMs: undefined };
  }
  const status = error.status;
  const said = githubMessage(error);
  const retryAfter = retryAfterMs(header(error, 'retry-after'), now);
  const exhausted = header(error, 'x-ratelimit-remaining') === '0';
  if (status === 429 || (status === 403 && (exhausted || retryAfter !== undefined || /rate limit/i.test(said)))) {
    const reset = Number(header(error, 'x-ratelimit-reset'));
    const untilReset = exhausted && Number.isFinite(reset) && reset > 0 ? Math.max(reset * 1000 - now, 0) : undefined;
    // Secondary limits without headers: GitHub asks for at least a minute.
    return { kind: 'rate-limit', status, said, askedWaitMs: retryAfter ?? untilReset ?? 60_000 };
  }
  // Octokit reports network failures as status 500 without a response.
  if (status >= 500 || error.response === undefined) return { kind: 'unavailable', status: error.response ? status : undefined, said, askedWaitMs: retryAfter };
  return { kind: 'final', status, said, askedWaitMs: undefined };
}

/** METHOD /path?query of the request as sent (never headers, so never the token). */
function describeRequest(method: string, url: string, baseUrl: string): string {
  try {
    const parsed = new URL(url, baseUrl);
    return `${method} ${parsed.pathname}${parsed.search}`;
  } catch {
    return `${method} ${url}`;
  }
}

function failure(code: GitHubErrorCode, request: string, last: Attempt, attempts: number, hint?: string): GitHubError {
  const status = last.status === undefined ? 'no answer' : `HTTP ${last.status}`;
  return new GitHubError(code, `the GitHub API did not do it (${attempts} attempt${attempts === 1 ? '' : 's'})`, {
    file: request,
    expected: 'a successful answer from the GitHub API',
    received: `${status}: ${last.said}`,
    ...(last.status === undefined ? {} : { status: last.status }),
    ...(hint ? { hint } : {}),
  });
}

export function createGitHub(options: GitHubOptions): GitHub {
  if (typeof options.token !== 'string' || options.token.trim() === '') {
    throw new GitHubError('GITHUB_CONFIG_INVALID', 'no GitHub token', {
      field: 'token',
      expected: 'a token (GITHUB_TOKEN in a workflow)',
      received: 'nothing',
      hint: 'Pass the workflow token in GITHUB_TOKEN with the permissions the job needs.',
    });
  }
  if (!REPOSITORY.test(options.repository)) {
    throw new GitHubError('GITHUB_CONFIG_INVALID', 'not a repository name', { field: 'repository', expected: 'owner/name', received: options.repository });
  }
  const [owner, repo] = options.repository.split('/') as [string, string];
  const given = Object.fromEntries(Object.entries(options.retry ?? {}).filter(([, value]) => typeof value === 'number' && value >= 0));
  const settings: GitHubRetryOptions = { ...GITHUB_RETRY_DEFAULTS, ...given };
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const quiet = (): void => undefined;

  const octokit = new Octokit({
    auth: options.token,
    baseUrl,
    userAgent: USER_AGENT,
    retry: { enabled: false },
    throttle: { enabled: false },
    log: { debug: quiet, info: quiet, warn: log, error: log },
  });

  octokit.hook.wrap('request', async (request, requestOptions) => {
    const { method, url } = octokit.request.endpoint.parse(requestOptions);
    const what = describeRequest(method, url, baseUrl);
    for (let attempt = 0; ; attempt++) {
      try {
        // Hooks further in see this same options object (before-after-hook binds it), so set the timeout on it.
        requestOptions.request = { ...requestOptions.request, signal: AbortSignal.timeout(settings.timeoutMs) };
        return await request(requestOptions);
      } catch (error) {
        const now = Date.now();
        const last = classify(error, now);
        const attempts = attempt + 1;
        if (last.kind === 'final') throw failure('GITHUB_REQUEST_FAILED', what, last, attempts);
        const code: GitHubErrorCode = last.kind === 'rate-limit' ? 'GITHUB_RATE_LIMITED' : 'GITHUB_UNAVAILABLE';
        const backoff = settings.baseDelayMs * 2 ** attempt;
        const wait = last.kind === 'rate-limit' ? Math.max(last.askedWaitMs ?? backoff, settings.baseDelayMs) : Math.max(last.askedWaitMs ?? 0, backoff);
        if (last.kind === 'rate-limit' && wait > settings.maxWaitMs) {
          throw failure(
            code,
            what,
            last,
            attempts,
            `The rate limit lifts in ${Math.ceil(wait / 1000)} s, longer than the ${Math.ceil(settings.maxWaitMs / 1000)} s this run may wait; the next run retries.`,
          );
        }
        if (attempt >= settings.retries) {
          throw failure(
            code,
            what,
            last,
            attempts,
            last.kind === 'rate-limit'
              ? 'Still rate limited after every retry; the next run retries.'
              : 'GitHub may be having trouble (https://www.githubstatus.com); the next run retries.',
          );
        }
        const delay = Math.min(wait, settings.maxWaitMs);
        log(
          `GitHub: ${what}: ${last.status === undefined ? 'no answer' : `HTTP ${last.status}`}${last.kind === 'rate-limit' ? ' (rate limited)' : ''}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempts + 1} of ${settings.retries + 1})`,
        );
        await sleep(delay);
      }
    }
  });

  let viewer: Promise<string | null> | undefined = options.login === undefined ? undefined : Promise.resolve(options.login);
  return {
    owner,
    repo,
    repository: options.repository,
    octokit,
    viewer() {
      viewer ??= octokit.rest.users.getAuthenticated().then(
        ({ data }) => data.login,
        (error: unknown) => {
          // A workflow's GITHUB_TOKEN is an installation token: /user answers 403 (or 401/404 elsewhere).
          if (error instanceof GitHubError && error.code === 'GITHUB_REQUEST_FAILED' && [401, 403, 404].includes(error.status ?? 0)) return null;
          viewer = undefined;
          throw error;
        },
      );
      return viewer;
    },
  };
}

/** True when GitHub answered with this status (after retries). */
export function isGitHubStatus(error: unknown, status: number): error is GitHubError {
  return error instanceof GitHubError && error.status === status;
}
