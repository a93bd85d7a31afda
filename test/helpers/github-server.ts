/**
 * A fake api.github.com on 127.0.0.1 for Octokit: a real HTTP server (nock cannot see
 * Octokit's fetch) that checks every request against GitHub's official OpenAPI
 * description (`@octokit/openapi`, via openapi-backend) and answers like GitHub from an
 * in-memory repository (issues, pull requests, comments, labels, releases).
 *
 *   const gh = await startGitHubServer({ repository: 'acme/privacy', token: 'ghs_test' });
 *   afterEach(() => gh.assertValid());   // a request that does not match the spec fails the test
 *
 * - Requests: method + path must be a GitHub operation the server simulates; path
 *   parameters, query (no unknown parameters) and JSON body are validated with the
 *   official schemas. Anything else gets 422/404 and is recorded in `violations`.
 * - Responses: every 2xx body the server sends is validated against the official
 *   response schema too, so the fake cannot drift from what GitHub returns.
 * - Faults: `fail()` injects 5xx answers, `rateLimit()` 403/429 with
 *   x-ratelimit-remaining: 0 and x-ratelimit-reset / retry-after.
 *
 * The spec is loaded once per test file (module cache): the 13 MB file is parsed, the
 * simulated operations and the closure of their `$ref`s are copied verbatim into a small
 * document, and two mechanical fixes are applied for Ajv (see fixNullable). That takes
 * about 0.2 s; openapi-backend compiles validators lazily on first use.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import ajvFormats from 'ajv-formats';
import { OpenAPIBackend, type Request as OpenApiRequest } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';

// ---------------------------------------------------------------------------------------
// The official description, reduced and fixed
// ---------------------------------------------------------------------------------------

/** Every operation the server simulates. A request to any other fails the test. */
export const SIMULATED_OPERATIONS = [
  'users/get-authenticated',
  'issues/list-for-repo',
  'issues/create',
  'issues/get',
  'issues/update',
  'issues/list-comments',
  'issues/create-comment',
  'issues/update-comment',
  'issues/delete-comment',
  'repos/create-release',
  'repos/get-release-by-tag',
  'repos/list-releases',
  // The runs the local workflow runner (test/runner/) registers; empty otherwise.
  'actions/list-workflow-runs',
  // The pull requests the runner opens (post-pr-comment.ts reads the head).
  'pulls/get',
] as const;
export type SimulatedOperation = (typeof SIMULATED_OPERATIONS)[number];

export interface GitHubSpec {
  /** The reduced, fixed document handed to openapi-backend. */
  document: OpenAPIV3.Document;
  /** operationId of every `METHOD /path/template` in the full description. */
  allOperations: Map<string, string>;
  file: string;
  /** Milliseconds spent reading, parsing, reducing and fixing. */
  loadMs: number;
  /** How many schema nodes each fix touched. */
  fixes: { nullableWithoutType: number; nullableEnum: number };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every `$ref` string anywhere under `node`. */
function collectRefs(node: Json, out: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, out);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.add(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

/**
 * The two fixes openapi-backend's Ajv needs to read OpenAPI 3.0 `nullable` as GitHub means it:
 * - `nullable: true` without `type` (Ajv refuses to compile it) becomes `anyOf: [schema, {type: 'null'}]`;
 * - a nullable `enum` must list `null`, or Ajv rejects the null the spec allows.
 * Everything else is left as published.
 */
function fixNullable(node: Json, counts: GitHubSpec['fixes']): Json {
  if (Array.isArray(node)) return node.map((item) => fixNullable(item, counts));
  if (!isObject(node)) return node;
  for (const [key, value] of Object.entries(node)) node[key] = fixNullable(value, counts);
  if (node['nullable'] !== true) return node;
  const values = node['enum'];
  if (Array.isArray(values) && !values.includes(null)) {
    node['enum'] = [...values, null];
    counts.nullableEnum++;
  }
  if (node['type'] === undefined) {
    const { nullable: _nullable, description, ...schema } = node;
    counts.nullableWithoutType++;
    const fixed: JsonObject = { anyOf: [schema, { type: 'null' }] };
    if (description !== undefined) fixed['description'] = description;
    return fixed;
  }
  return node;
}

const pointerParts = (ref: string): string[] =>
  ref
    .slice(2)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));

function resolvePointer(root: JsonObject, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  let node: Json = root;
  for (const part of pointerParts(ref)) {
    if (!isObject(node) || !(part in node)) throw new Error(`dangling $ref ${ref}`);
    node = node[part] as Json;
  }
  return node;
}

function setPointer(root: JsonObject, ref: string, value: Json): void {
  const parts = pointerParts(ref);
  let node = root;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part];
  }
  node[parts.at(-1) as string] = value;
}

