/**
 * A workflow file as the runner needs it: its triggers, concurrency, permissions, env and
 * jobs, read from the YAML as written (the schema itself is checked by lint.test.ts with
 * GitHub's parser). Keys the runner does not model fail loudly here, so that a workflow
 * change cannot silently escape the tests.
 */
import path from 'node:path';
import { parse } from 'yaml';

export type Obj = Record<string, unknown>;
export type Permissions = Record<string, 'read' | 'write'>;

export interface Step {
  id?: string;
  name?: string;
  if?: unknown;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  shell?: string;
  'working-directory'?: string;
  'timeout-minutes'?: number;
  'continue-on-error'?: boolean;
}

export interface Job {
  name: string;
  needs: string[];
  if?: unknown;
  permissions?: Permissions;
  env: Record<string, unknown>;
  outputs: Record<string, string>;
  steps: Step[];
  timeoutMinutes: number;
  environment?: { name: string; url?: string };
  concurrency?: { group: string; cancelInProgress: boolean };
}

export interface Workflow {
  /** The file name, e.g. publish.yml. */
  file: string;
  name: string;
  on: Obj;
  permissions?: Permissions;
  env: Record<string, unknown>;
  concurrency?: { group: string; cancelInProgress: boolean };
  jobs: Map<string, Job>;
}

const JOB_KEYS = new Set(['name', 'needs', 'if', 'runs-on', 'permissions', 'env', 'outputs', 'steps', 'timeout-minutes', 'environment', 'concurrency']);
const STEP_KEYS = new Set(['id', 'name', 'if', 'run', 'uses', 'with', 'env', 'shell', 'working-directory', 'timeout-minutes', 'continue-on-error']);
const TOP_KEYS = new Set(['name', 'on', 'permissions', 'env', 'concurrency', 'jobs', 'run-name', 'defaults']);
const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
];

/** Something the local runner does not model: a test setup error, never a workflow's failure. */
export class NotModelled extends Error {
  override name = 'NotModelled';
}

function unsupported(file: string, where: string, what: string): never {
  throw new NotModelled(`${file}: ${where}: the local runner does not model ${what}; teach test/runner/ about it before using it`);
}

function permissions(file: string, where: string, raw: unknown): Permissions | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'read-all') return Object.fromEntries(SCOPES.map((s) => [s, 'read']));
  if (raw === 'write-all') return Object.fromEntries(SCOPES.map((s) => [s, 'write']));
  if (typeof raw !== 'object' || raw === null) unsupported(file, where, `permissions: ${String(raw)}`);
  const out: Permissions = {};
  for (const [scope, level] of Object.entries(raw as Obj)) {
    if (!SCOPES.includes(scope)) unsupported(file, where, `the permission scope ${scope}`);
    if (level === 'read' || level === 'write') out[scope] = level;
    else if (level !== 'none') unsupported(file, where, `permission level ${String(level)}`);
  }
  return out;
}

function concurrency(file: string, raw: unknown): Workflow['concurrency'] {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return { group: raw, cancelInProgress: false };
  const c = raw as Obj;
  if (typeof c['cancel-in-progress'] === 'string') unsupported(file, 'concurrency', 'an expression in cancel-in-progress');
  return { group: String(c['group']), cancelInProgress: c['cancel-in-progress'] === true };
}

