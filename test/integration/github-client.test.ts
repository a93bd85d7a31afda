/**
 * createGitHub against the local GitHub: user agent, token handling, bounded retries on
 * 5xx, rate limits waited out (or refused beyond the cap), and proof that the server's
 * OpenAPI validation catches a request GitHub would not accept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHub, USER_AGENT, type GitHub } from '../../src/io/github.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { loadGitHubSpec, startGitHubServer, type GitHubServer } from '../helpers/github-server.ts';

let gh: GitHubServer;
let logs: string[];

const client = (overrides: Partial<Parameters<typeof createGitHub>[0]> = {}): GitHub =>
  createGitHub({
    token: gh.token,
    baseUrl: gh.url,
    repository: gh.repository,
    retry: { retries: 3, baseDelayMs: 5, maxWaitMs: 3_000 },
    log: (line) => logs.push(line),
    ...overrides,
  });

const createIssue = (github: GitHub) => github.octokit.rest.issues.create({ owner: github.owner, repo: github.repo, title: 'Hello' });

async function rejection(promise: Promise<unknown>): Promise<Error & { code: string; status?: number }> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as Error & { code: string; status?: number },
  );
}

beforeEach(async () => {
  logs = [];
  gh = await startGitHubServer({ repository: 'acme/privacy' });
});

afterEach(async () => {
  await gh.close();
  gh.assertValid();
});

describe('createGitHub', () => {
  it('identifies as candor/<version> and sends the token only in the Authorization header', async () => {
    const github = client();
    const { data } = await createIssue(github);
    expect(data.number).toBe(1);
    const request = gh.requests[0]!;
    expect(USER_AGENT).toBe(`candor/${packageJson.version}`);
    expect(request.headers['user-agent']!.startsWith(`candor/${packageJson.version} `)).toBe(true);
    expect(request.headers['authorization']).toBe(`token ${gh.token}`);
    expect(`${request.path}?${JSON.stringify(request.query)}${JSON.stringify(request.body)}`).not.toContain(gh.token);
  });

  it('refuses a missing token or a malformed repository (GITHUB_CONFIG_INVALID)', () => {
    expect(() => createGitHub({ token: '', repository: 'acme/privacy' })).toThrow(expect.objectContaining({ code: 'GITHUB_CONFIG_INVALID' }));
    expect(() => createGitHub({ token: 'x', repository: 'acme' })).toThrow(expect.objectContaining({ code: 'GITHUB_CONFIG_INVALID' }));
    expect(() => createGitHub({ token: 'x', repository: 'acme/privacy/extra' })).toThrow(expect.objectContaining({ code: 'GITHUB_CONFIG_INVALID' }));
  });

  it('knows who the token is, or null for a workflow token that cannot read /user', async () => {
    expect(await client().viewer()).toBe('github-actions[bot]');
    expect(await client({ login: 'someone' }).viewer()).toBe('someone');
    await gh.close();
    gh = await startGitHubServer({ repository: 'acme/privacy', viewer: 'integration' });
    const github = client();
    expect(await github.viewer()).toBeNull();
    expect(await github.viewer()).toBeNull();
    expect(gh.requests.filter((r) => r.operationId === 'users/get-authenticated')).toHaveLength(1);
  });

  it('retries a 502 and succeeds', async () => {
    gh.fail({ status: 502, body: { message: 'Server Error' } });
    const { data } = await createIssue(client());
    expect(data.title).toBe('Hello');
    expect(gh.requests.map((r) => r.status)).toEqual([502, 201]);
    expect(gh.issues).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/^GitHub: POST \/repos\/acme\/privacy\/issues: HTTP 502; retrying/m);
  });

  it('gives up after its retries with GITHUB_UNAVAILABLE', async () => {
    gh.fail({ status: 503, times: 10 });
    const error = await rejection(createIssue(client()));
    expect(error.code).toBe('GITHUB_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(gh.requests).toHaveLength(4);
  });

  it('does not retry a 4xx: GITHUB_REQUEST_FAILED with the status', async () => {
    const github = client();
    const error = await rejection(github.octokit.rest.issues.get({ owner: 'acme', repo: 'privacy', issue_number: 42 }));
    expect(error.code).toBe('GITHUB_REQUEST_FAILED');
    expect(error.status).toBe(404);
    expect(gh.requests).toHaveLength(1);
  });

  it('gives up on an answer that does not come in time and retries', async () => {
    gh.fail({ status: 504, delayMs: 1_000 });
    const { data } = await createIssue(client({ retry: { retries: 2, baseDelayMs: 5, timeoutMs: 200 } }));
    expect(data.number).toBe(1);
    // Gave up on the slow answer (a 504 that would have come after 1 s), then retried.
    expect(logs.join('\n')).toMatch(/no answer.*retrying/);
    expect(logs.join('\n')).not.toMatch(/504/);
  });

  it('fails an unreachable GitHub with GITHUB_UNAVAILABLE after bounded retries', async () => {
    const url = gh.url;
    await gh.close();
    const error = await rejection(
      createIssue(createGitHub({ token: 'tok', baseUrl: url, repository: 'acme/privacy', retry: { retries: 2, baseDelayMs: 1 }, log: () => undefined })),
    );
    expect(error.code).toBe('GITHUB_UNAVAILABLE');
    gh = await startGitHubServer();
  });

  it('waits out a 403 rate limit until x-ratelimit-reset, then succeeds', async () => {
    gh.rateLimit({ status: 403, resetInSeconds: 1 });
    const reset = Number(Math.floor(Date.now() / 1000) + 1);
    const { data } = await createIssue(client());
    expect(data.number).toBe(1);
    const [limited, retried] = gh.requests;
    expect([limited!.status, retried!.status]).toEqual([403, 201]);
    // Not before the reset the server announced (100 ms of slack for the clocks' rounding).
    expect(retried!.at).toBeGreaterThanOrEqual(reset * 1000 - 100);
    expect(logs.join('\n')).toMatch(/rate limited/);
  });

  it('honours retry-after on a 429 before x-ratelimit-reset', async () => {
    gh.rateLimit({ status: 429, resetInSeconds: 3_600, retryAfterSeconds: 1 });
    const started = Date.now();
    await createIssue(client());
    expect(gh.requests.map((r) => r.status)).toEqual([429, 201]);
    expect(gh.requests[1]!.at - started).toBeGreaterThanOrEqual(900);
  });

  it('does not wait past its cap: GITHUB_RATE_LIMITED at once, with one request', async () => {
    gh.rateLimit({ status: 403, resetInSeconds: 3_600 });
    const error = await rejection(createIssue(client()));
    expect(error.code).toBe('GITHUB_RATE_LIMITED');
    expect(error.status).toBe(403);
    // One request and no wait: a client that waited an hour for the reset would time the test out.
    expect(gh.requests).toHaveLength(1);
  });

  it('bounds rate-limit retries too', async () => {
    gh.rateLimit({ status: 429, resetInSeconds: 0, retryAfterSeconds: 0, times: 10 });
    const error = await rejection(createIssue(client({ retry: { retries: 2, baseDelayMs: 5, maxWaitMs: 1_000 } })));
    expect(error.code).toBe('GITHUB_RATE_LIMITED');
    expect(gh.requests).toHaveLength(3);
  });

  it('never puts the token in errors or logs', async () => {
    gh.fail({ status: 500, times: 4 });
    const error = await rejection(createIssue(client()));
    expect(error.code).toBe('GITHUB_UNAVAILABLE');
    const bad = await rejection(createIssue(client({ token: 'ghp_wrongTokenThatMustNotLeak' })));
    expect([bad.code, bad.status]).toEqual(['GITHUB_REQUEST_FAILED', 401]);
    const everything = [error.message, JSON.stringify(error), String(error.stack), bad.message, JSON.stringify(bad), ...logs].join('\n');
    expect(everything).not.toContain(gh.token);
    expect(everything).not.toContain('ghp_wrongTokenThatMustNotLeak');
  });
});

describe('the test server itself', () => {
  it('loads the official description once, reduced, with the two documented fixes', () => {
    const spec = loadGitHubSpec();
    expect(spec.file).toMatch(/@octokit[/\\]openapi[/\\]generated[/\\]api\.github\.com\.json$/);
    expect(spec.fixes.nullableWithoutType).toBeGreaterThan(0);
    expect(spec.fixes.nullableEnum).toBeGreaterThan(0);
    expect(spec.allOperations.get('POST /repos/{owner}/{repo}/releases')).toBe('repos/create-release');
    expect(spec.allOperations.size).toBeGreaterThan(800);
    expect(Object.keys(spec.document.paths).length).toBeLessThan(15);
  });

  it('catches requests that do not match the spec (raw fetch, bypassing Octokit)', async () => {
    const headers = { authorization: `token ${gh.token}`, 'content-type': 'application/json' };
    // make_latest must be a string; GitHub would refuse a boolean.
    const wrongType = await fetch(`${gh.url}/repos/acme/privacy/releases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ tag_name: 'v1', make_latest: true }),
    });
    // tag_name is required.
    const missing = await fetch(`${gh.url}/repos/acme/privacy/releases`, { method: 'POST', headers, body: JSON.stringify({ name: 'no tag' }) });
    // No such query parameter.
    const badQuery = await fetch(`${gh.url}/repos/acme/privacy/issues?labelz=policy-change`, { headers });
    // state has an enum.
    const badEnum = await fetch(`${gh.url}/repos/acme/privacy/issues?state=everything`, { headers });
    // Not a GitHub operation at all.
    const unknown = await fetch(`${gh.url}/repos/acme/privacy/notices`, { method: 'POST', headers, body: '{}' });
    expect([wrongType.status, missing.status, badQuery.status, badEnum.status, unknown.status]).toEqual([422, 422, 422, 422, 404]);
    const violations = gh.takeViolations();
    expect(violations.map((v) => [v.kind, v.operationId])).toEqual([
      ['request', 'repos/create-release'],
      ['request', 'repos/create-release'],
      ['request', 'issues/list-for-repo'],
      ['request', 'issues/list-for-repo'],
      ['unknown-operation', undefined],
    ]);
    expect(JSON.stringify(violations[0]!.errors)).toContain('make_latest');
    expect(gh.releases).toHaveLength(0);
    // The same request done right passes.
    const right = await fetch(`${gh.url}/repos/acme/privacy/releases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ tag_name: 'v1', make_latest: 'true' }),
    });
    expect(right.status).toBe(201);
    expect(gh.violations).toEqual([]);
  });

  it('answers 401 to a wrong token, like GitHub', async () => {
    const response = await fetch(`${gh.url}/repos/acme/privacy/issues`, { headers: { authorization: 'token nope' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Bad credentials' });
  });
});