/** The chosen operations plus the closure of their `$ref`s, copied verbatim, then fixed. */
export function reduceSpec(full: JsonObject, operationIds: readonly string[]): Omit<GitHubSpec, 'file' | 'loadMs'> {
  const wanted = new Set(operationIds);
  const paths: JsonObject = {};
  const allOperations = new Map<string, string>();
  for (const [path, item] of Object.entries(full['paths'] as JsonObject)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const id = String(op['operationId']);
      allOperations.set(`${method.toUpperCase()} ${path}`, id);
      if (!wanted.has(id)) continue;
      wanted.delete(id);
      const kept = (paths[path] ??= {}) as JsonObject;
      if (item['parameters'] !== undefined) kept['parameters'] = structuredClone(item['parameters']);
      kept[method] = structuredClone(op);
    }
  }
  if (wanted.size > 0) throw new Error(`not in the official description: ${[...wanted].join(', ')}`);

  const document: JsonObject = { openapi: full['openapi'] as Json, info: full['info'] as Json, servers: [{ url: '/' }], paths };
  const stack = [...collectRefs(paths, new Set())];
  const copied = new Set<string>();
  for (let ref = stack.pop(); ref !== undefined; ref = stack.pop()) {
    if (copied.has(ref)) continue;
    copied.add(ref);
    const target = structuredClone(resolvePointer(full, ref));
    setPointer(document, ref, target);
    stack.push(...collectRefs(target, new Set()));
  }
  const fixes = { nullableWithoutType: 0, nullableEnum: 0 };
  const fixed = fixNullable(document, fixes) as JsonObject;
  return { document: fixed as unknown as OpenAPIV3.Document, allOperations, fixes };
}

/**
 * The least value that satisfies a schema of the reduced description: required properties
 * only, the first enum value or anyOf branch, null where allowed, valid formats. The shapes
 * with dozens of required fields (a pull request, a workflow run) start from this, and the
 * fields that mean something are set over it (overlay), so the answer validates as GitHub's.
 */
export function skeleton(schema: Json, doc: JsonObject): Json {
  if (!isObject(schema)) return null;
  if (typeof schema['$ref'] === 'string') return skeleton(resolvePointer(doc, schema['$ref']), doc);
  const branches = (schema['anyOf'] ?? schema['oneOf']) as Json[] | undefined;
  if (Array.isArray(branches)) return skeleton(branches[0] as Json, doc);
  if (Array.isArray(schema['allOf'])) return schema['allOf'].reduce<Json>((acc, part) => overlay(acc, skeleton(part, doc)), {});
  if (Array.isArray(schema['enum'])) return schema['enum'][0] as Json;
  if (schema['nullable'] === true) return null;
  switch (schema['type']) {
    case 'string':
      return schema['format'] === 'date-time'
        ? '2020-01-01T00:00:00Z'
        : schema['format'] === 'uri'
          ? 'https://example.invalid/'
          : schema['format'] === 'email'
            ? 'nobody@example.invalid'
            : '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default: {
      const props = (schema['properties'] ?? {}) as JsonObject;
      const required = (schema['required'] ?? []) as string[];
      return Object.fromEntries(required.map((key) => [key, skeleton((props[key] ?? {}) as Json, doc)]));
    }
  }
}

/** `over` deep-merged onto `base` (objects merge, anything else replaces). */
export function overlay(base: Json, over: Json): Json {
  if (!isObject(base) || !isObject(over)) return over;
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = key in base ? overlay(base[key] as Json, value) : value;
  return out;
}

let cachedSpec: GitHubSpec | undefined;

/** Loads, reduces and fixes the official description once per test file. */
export function loadGitHubSpec(): GitHubSpec {
  if (cachedSpec) return cachedSpec;
  const started = performance.now();
  // The package index would load every GHES variant (hundreds of MB): read the one file.
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  const full = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  const reduced = reduceSpec(full, SIMULATED_OPERATIONS);
  cachedSpec = { ...reduced, file, loadMs: Math.round(performance.now() - started) };
  return cachedSpec;
}

let cachedApi: Promise<OpenAPIBackend> | undefined;

/** openapi-backend over the reduced spec, with real format checks (uri, date-time…). */
export function githubValidator(): Promise<OpenAPIBackend> {
  cachedApi ??= (async () => {
    const api = new OpenAPIBackend({
      definition: loadGitHubSpec().document,
      // quick: skip openapi-schema-validator on the document (it predates `type: null`) and compile validators lazily.
      quick: true,
      validate: true,
      customizeAjv: (ajv) => {
        // ajv-formats is CommonJS: under NodeNext its function is the `default` of the module object.
        ajvFormats.default(ajv);
        return ajv;
      },
    });
    return api.init();
  })();
  return cachedApi;
}