function job(file: string, name: string, raw: Obj): Job {
  for (const key of Object.keys(raw)) if (!JOB_KEYS.has(key)) unsupported(file, `jobs.${name}`, `the job key ${key}`);
  if (raw['runs-on'] !== 'ubuntu-24.04' && raw['runs-on'] !== 'ubuntu-latest') unsupported(file, `jobs.${name}`, `runs-on: ${String(raw['runs-on'])}`);
  const steps = (raw['steps'] ?? []) as Step[];
  steps.forEach((step, i) => {
    for (const key of Object.keys(step)) if (!STEP_KEYS.has(key)) unsupported(file, `jobs.${name}.steps[${i}]`, `the step key ${key}`);
    if (step.shell !== undefined && step.shell !== 'bash') unsupported(file, `jobs.${name}.steps[${i}]`, `shell: ${step.shell}`);
    if (Boolean(step.run) === Boolean(step.uses)) unsupported(file, `jobs.${name}.steps[${i}]`, 'a step with neither or both of run and uses');
  });
  const env = raw['environment'];
  const needs = raw['needs'];
  return {
    name,
    needs: needs === undefined ? [] : Array.isArray(needs) ? needs.map(String) : [String(needs)],
    ...(raw['if'] !== undefined ? { if: raw['if'] } : {}),
    ...(raw['permissions'] !== undefined ? { permissions: permissions(file, `jobs.${name}`, raw['permissions'])! } : {}),
    env: (raw['env'] ?? {}) as Record<string, unknown>,
    outputs: (raw['outputs'] ?? {}) as Record<string, string>,
    steps,
    // GitHub's default is 360 minutes; every workflow here sets it (rules.test.ts).
    timeoutMinutes: Number(raw['timeout-minutes'] ?? 360),
    ...(env === undefined ? {} : { environment: typeof env === 'string' ? { name: env } : (env as { name: string; url?: string }) }),
    ...(raw['concurrency'] !== undefined ? { concurrency: concurrency(file, raw['concurrency'])! } : {}),
  };
}

export function parseWorkflow(file: string, text: string): Workflow {
  const doc = parse(text) as Obj;
  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) unsupported(file, 'top level', `the key ${key}`);
  if (doc['defaults'] !== undefined || doc['run-name'] !== undefined) unsupported(file, 'top level', 'defaults or run-name');
  const rawOn = doc['on'];
  const on: Obj =
    typeof rawOn === 'string' ? { [rawOn]: {} } : Array.isArray(rawOn) ? Object.fromEntries(rawOn.map((e: string) => [e, {}])) : ((rawOn ?? {}) as Obj);
  const jobs = new Map(Object.entries((doc['jobs'] ?? {}) as Record<string, Obj>).map(([name, raw]) => [name, job(file, name, raw)]));
  return {
    file,
    name: String(doc['name'] ?? `.github/workflows/${file}`),
    on,
    ...(doc['permissions'] !== undefined ? { permissions: permissions(file, 'permissions', doc['permissions'])! } : {}),
    env: (doc['env'] ?? {}) as Record<string, unknown>,
    ...(doc['concurrency'] !== undefined ? { concurrency: concurrency(file, doc['concurrency'])! } : {}),
    jobs,
  };
}

// ------------------------------------------------------------------ triggers

const KNOWN_EVENTS = new Set(['push', 'pull_request', 'schedule', 'workflow_dispatch', 'workflow_run']);

/** GitHub's filter patterns (`*`, `**`, `?`, `!negation`), later patterns overriding earlier ones. */
export function matchesFilters(value: string, patterns: string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (path.posix.matchesGlob(value, negated ? pattern.slice(1) : pattern)) matched = !negated;
  }
  return matched;
}

/** The event's filter block (`branches`, `paths`, `types`…), or undefined when the workflow does not listen. */
export function trigger(w: Workflow, event: string): Obj | undefined {
  for (const name of Object.keys(w.on)) if (!KNOWN_EVENTS.has(name)) unsupported(w.file, 'on', `the event ${name}`);
  if (!(event in w.on)) return undefined;
  return (w.on[event] ?? {}) as Obj;
}

/** Whether a push/pull_request with these changed files on this branch runs the workflow. */
export function filtersMatch(w: Workflow, filters: Obj, branch: string, files: string[]): boolean {
  for (const key of Object.keys(filters)) if (!['branches', 'paths', 'types', 'workflows'].includes(key)) unsupported(w.file, 'on', `the filter ${key}`);
  const branches = filters['branches'] as string[] | undefined;
  if (branches && !matchesFilters(branch, branches)) return false;
  const paths = filters['paths'] as string[] | undefined;
  return !paths || files.some((f) => matchesFilters(f, paths));
}

export function crons(w: Workflow): string[] {
  const schedule = w.on['schedule'];
  return Array.isArray(schedule) ? schedule.map((s: { cron: string }) => s.cron) : [];
}