// ---------------------------------------------------------------------------------------
// The fake repository
// ---------------------------------------------------------------------------------------

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}
export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}
export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'reopened' | 'not_planned' | 'duplicate' | null;
  labels: string[];
  user: FakeUser;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Pull requests are issues too (the issues API lists both). */
  pull_request: boolean;
}
export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
}
export interface FakeRelease {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  make_latest: string;
  author: FakeUser;
  created_at: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
  headers: Record<string, string>;
  operationId: string | undefined;
  status: number;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface Violation {
  kind: 'unknown-operation' | 'request' | 'response' | 'body-not-json';
  method: string;
  url: string;
  operationId?: string;
  errors: unknown;
}

export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Only for this operation (default: the next request of any kind). */
  operation?: SimulatedOperation;
  /** How many matching requests get this answer (default 1). */
  times?: number;
  /** Carry the request out, then answer with the fault (GitHub did it but the answer was lost). */
  afterEffect?: boolean;
  /** Answer only after this long (longer than the client's timeout to simulate a hang). */
  delayMs?: number;
}

/**
 * What a token may do, as GitHub gives a workflow job's GITHUB_TOKEN: the job's
 * `permissions:` (scope → read/write). The repository is public, so reading never needs a
 * scope; writing needs `write` on the operation's scope (WRITE_SCOPES), else 403.
 */
export interface TokenGrant {
  permissions: Record<string, 'read' | 'write'>;
  /** Who the token acts as (default: the bot). */
  actor?: FakeUser;
}

export interface FakePull {
  number: number;
  headSha: string;
  headRef: string;
  /** owner/name the head branch lives in (a fork's, or this repository). */
  headRepository: string;
  baseRef: string;
  baseSha: string;
  mergeSha: string | null;
  merged: boolean;
}

export interface FakeWorkflowRun {
  id: number;
  /** The workflow's `name:`. */
  name: string;
  /** .github/workflows/FILE */
  path: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'pending';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  head_branch: string | null;
  head_sha: string;
  head_repository: string;
  run_number: number;
  created_at: string;
  updated_at: string;
}

export interface GitHubServerOptions {
  /**
   * Decides what a presented token may do (tokens the local runner hands its jobs). Without
   * it, only `token` is accepted, with every permission.
   */
  authorize?: (token: string) => TokenGrant | undefined;
  /** The clock for created_at/updated_at stamps (default: the system clock). */
  now?: () => Date;
  /** owner/name of the only repository the server knows. */
  repository?: string;
  /** The token the client must present; anything else gets 401 Bad credentials. */
  token?: string;
  /** Who the token belongs to. 'integration' behaves like a workflow's GITHUB_TOKEN (GET /user → 403). */
  viewer?: FakeUser | 'integration';
  /** Page size when the client does not ask for one (GitHub: 30). */
  defaultPerPage?: number;
}

export interface GitHubServer {
  url: string;
  /** The token the server accepts. */
  token: string;
  spec: GitHubSpec;
  repository: string;
  /** The account the token acts as (the bot for 'integration'). */
  actor: FakeUser;
  requests: RecordedRequest[];
  violations: Violation[];
  issues: FakeIssue[];
  comments: FakeComment[];
  releases: FakeRelease[];
  labels: FakeLabel[];
  /** Throws if any request (or answer) did not match the official description. */
  assertValid(): void;
  /** Returns and clears the violations (for tests that make a wrong request on purpose). */
  takeViolations(): Violation[];
  fail(fault: Fault): void;
  /** 403 (default) or 429 with x-ratelimit-remaining: 0, x-ratelimit-reset = now + resetInSeconds, optional retry-after. */
  rateLimit(options: { status?: 403 | 429; resetInSeconds?: number; retryAfterSeconds?: number; operation?: SimulatedOperation; times?: number }): void;
  addIssue(fields: Partial<Omit<FakeIssue, 'id' | 'number'>> & { title: string }): FakeIssue;
  addPullRequest(fields?: Partial<Omit<FakeIssue, 'id' | 'number' | 'pull_request'>>): FakeIssue;
  addComment(issue: number, body: string, user?: FakeUser): FakeComment;
  pulls: FakePull[];
  workflowRuns: FakeWorkflowRun[];
  /** Requests refused because the token lacked the permission (method, path, scope). */
  refusals: { method: string; path: string; needs: string[] }[];
  close(): Promise<void>;
}

/** Scopes a write operation needs, any one of them (GitHub's fine-grained permission table). */
export const WRITE_SCOPES: Partial<Record<SimulatedOperation, (pr: boolean) => string[]>> = {
  'issues/create': () => ['issues'],
  'issues/update': (pr) => (pr ? ['issues', 'pull-requests'] : ['issues']),
  'issues/create-comment': (pr) => (pr ? ['issues', 'pull-requests'] : ['issues']),
  'issues/update-comment': (pr) => (pr ? ['issues', 'pull-requests'] : ['issues']),
  'issues/delete-comment': (pr) => (pr ? ['issues', 'pull-requests'] : ['issues']),
  'repos/create-release': () => ['contents'],
};

export const BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const MAINTAINER: FakeUser = { login: 'octo-maintainer', id: 583231, type: 'User' };
export const STRANGER: FakeUser = { login: 'drive-by', id: 9_000_001, type: 'User' };

class HttpAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const DOCS = 'https://docs.github.com/rest';
const notFound = (): HttpAnswer => new HttpAnswer(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
const unprocessable = (errors: unknown[], message = 'Validation Failed'): HttpAnswer =>
  new HttpAnswer(422, { message, errors, documentation_url: DOCS, status: '422' });

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    const prior = query[key];
    query[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  return query;
}

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const spec = loadGitHubSpec();
  const api = await githubValidator();
  const repository = options.repository ?? 'acme/privacy';
  const [owner, repo] = repository.split('/') as [string, string];
  const token = options.token ?? 'ghs_candorTestToken0123456789';
  const viewer = options.viewer ?? BOT;
  const defaultActor = viewer === 'integration' ? BOT : viewer;
  // The account of the request being handled (handlers run synchronously, one at a time).
  let actor = defaultActor;
  const defaultPerPage = options.defaultPerPage ?? 30;
  const nowStamp = (): string => (options.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const pulls: FakePull[] = [];
  const workflowRuns: FakeWorkflowRun[] = [];
  const refusals: GitHubServer['refusals'] = [];

  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const issues: FakeIssue[] = [];
  const comments: FakeComment[] = [];
  const releases: FakeRelease[] = [];
  const labels: FakeLabel[] = [];
  const faults: (Fault & { times: number })[] = [];
  let nextId = 1000;
  let remaining = 5000;
  let base = '';

  // --- JSON shapes, as GitHub sends them --------------------------------------------
  const repoApi = (): string => `${base}/repos/${owner}/${repo}`;
  const repoHtml = `https://github.com/${owner}/${repo}`;
  const userJson = (user: FakeUser): Record<string, unknown> => {
    const u = `${base}/users/${encodeURIComponent(user.login)}`;
    return {
      login: user.login,
      id: user.id,
      node_id: `MDQ6VXNlcj${user.id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
      gravatar_id: '',
      url: u,
      html_url: `https://github.com/${encodeURIComponent(user.login)}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: user.type,
      user_view_type: 'public',
      site_admin: false,
    };
  };
  const labelJson = (name: string): Record<string, unknown> => {
    const label = labels.find((l) => l.name === name) as FakeLabel;
    return {
      id: label.id,
      node_id: `LA_${label.id}`,
      url: `${repoApi()}/labels/${encodeURIComponent(name)}`,
      name,
      description: label.description,
      color: label.color,
      default: false,
    };
  };
  const association = (user: FakeUser): string => (user.id === MAINTAINER.id || user.id === BOT.id ? 'MEMBER' : 'NONE');
  const issueJson = (issue: FakeIssue): Record<string, unknown> => {
    const url = `${repoApi()}/issues/${issue.number}`;
    const kind = issue.pull_request ? 'pull' : 'issues';
    return {
      id: issue.id,
      node_id: `I_kwDO${issue.id}`,
      url,
      repository_url: repoApi(),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${repoHtml}/${kind}/${issue.number}`,
      number: issue.number,
      state: issue.state,
      state_reason: issue.state_reason,
      title: issue.title,
      body: issue.body,
      user: userJson(issue.user),
      labels: issue.labels.map(labelJson),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: comments.filter((c) => c.issue === issue.number).length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      closed_by: null,
      author_association: association(issue.user),
      timeline_url: `${url}/timeline`,
      performed_via_github_app: null,
      ...(issue.pull_request
        ? {
            draft: false,
            pull_request: {
              url: `${repoApi()}/pulls/${issue.number}`,
              html_url: `${repoHtml}/pull/${issue.number}`,
              diff_url: `${repoHtml}/pull/${issue.number}.diff`,
              patch_url: `${repoHtml}/pull/${issue.number}.patch`,
              merged_at: null,
            },
          }
        : {}),
      reactions: { url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
    };
  };
  const commentJson = (comment: FakeComment): Record<string, unknown> => {
    const issue = issues.find((i) => i.number === comment.issue) as FakeIssue;
    return {
      id: comment.id,
      node_id: `IC_kwDO${comment.id}`,
      url: `${repoApi()}/issues/comments/${comment.id}`,
      html_url: `${repoHtml}/${issue.pull_request ? 'pull' : 'issues'}/${comment.issue}#issuecomment-${comment.id}`,
      body: comment.body,
      user: userJson(comment.user),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      issue_url: `${repoApi()}/issues/${comment.issue}`,
      author_association: association(comment.user),
      performed_via_github_app: null,
    };
  };
  const releaseJson = (release: FakeRelease): Record<string, unknown> => {
    const url = `${repoApi()}/releases/${release.id}`;
    return {
      url,
      html_url: `${repoHtml}/releases/tag/${encodeURIComponent(release.tag_name)}`,
      assets_url: `${url}/assets`,
      upload_url: `https://uploads.github.com/repos/${owner}/${repo}/releases/${release.id}/assets{?name,label}`,
      tarball_url: `${repoApi()}/tarball/${encodeURIComponent(release.tag_name)}`,
      zipball_url: `${repoApi()}/zipball/${encodeURIComponent(release.tag_name)}`,
      id: release.id,
      node_id: `RE_kwDO${release.id}`,
      tag_name: release.tag_name,
      target_commitish: release.target_commitish,
      name: release.name,
      body: release.body,
      draft: release.draft,
      prerelease: release.prerelease,
      immutable: false,
      created_at: release.created_at,
      published_at: release.draft ? null : release.created_at,
      updated_at: release.created_at,
      author: userJson(release.author),
      assets: [],
    };
  };

  const doc = spec.document as unknown as JsonObject;
  const shape = (name: string, over: JsonObject): Json => overlay(skeleton({ $ref: `#/components/schemas/${name}` }, doc), over);
  const repoJson = (full: string): JsonObject => {
    const [o = '', n = ''] = full.split('/');
    return {
      id: 1,
      name: n,
      full_name: full,
      private: false,
      fork: full !== repository,
      html_url: `https://github.com/${full}`,
      url: `${base}/repos/${full}`,
      owner: userJson({ login: o, id: 2, type: 'User' }) as JsonObject,
    };
  };
  const runJson = (run: FakeWorkflowRun): Json =>
    shape('workflow-run', {
      id: run.id,
      node_id: `WFR_${run.id}`,
      name: run.name,
      path: run.path,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      head_branch: run.head_branch,
      head_sha: run.head_sha,
      run_number: run.run_number,
      run_attempt: 1,
      display_title: run.name,
      workflow_id: 1,
      url: `${repoApi()}/actions/runs/${run.id}`,
      html_url: `${repoHtml}/actions/runs/${run.id}`,
      created_at: run.created_at,
      updated_at: run.updated_at,
      run_started_at: run.created_at,
      head_commit: { id: run.head_sha, tree_id: run.head_sha, message: run.name, timestamp: run.created_at, author: null, committer: null },
      head_repository: repoJson(run.head_repository),
      repository: repoJson(repository),
      pull_requests: [],
    });
  const pullJson = (pull: FakePull, issue: FakeIssue): Json =>
    shape('pull-request', {
      id: issue.id,
      number: pull.number,
      state: issue.state,
      title: issue.title,
      body: issue.body,
      user: userJson(issue.user) as JsonObject,
      url: `${repoApi()}/pulls/${pull.number}`,
      html_url: `${repoHtml}/pull/${pull.number}`,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      merged: pull.merged,
      merge_commit_sha: pull.mergeSha,
      draft: false,
      head: {
        sha: pull.headSha,
        ref: pull.headRef,
        label: `${pull.headRepository.split('/')[0]}:${pull.headRef}`,
        repo: repoJson(pull.headRepository),
        user: userJson(issue.user) as JsonObject,
      },
      base: {
        sha: pull.baseSha,
        ref: pull.baseRef,
        label: `${owner}:${pull.baseRef}`,
        repo: repoJson(repository),
        user: userJson({ login: owner, id: 2, type: 'User' }) as JsonObject,
      },
    });

  // --- State changes ----------------------------------------------------------------
  const ensureLabel = (name: string): void => {
    if (!labels.some((l) => l.name === name)) labels.push({ id: nextId++, name, color: 'ededed', description: null });
  };
  const labelNames = (raw: unknown): string[] =>
    (Array.isArray(raw) ? raw : []).map((l: unknown) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name)));
  const addIssue: GitHubServer['addIssue'] = (fields) => {
    const stamp = nowStamp();
    const issue: FakeIssue = {
      body: null,
      state: 'open',
      state_reason: null,
      labels: [],
      user: actor,
      created_at: stamp,
      updated_at: stamp,
      closed_at: null,
      pull_request: false,
      ...fields,
      id: nextId++,
      number: issues.length + 1,
    };
    issue.labels.forEach(ensureLabel);
    issues.push(issue);
    return issue;
  };
  const addComment: GitHubServer['addComment'] = (issue, body, user = actor) => {
    const stamp = nowStamp();
    const comment: FakeComment = { id: nextId++, issue, body, user, created_at: stamp, updated_at: stamp };
    comments.push(comment);
    return comment;
  };

  /** Pagination as GitHub does it: per_page (max 100), page, and a Link header. */
  const paginate = <T>(items: T[], query: Record<string, string | string[]>, path: string): HttpAnswer => {
    const perPage = Math.min(Number(one(query['per_page']) ?? defaultPerPage), 100);
    const page = Math.max(Number(one(query['page']) ?? 1), 1);
    const pageItems = items.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (n: number): string => {
      const search = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])));
      search.set('page', String(n));
      return `${base}${path}?${search}`;
    };
    const rels = [
      ...(page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : []),
      ...(page > 1 ? [`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`] : []),
    ];
    return new HttpAnswer(200, pageItems, rels.length > 0 ? { link: rels.join(', ') } : {});
  };

  // --- Handlers (request already validated against the spec) ------------------------
  type Handler = (params: Record<string, string>, query: Record<string, string | string[]>, body: Record<string, unknown>, path: string) => HttpAnswer;
  const findIssue = (params: Record<string, string>): FakeIssue | undefined => issues.find((i) => i.number === Number(params['issue_number']));
  /** Whether the operation acts on a pull request (its comments need pull-requests or issues write). */
  function isPullRequestTarget(params: Record<string, string>): boolean {
    const number = params['comment_id'] ? comments.find((c) => c.id === Number(params['comment_id']))?.issue : Number(params['issue_number']);
    return issues.some((i) => i.number === number && i.pull_request);
  }
  const handlers: Record<SimulatedOperation, Handler> = {
    'users/get-authenticated': () => {
      if (viewer === 'integration')
        return new HttpAnswer(403, {
          message: 'Resource not accessible by integration',
          documentation_url: `${DOCS}/users/users#get-the-authenticated-user`,
          status: '403',
        });
      const stamp = '2020-01-01T00:00:00Z';
      return new HttpAnswer(200, {
        ...userJson(viewer),
        name: null,
        company: null,
        blog: '',
        location: null,
        email: null,
        hireable: null,
        bio: null,
        public_repos: 1,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: stamp,
        updated_at: stamp,
      });
    },
    'issues/list-for-repo': (_params, query, _body, path) => {
      const state = one(query['state']) ?? 'open';
      const wantedLabels = (one(query['labels']) ?? '')
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean);
      const creator = one(query['creator']);
      const direction = one(query['direction']) ?? 'desc';
      const sort = one(query['sort']) ?? 'created';
      const key = (i: FakeIssue): string => (sort === 'updated' ? i.updated_at : i.created_at);
      const found = issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => wantedLabels.every((l) => i.labels.some((x) => x.toLowerCase() === l.toLowerCase())))
        .filter((i) => creator === undefined || i.user.login.toLowerCase() === creator.toLowerCase())
        .sort((a, b) => (key(a) === key(b) ? a.number - b.number : key(a) < key(b) ? -1 : 1) * (direction === 'asc' ? 1 : -1));
      return paginate(found.map(issueJson), query, path);
    },
    'issues/create': (_params, _query, body) => {
      const issue = addIssue({ title: String(body['title']), body: (body['body'] as string | undefined) ?? null, labels: labelNames(body['labels']) });
      return new HttpAnswer(201, issueJson(issue), { location: `${repoApi()}/issues/${issue.number}` });
    },
    'issues/get': (params) => {
      const issue = findIssue(params);
      return issue ? new HttpAnswer(200, issueJson(issue)) : notFound();
    },
    'issues/update': (params, _query, body) => {
      const issue = findIssue(params);
      if (!issue) return notFound();
      if (typeof body['title'] === 'string') issue.title = body['title'];
      if ('body' in body) issue.body = (body['body'] as string | null) ?? null;
      if (body['labels'] !== undefined) {
        issue.labels = labelNames(body['labels']);
        issue.labels.forEach(ensureLabel);
      }
      const state = body['state'] as FakeIssue['state'] | undefined;
      if (state && state !== issue.state) {
        issue.state = state;
        issue.closed_at = state === 'closed' ? nowStamp() : null;
        issue.state_reason = state === 'closed' ? ((body['state_reason'] as FakeIssue['state_reason']) ?? 'completed') : 'reopened';
      }
      issue.updated_at = nowStamp();
      return new HttpAnswer(200, issueJson(issue));
    },
    'issues/list-comments': (params, query, _body, path) => {
      if (!findIssue(params)) return notFound();
      return paginate(comments.filter((c) => c.issue === Number(params['issue_number'])).map(commentJson), query, path);
    },
    'issues/create-comment': (params, _query, body) => {
      const issue = findIssue(params);
      if (!issue) return notFound();
      const comment = addComment(issue.number, String(body['body']));
      return new HttpAnswer(201, commentJson(comment), { location: `${repoApi()}/issues/comments/${comment.id}` });
    },
    'issues/update-comment': (params, _query, body) => {
      const comment = comments.find((c) => c.id === Number(params['comment_id']));
      if (!comment) return notFound();
      // Only the author (or someone with write access) may edit; the token's actor is not a maintainer here.
      if (comment.user.id !== actor.id)
        return new HttpAnswer(403, { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' });
      comment.body = String(body['body']);
      comment.updated_at = nowStamp();
      return new HttpAnswer(200, commentJson(comment));
    },
    'issues/delete-comment': (params) => {
      const index = comments.findIndex((c) => c.id === Number(params['comment_id']));
      if (index < 0) return notFound();
      if ((comments[index] as FakeComment).user.id !== actor.id)
        return new HttpAnswer(403, { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' });
      comments.splice(index, 1);
      return new HttpAnswer(204, undefined);
    },
    'repos/create-release': (_params, _query, body) => {
      const tag = String(body['tag_name']);
      if (releases.some((r) => r.tag_name === tag)) return unprocessable([{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
      const release: FakeRelease = {
        id: nextId++,
        tag_name: tag,
        target_commitish: (body['target_commitish'] as string | undefined) ?? 'main',
        name: (body['name'] as string | undefined) ?? null,
        body: (body['body'] as string | undefined) ?? null,
        draft: body['draft'] === true,
        prerelease: body['prerelease'] === true,
        make_latest: (body['make_latest'] as string | undefined) ?? 'true',
        author: actor,
        created_at: nowStamp(),
      };
      releases.push(release);
      return new HttpAnswer(201, releaseJson(release), { location: `${repoApi()}/releases/${release.id}` });
    },
    'repos/get-release-by-tag': (params) => {
      const release = releases.find((r) => r.tag_name === params['tag'] && !r.draft);
      return release ? new HttpAnswer(200, releaseJson(release)) : notFound();
    },
    'repos/list-releases': (_params, query, _body, path) => paginate([...releases].reverse().map(releaseJson), query, path),
    'actions/list-workflow-runs': (params, query) => {
      const wanted = params['workflow_id'] ?? '';
      const branch = one(query['branch']);
      const status = one(query['status']);
      const event = one(query['event']);
      const found = workflowRuns
        .filter((r) => r.path.endsWith(`/${wanted}`))
        .filter((r) => branch === undefined || r.head_branch === branch)
        .filter((r) => event === undefined || r.event === event)
        .filter((r) => status === undefined || r.status === status || r.conclusion === status)
        .sort((a, b) => b.id - a.id);
      const perPage = Math.min(Number(one(query['per_page']) ?? defaultPerPage), 100);
      const page = Math.max(Number(one(query['page']) ?? 1), 1);
      return new HttpAnswer(200, { total_count: found.length, workflow_runs: found.slice((page - 1) * perPage, page * perPage).map(runJson) });
    },
    'pulls/get': (params) => {
      const pull = pulls.find((p) => p.number === Number(params['pull_number']));
      const issue = issues.find((i) => i.number === Number(params['pull_number']) && i.pull_request);
      return pull && issue ? new HttpAnswer(200, pullJson(pull, issue)) : notFound();
    },
  };

  // --- The HTTP side -------------------------------------------------------------------
  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-used': String(5000 - remaining),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
  });

  const send = (res: ServerResponse, answer: HttpAnswer): void => {
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `CAFE:${nextId++}`,
      ...rateHeaders(),
      ...answer.headers,
    });
    res.end(text);
  };

  const takeFault = (operationId: string): Fault | undefined => {
    const index = faults.findIndex((f) => f.operation === undefined || f.operation === operationId);
    if (index < 0) return undefined;
    const fault = faults[index] as Fault & { times: number };
    fault.times -= 1;
    if (fault.times <= 0) faults.splice(index, 1);
    return fault;
  };

  const handle = async (req: IncomingMessage): Promise<{ answer: HttpAnswer; record: Omit<RecordedRequest, 'status'> }> => {
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
    const query = parseQuery(url.searchParams);
    const raw = await readBody(req);
    let body: unknown;
    const record = { method, path: url.pathname, query, body: undefined as unknown, headers, operationId: undefined as string | undefined, at: Date.now() };
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch (error) {
        violations.push({ kind: 'body-not-json', method, url: url.pathname, errors: String(error) });
        return { answer: new HttpAnswer(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' }), record };
      }
    }
    record.body = body;
    const request: OpenApiRequest = { method, path: url.pathname, headers, query, body };
    const operation = api.matchOperation(request);
    if (!operation) {
      violations.push({ kind: 'unknown-operation', method, url: url.pathname, errors: 'no simulated GitHub operation has this method and path' });
      return { answer: notFound(), record };
    }
    const operationId = operation.operationId as SimulatedOperation;
    record.operationId = operationId;
    const validation = api.validateRequest(request, operation);
    if (!validation.valid) {
      violations.push({ kind: 'request', method, url: url.pathname, operationId, errors: validation.errors });
      return { answer: unprocessable(validation.errors ?? [], 'Invalid request (does not match the OpenAPI description)'), record };
    }
    const presented = /^(?:token|bearer) (.+)$/i.exec(headers['authorization'] ?? '')?.[1];
    const grant =
      presented === undefined
        ? undefined
        : options.authorize
          ? options.authorize(presented)
          : presented === token
            ? { permissions: {} as Record<string, 'read' | 'write'>, all: true }
            : undefined;
    if (!grant) {
      return { answer: new HttpAnswer(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' }), record };
    }
    const params = (api.router.parseRequest(request, operation).params ?? {}) as Record<string, string>;
    if (params['owner']?.toLowerCase() !== owner.toLowerCase() && 'owner' in params) return { answer: notFound(), record };
    if (params['repo']?.toLowerCase() !== repo.toLowerCase() && 'repo' in params) return { answer: notFound(), record };
    const needs = WRITE_SCOPES[operationId]?.(isPullRequestTarget(params)) ?? [];
    if (!('all' in grant) && needs.length > 0 && !needs.some((scope) => grant.permissions[scope] === 'write')) {
      refusals.push({ method, path: url.pathname, needs });
      return { answer: new HttpAnswer(403, { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' }), record };
    }
    const requestActor = ('actor' in grant && grant.actor) || defaultActor;

    const fault = takeFault(operationId);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && !fault.afterEffect) return { answer: new HttpAnswer(fault.status, fault.body ?? { message: 'Server Error' }, fault.headers), record };
    remaining = Math.max(remaining - 1, 0);
    actor = requestActor;
    const answer = handlers[operationId](params, query, (body ?? {}) as Record<string, unknown>, url.pathname);
    actor = defaultActor;
    if (answer.status < 300 && answer.body !== undefined) {
      const check = api.validateResponse(answer.body, operation, answer.status);
      if (check.errors && check.errors.length > 0) violations.push({ kind: 'response', method, url: url.pathname, operationId, errors: check.errors });
    }
    if (fault) return { answer: new HttpAnswer(fault.status, fault.body ?? { message: 'Server Error' }, fault.headers), record };
    return { answer, record };
  };

  const server = createServer((req, res) => {
    handle(req)
      .then(({ answer, record }) => {
        requests.push({ ...record, status: answer.status });
        send(res, answer);
      })
      .catch((error: unknown) => {
        violations.push({ kind: 'request', method: req.method ?? '?', url: req.url ?? '?', errors: `server error: ${String(error)}` });
        res.destroy();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    token,
    spec,
    repository,
    actor: defaultActor,
    requests,
    violations,
    issues,
    comments,
    releases,
    labels,
    assertValid() {
      if (violations.length > 0) {
        throw new Error(`requests that do not match GitHub's OpenAPI description:\n${JSON.stringify(violations, null, 2).slice(0, 4000)}`);
      }
    },
    takeViolations() {
      return violations.splice(0, violations.length);
    },
    fail(fault) {
      faults.push({ times: 1, ...fault });
    },
    rateLimit({ status = 403, resetInSeconds = 1, retryAfterSeconds, operation, times = 1 }) {
      const reset = Math.floor(Date.now() / 1000) + resetInSeconds;
      const headers: Record<string, string> = {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-resource': 'core',
      };
      if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
      const message = `API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID CAFE:${nextId}.`;
      faults.push({
        status,
        headers,
        body: { message, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: String(status) },
        times,
        ...(operation ? { operation } : {}),
      });
    },
    addIssue,
    addPullRequest(fields = {}) {
      return addIssue({ title: 'Update privacy policy', user: MAINTAINER, ...fields, pull_request: true });
    },
    addComment,
    pulls,
    workflowRuns,
    refusals,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
