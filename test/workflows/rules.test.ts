/**
 * Our own rules for the workflows, each checked over every workflow file: least
 * privilege, pinned actions, no secret where fork code runs, the privileged comment
 * workflow never touching pull-request code, concurrency, timeouts, credentials, and the
 * schedules. Each rule is first shown a workflow that breaks it.
 */
import path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

type Obj = Record<string, unknown>;
interface Step extends Obj {
  uses?: string;
  run?: string;
  with?: Obj;
  env?: Obj;
}
interface Job extends Obj {
  permissions?: unknown;
  steps?: Step[];
  needs?: string | string[];
  environment?: unknown;
  'timeout-minutes'?: unknown;
}
interface Workflow {
  file: string;
  text: string;
  doc: Obj;
  on: Obj;
  jobs: Record<string, Job>;
}

const DIR = path.resolve(import.meta.dirname, '../../.github/workflows');

function load(file: string, text: string): Workflow {
  const doc = parse(text) as Obj;
  const rawOn = doc['on'];
  const on: Obj =
    typeof rawOn === 'string' ? { [rawOn]: null } : Array.isArray(rawOn) ? Object.fromEntries(rawOn.map((e: string) => [e, null])) : ((rawOn as Obj) ?? {});
  return { file, text, doc, on, jobs: (doc['jobs'] ?? {}) as Record<string, Job> };
}

const workflows = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => load(f, readFileSync(path.join(DIR, f), 'utf8')));
const byFile = (file: string): Workflow => workflows.find((w) => w.file === file)!;

// ------------------------------------------------------------------ helpers

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

/** The permissions a job's token gets: its own block, else the workflow's. */
function effective(w: Workflow, job: Job): Record<string, string> {
  const p = 'permissions' in job ? job.permissions : w.doc['permissions'];
  if (p === undefined) return Object.fromEntries(SCOPES.map((s) => [s, 'write'])); // GitHub's default may be write-all
  if (p === 'read-all') return Object.fromEntries(SCOPES.map((s) => [s, 'read']));
  if (p === 'write-all') return Object.fromEntries(SCOPES.map((s) => [s, 'write']));
  return Object.fromEntries(
    Object.entries((p ?? {}) as Obj)
      .filter(([, v]) => v !== 'none')
      .map(([k, v]) => [k, String(v)]),
  );
}

const writes = (w: Workflow, job: Job): string[] =>
  Object.entries(effective(w, job))
    .filter(([, v]) => v === 'write')
    .map(([k]) => k)
    .sort();
const uses = (job: Job, action: string): Step[] => (job.steps ?? []).filter((s) => typeof s.uses === 'string' && s.uses.split('@')[0] === action);

/** Every string in a value, depth first. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

/** Events that run code from the pull request with the pull request's (fork-safe) token. */
const FORK_CODE = ['pull_request', 'pull_request_review', 'pull_request_review_comment'];
/** Events that run with a write token and secrets, in reach of pull-request data. */
const PRIVILEGED_PR = ['pull_request_target', 'workflow_run'];

/** [workflow, job] pairs allowed each write scope: least privilege, spelled out. */
const ALLOWED_WRITES: Record<string, string[]> = {
  'publish.yml/heartbeat': ['contents'],
  'publish.yml/deploy': ['id-token', 'pages'],
  'publish.yml/notify': ['contents', 'issues'],
  'pr-comment.yml/comment': ['pull-requests'],
  'watchdog.yml/watchdog': ['issues'],
};
/** Jobs that push commits, and so may keep a write token for contents. */
const PUSHING_JOBS = ['publish.yml/heartbeat', 'publish.yml/notify'];
/** Jobs that may read secrets (none of them runs code from a pull request). */
const SECRET_JOBS = ['publish.yml/heartbeat', 'publish.yml/build', 'publish.yml/notify', 'watchdog.yml/watchdog'];
/** A job that builds the site runs third-party code (Astro, Vite): there the key may reach one step, the one that signs. */
const BUILDS = /\b(npm run build|astro build|candor build)\b/;
const SIGN_STEP = /^candor sign-site\b/;

// ------------------------------------------------------------------ the rules

type Rule = (w: Workflow) => string[];

const rules: Record<string, Rule> = {
  'top-level permissions are set, read or none': (w) => {
    const p = w.doc['permissions'];
    if (p === undefined) return ['no top-level permissions (the token would get the repository default)'];
    if (p === 'read-all') return [];
    if (typeof p === 'string') return [`top-level permissions: ${p}`];
    return Object.entries((p ?? {}) as Obj)
      .filter(([, v]) => v !== 'read' && v !== 'none')
      .map(([k, v]) => `top-level ${k}: ${String(v)}`);
  },

  'each job writes only what it must': (w) =>
    Object.entries(w.jobs).flatMap(([id, job]) => {
      const allowed = ALLOWED_WRITES[`${w.file}/${id}`] ?? [];
      const extra = writes(w, job).filter((s) => !allowed.includes(s));
      return extra.length ? [`${id}: ${extra.join(', ')}: write is not needed (allowed: ${allowed.join(', ') || 'none'})`] : [];
    }),

  'only the deploy job may write Pages or mint OIDC tokens; only pushing jobs write contents; only comment and watchdog jobs write issues or pull requests': (
    w,
  ) =>
    Object.entries(w.jobs).flatMap(([id, job]) => {
      const key = `${w.file}/${id}`;
      const out: string[] = [];
      const ws = writes(w, job);
      if ((ws.includes('pages') || ws.includes('id-token')) && uses(job, 'actions/deploy-pages').length === 0)
        out.push(`${id}: pages/id-token write without deploying`);
      if (ws.includes('contents') && !PUSHING_JOBS.includes(key)) out.push(`${id}: contents: write, but it pushes nothing`);
      if (ws.includes('pull-requests') && key !== 'pr-comment.yml/comment') out.push(`${id}: pull-requests: write outside the comment job`);
      if (ws.includes('issues') && !['pr-comment.yml/comment', 'watchdog.yml/watchdog', 'publish.yml/notify'].includes(key))
        out.push(`${id}: issues: write outside the comment, watchdog and notify jobs`);
      return out;
    }),

  'a deploy-pages job has pages: write, id-token: write and the github-pages environment': (w) =>
    Object.entries(w.jobs).flatMap(([id, job]) => {
      if (uses(job, 'actions/deploy-pages').length === 0) return [];
      const p = effective(w, job);
      const env = typeof job.environment === 'string' ? job.environment : (job.environment as Obj | undefined)?.['name'];
      return [
        ...(p['pages'] === 'write' ? [] : [`${id}: deploy-pages needs pages: write`]),
        ...(p['id-token'] === 'write' ? [] : [`${id}: deploy-pages needs id-token: write`]),
        ...(env === 'github-pages' ? [] : [`${id}: deploy-pages needs environment github-pages`]),
      ];
    }),

  'every action is pinned to a commit SHA with a # vX comment': (w) =>
    w.text.split('\n').flatMap((line, i) => {
      const m = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(#.*)?$/.exec(line);
      if (!m) return [];
      const [, , ref, comment] = m;
      if (ref!.startsWith('./')) return [];
      if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref!)) return [`line ${i + 1}: ${ref} is not pinned to a 40-hex commit SHA`];
      if (!/^#\s*v\d+(\.\d+){0,2}\b/.test(comment ?? '')) return [`line ${i + 1}: ${ref} has no "# vX" comment naming its version`];
      return [];
    }),

  'no secret in a workflow that runs pull-request code': (w) => {
    if (!FORK_CODE.some((e) => e in w.on)) return [];
    return Object.entries(w.jobs).flatMap(([id, job]) =>
      strings(job)
        .filter((s) => /\bsecrets\s*(\.|\[)|^inherit$/.test(s))
        .map((s) => `${id}: ${s.trim()}`),
    );
  },

  'secrets only in the jobs that need them': (w) =>
    Object.entries(w.jobs).flatMap(([id, job]) =>
      SECRET_JOBS.includes(`${w.file}/${id}`)
        ? []
        : strings(job)
            .filter((s) => /\bsecrets\s*(\.|\[)/.test(s))
            .map((s) => `${id}: ${s.trim()}`),
    ),

  'in a job that builds, only the signing step sees a secret': (w) =>
    Object.entries(w.jobs).flatMap(([id, job]) => {
      const { steps = [], ...rest } = job;
      if (!steps.some((st) => BUILDS.test(String(st.run ?? '')))) return [];
      const outside = strings(rest)
        .filter((s) => /\bsecrets\s*(\.|\[)/.test(s))
        .map((s) => `${id}: job-level ${s.trim()}`);
      const inSteps = steps
        .filter((st) => strings(st).some((s) => /\bsecrets\s*(\.|\[)/.test(s)) && !SIGN_STEP.test(String(st.run ?? '')))
        .map((st) => `${id}: step ${String(st.name ?? st.run ?? st.uses)} sees a secret`);
      return [...outside, ...inSteps];
    }),

  'the privileged pull-request workflow never checks out or runs pull-request code': (w) => {
    if (!PRIVILEGED_PR.some((e) => e in w.on)) return [];
    return Object.entries(w.jobs).flatMap(([id, job]) => [
      ...uses(job, 'actions/checkout')
        .filter((s) => s.with && ('ref' in s.with || 'repository' in s.with))
        .map(() => `${id}: checkout with ref/repository (pull-request code)`),
      ...strings(job)
        .filter(
          (s) =>
            /github\.(head_ref|event\.(pull_request|workflow_run)\.head\.(ref|sha)|event\.workflow_run\.head_branch)/.test(s) &&
            !/^\$\{\{ github\.event\.workflow_run\.head_sha \}\}$/.test(s),
        )
        .map((s) => `${id}: refers to pull-request code: ${s}`),
      ...uses(job, 'actions/download-artifact')
        .filter((s) => !String(s.with?.['path'] ?? '').startsWith('${{ runner.temp }}'))
        .map(() => `${id}: artifact downloaded into the workspace`),
    ]);
  },

  'no expression inside a run script (values go through env)': (w) =>
    Object.entries(w.jobs).flatMap(([id, job]) =>
      (job.steps ?? []).filter((s) => typeof s.run === 'string' && s.run.includes('${{')).map((s) => `${id}: run: ${s.run!.trim()}`),
    ),

  'concurrency is set on publish and on pull-request workflows; publish never cancels a run': (w) => {
    const c = w.doc['concurrency'] as Obj | string | undefined;
    const pr = [...FORK_CODE, ...PRIVILEGED_PR].some((e) => e in w.on);
    const out: string[] = [];
    if ((w.file === 'publish.yml' || pr) && !c) out.push('no concurrency');
    if (w.file === 'publish.yml' && (typeof c !== 'object' || c['cancel-in-progress'] !== false))
      out.push('publish must set cancel-in-progress: false (a heartbeat is never cut half-way)');
    return out;
  },

  'every job has a timeout': (w) =>
    Object.entries(w.jobs).flatMap(([id, job]) => {
      const t = job['timeout-minutes'];
      return typeof t === 'number' && t > 0 && t <= 60 ? [] : [`${id}: timeout-minutes ${String(t)}`];
    }),

  // Jobs that push get the token for the push alone (scripts/publish.ts, GIT_CONFIG_*), never in .git/config.
  'every checkout uses persist-credentials: false, in jobs that push too': (w) =>
    Object.entries(w.jobs).flatMap(([id, job]) =>
      uses(job, 'actions/checkout')
        .filter((s) => s.with?.['persist-credentials'] !== false)
        .map(() => `${id}: checkout without persist-credentials: false`),
    ),

  'Node 24 from setup-node, and npm ci (exactly the lockfile)': (w) =>
    Object.entries(w.jobs).flatMap(([id, job]) => [
      ...uses(job, 'actions/setup-node')
        .filter((s) => String(s.with?.['node-version']) !== '24')
        .map(() => `${id}: setup-node without node-version 24`),
      ...(job.steps ?? []).filter((s) => /\bnpm (install|i)\b/.test(s.run ?? '')).map(() => `${id}: npm install (use npm ci)`),
    ]),

  // npx spends about a second per step resolving the tree, and fetches a package of that
  // name from the registry when none is installed: the steps run the installed bin (0026).
  'candor is the installed one: node_modules/.bin on GITHUB_PATH after npm ci, never npx': (w) =>
    Object.entries(w.jobs).flatMap(([id, job]) => {
      const runs = (job.steps ?? []).map((s) => s.run ?? '');
      const ci = runs.findIndex((r) => /^npm ci\b/.test(r));
      const onPath = runs.findIndex((r) => r === 'echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"');
      const first = runs.findIndex((r) => /(^|[;&|]\s*)candor\s/.test(r));
      return [
        ...runs.filter((r) => /\bnpx\b|\bnpm exec\b/.test(r)).map((r) => `${id}: ${r.split('\n')[0]} (run the installed candor, not npx)`),
        ...(first >= 0 && !(ci >= 0 && ci < onPath && onPath < first) ? [`${id}: candor runs before npm ci and node_modules/.bin on GITHUB_PATH`] : []),
      ];
    }),
};

function crons(w: Workflow): string[] {
  return ((w.on['schedule'] ?? []) as { cron: string }[]).map((s) => s.cron);
}

/** A cron line that fires once a day: fixed minute and hour, every day. */
const daily = (cron: string): boolean => /^\d{1,2} \d{1,2} \* \* \*$/.test(cron.trim());
// Hours between runs for "M */N * * *" or "M h1,h2,… * * *"; Infinity otherwise.
function everyHours(cron: string): number {
  const [minute, hour, ...rest] = cron.trim().split(/\s+/);
  if (!/^\d+$/.test(minute ?? '') || rest.join(' ') !== '* * *') return Infinity;
  const step = /^\*\/(\d+)$/.exec(hour ?? '');
  if (step) return Number(step[1]);
  if (hour === '*') return 1;
  const hours = (hour ?? '')
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  if (hours.some(Number.isNaN)) return Infinity;
  return Math.max(...hours.map((h, i) => (hours[(i + 1) % hours.length]! - h + 24) % 24 || 24));
}

// ------------------------------------------------------------------ every rule, every workflow

describe.each(Object.entries(rules))('rule: %s', (_name, rule) => {
  it.each(workflows.map((w) => [w.file, w] as const))('%s', (_file, w) => {
    expect(rule(w)).toEqual([]);
  });
});

// ------------------------------------------------------------------ each rule catches what it is for

const bad = (text: string, file = 'bad.yml'): Workflow => load(file, text);
const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0';

const BREAKERS: [string, string][] = [
  ['top-level permissions are set, read or none', 'on: push\njobs: {}\n'],
  ['top-level permissions are set, read or none', 'on: push\npermissions: write-all\njobs: {}\n'],
  ['top-level permissions are set, read or none', 'on: push\npermissions:\n  contents: write\njobs: {}\n'],
  ['each job writes only what it must', 'on: push\npermissions: {}\njobs:\n  a:\n    permissions:\n      actions: write\n'],
  ['each job writes only what it must', 'on: push\njobs:\n  a: {}\n'],
  [
    'only the deploy job may write Pages or mint OIDC tokens; only pushing jobs write contents; only comment and watchdog jobs write issues or pull requests',
    'on: push\npermissions: {}\njobs:\n  build:\n    permissions:\n      contents: write\n      pages: write\n      pull-requests: write\n',
  ],
  [
    'a deploy-pages job has pages: write, id-token: write and the github-pages environment',
    'on: push\npermissions: {}\njobs:\n  deploy:\n    permissions:\n      pages: write\n    steps:\n      - uses: actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128 # v5.0.0\n',
  ],
  ['every action is pinned to a commit SHA with a # vX comment', 'jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v5\n'],
  [
    'every action is pinned to a commit SHA with a # vX comment',
    'jobs:\n  a:\n    steps:\n      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8\n',
  ],
  [
    'no secret in a workflow that runs pull-request code',
    'on: pull_request\njobs:\n  a:\n    steps:\n      - run: echo\n        env:\n          K: ${{ secrets.CANDOR_SIGNING_KEY }}\n',
  ],
  ['no secret in a workflow that runs pull-request code', 'on: [pull_request]\njobs:\n  a:\n    uses: ./.github/workflows/x.yml\n    secrets: inherit\n'],
  ['secrets only in the jobs that need them', 'on: push\njobs:\n  build:\n    env:\n      K: ${{ secrets["CANDOR_SIGNING_KEY"] }}\n'],
  [
    'in a job that builds, only the signing step sees a secret',
    'on: push\njobs:\n  build:\n    steps:\n      - run: npm run build\n        env:\n          K: ${{ secrets.CANDOR_SIGNING_KEY }}\n',
  ],
  [
    'the privileged pull-request workflow never checks out or runs pull-request code',
    `on: pull_request_target\njobs:\n  a:\n    steps:\n      - uses: ${CHECKOUT}\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n`,
  ],
  [
    'the privileged pull-request workflow never checks out or runs pull-request code',
    'on:\n  workflow_run:\n    workflows: [x]\njobs:\n  a:\n    steps:\n      - uses: actions/download-artifact@37930b1c2abaa49bbe596cd826c3c89aef350131 # v7.0.0\n        with:\n          path: .\n',
  ],
  [
    'no expression inside a run script (values go through env)',
    'on: pull_request\njobs:\n  a:\n    steps:\n      - run: candor check --since origin/${{ github.base_ref }}\n',
  ],
  ['concurrency is set on publish and on pull-request workflows; publish never cancels a run', 'on: pull_request\njobs: {}\n'],
  ['every job has a timeout', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n'],
  ['every checkout uses persist-credentials: false, in jobs that push too', `on: push\njobs:\n  a:\n    steps:\n      - uses: ${CHECKOUT}\n`],
  ['Node 24 from setup-node, and npm ci (exactly the lockfile)', 'on: push\njobs:\n  a:\n    steps:\n      - run: npm install\n'],
  [
    'candor is the installed one: node_modules/.bin on GITHUB_PATH after npm ci, never npx',
    'on: push\njobs:\n  a:\n    steps:\n      - run: npm ci\n      - run: npx candor check\n',
  ],
];

describe('the rules catch what they are for', () => {
  it.each(BREAKERS)('%s', (name, text) => {
    expect(rules[name]!(bad(text)).length).toBeGreaterThan(0);
  });

  it('every rule is shown a workflow that breaks it', () => {
    expect(Object.keys(rules).filter((name) => !BREAKERS.some(([n]) => n === name))).toEqual([]);
  });

  it('publish must not cancel in progress', () => {
    expect(
      rules['concurrency is set on publish and on pull-request workflows; publish never cancels a run']!(
        bad('on: push\nconcurrency:\n  group: publish\n  cancel-in-progress: true\njobs: {}\n', 'publish.yml'),
      ),
    ).toHaveLength(1);
  });

  it('reads cron lines', () => {
    expect(daily('23 4 * * *')).toBe(true);
    expect(daily('23 */6 * * *')).toBe(false);
    expect(everyHours('41 */6 * * *')).toBe(6);
    expect(everyHours('0 0,6,12,18 * * *')).toBe(6);
    expect(everyHours('0 0,12 * * *')).toBe(12);
    expect(everyHours('0 0 * * 1')).toBe(Infinity);
  });
});

// ------------------------------------------------------------------ the workflows themselves

describe('publish', () => {
  const w = byFile('publish.yml');

  it('runs on pushes to main that touch content, daily, and by hand', () => {
    expect((w.on['push'] as Obj)['branches']).toEqual(['main']);
    expect((w.on['push'] as Obj)['paths']).toEqual(expect.arrayContaining(['content/**', 'keys/**']));
    expect(crons(w)).toHaveLength(1);
    expect(daily(crons(w)[0]!)).toBe(true);
    expect('workflow_dispatch' in w.on).toBe(true);
  });

  it('heartbeat → build → deploy → notify: a failure upstream publishes and announces nothing', () => {
    const needs = (id: string): string[] => [w.jobs[id]!.needs ?? []].flat();
    expect(Object.keys(w.jobs)).toEqual(['heartbeat', 'build', 'deploy', 'notify']);
    expect(needs('build')).toEqual(['heartbeat']);
    expect(needs('deploy')).toEqual(['build']);
    expect(needs('notify')).toEqual(expect.arrayContaining(['deploy']));
    // Only the heartbeat's own decision may skip the build (then deploy and notify skip with it);
    // no always() or failure() that would deploy or announce after a failure.
    expect(w.jobs['build']!['if']).toBe("needs.heartbeat.outputs.rebuild == 'true'");
    for (const id of ['deploy', 'notify']) expect(w.jobs[id]!['if']).toBeUndefined();
  });

  it('the heartbeat runs only on main, with the CI key, through candor publish heartbeat', () => {
    const job = w.jobs['heartbeat']!;
    expect(job['if']).toBe("github.ref == 'refs/heads/main'");
    const step = job.steps!.find((s) => s.run === 'candor publish heartbeat')!;
    expect(Object.keys(step.env ?? {})).toEqual(expect.arrayContaining(['CANDOR_SIGNING_KEY', 'CANDOR_PASSPHRASE', 'GITHUB_TOKEN']));
    expect(w.jobs['build']!.steps!.map((s) => s.run).filter(Boolean)).toEqual(expect.arrayContaining(['candor check', 'candor build']));
  });

  it('build and notify check out the commit the heartbeat job pushed', () => {
    for (const id of ['build', 'notify']) {
      expect(uses(w.jobs[id]!, 'actions/checkout')[0]!.with?.['ref']).toBe('${{ needs.heartbeat.outputs.sha }}');
    }
    expect(w.jobs['heartbeat']!['outputs']).toEqual({ sha: '${{ steps.heartbeat.outputs.sha }}', rebuild: '${{ steps.heartbeat.outputs.rebuild }}' });
  });

  it('uploads dist/site with the hidden /.well-known/ folder', () => {
    const upload = uses(w.jobs['build']!, 'actions/upload-pages-artifact')[0]!;
    expect(upload.with).toEqual({ path: 'dist/site', 'include-hidden-files': true });
  });

  it('notify runs candor notify through candor publish notify, after the deploy', () => {
    expect(w.jobs['notify']!.steps!.some((s) => s.run === 'candor publish notify')).toBe(true);
  });
});

describe('pull requests', () => {
  const check = byFile('pr-check.yml');
  const comment = byFile('pr-comment.yml');

  it('pr-check runs on pull requests that touch content, with a read-only token', () => {
    expect(Object.keys(check.on)).toEqual(['pull_request']);
    expect((check.on['pull_request'] as Obj)['paths']).toEqual(expect.arrayContaining(['content/**']));
    expect(writes(check, check.jobs['check']!)).toEqual([]);
  });

  it('pr-check checks against the base branch, writes the body, and uploads it even when the check fails', () => {
    const steps = check.jobs['check']!.steps!;
    expect(uses(check.jobs['check']!, 'actions/checkout')[0]!.with?.['fetch-depth']).toBe(0);
    const at = (pattern: RegExp): number => steps.findIndex((s) => pattern.test(s.run ?? s.uses ?? ''));
    expect(steps[at(/^candor check --since "origin\/\$BASE_REF"$/)]!.env).toEqual({ BASE_REF: '${{ github.base_ref }}' });
    expect(at(/candor pr review/)).toBeGreaterThan(at(/candor check/));
    expect(steps[at(/candor pr review/)]!['if']).toBe('${{ !cancelled() }}');
    const upload = steps[at(/actions\/upload-artifact/)]!;
    expect(upload['if']).toBe('${{ !cancelled() }}');
    expect(upload.with?.['name']).toBe('pr-review');
  });

  it('pr-comment follows pr-check by name and posts from its artifact only', () => {
    expect((comment.on['workflow_run'] as Obj)['workflows']).toEqual([check.doc['name']]);
    const job = comment.jobs['comment']!;
    expect(String(job['if'])).toContain("github.event.workflow_run.event == 'pull_request'");
    expect(uses(job, 'actions/download-artifact')[0]!.with).toMatchObject({ name: 'pr-review', 'run-id': '${{ github.event.workflow_run.id }}' });
    expect(job.steps!.some((s) => /^candor pr comment /.test(s.run ?? ''))).toBe(true);
    expect(strings(job).some((s) => /\bsecrets\./.test(s))).toBe(false);
  });
});

describe('watchdog', () => {
  const w = byFile('watchdog.yml');
  const publish = byFile('publish.yml');

  it('runs on its own schedule, at least every 12 hours (the heartbeat warning window), whatever publish does', () => {
    expect(crons(w).length).toBeGreaterThan(0);
    expect(Math.min(...crons(w).map(everyHours))).toBeLessThanOrEqual(12);
    expect(Object.keys(w.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(crons(w)).not.toEqual(crons(publish));
  });

  it('runs candor watchdog with a token that can read runs and write issues', () => {
    const job = w.jobs['watchdog']!;
    expect(effective(w, job)).toEqual({ actions: 'read', contents: 'read', issues: 'write' });
    expect(job.steps!.some((s) => s.run === 'candor watchdog')).toBe(true);
  });

  it("gets the SMTP secrets for the operators' e-mail, only in its script step, and never the CI signing key", () => {
    const job = w.jobs['watchdog']!;
    const withSecrets = job.steps!.filter((s) => strings(s).some((x) => /\bsecrets\./.test(x)));
    expect(withSecrets.map((s) => s.run)).toEqual(['candor watchdog']);
    expect(withSecrets[0]!.env).toEqual({
      GITHUB_TOKEN: '${{ github.token }}',
      CANDOR_SMTP_USER: '${{ secrets.CANDOR_SMTP_USER }}',
      CANDOR_SMTP_PASSWORD: '${{ secrets.CANDOR_SMTP_PASSWORD }}',
    });
    expect(strings(job).some((x) => /CANDOR_SIGNING_KEY|CANDOR_PASSPHRASE/.test(x))).toBe(false);
    // Secrets are safe here only because no pull request can trigger it.
    expect(Object.keys(w.on).some((e) => [...FORK_CODE, ...PRIVILEGED_PR].includes(e))).toBe(false);
  });
});

describe('pins', () => {
  it('each action has one pin across all workflows, the one ci.yml uses where it uses it', () => {
    const pins = new Map<string, Set<string>>();
    for (const w of workflows) {
      for (const m of w.text.matchAll(/uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40})/g)) pins.set(m[1]!, (pins.get(m[1]!) ?? new Set()).add(m[2]!));
    }
    expect([...pins].filter(([, shas]) => shas.size > 1)).toEqual([]);
    expect([...pins.get('actions/checkout')!]).toEqual(['08c6903cd8c0fde910a37f88322edcfb5dd907a8']);
    expect([...pins.get('actions/setup-node')!]).toEqual(['2028fbc5c25fe9cf00d9f06a71cc4710d4507903']);
  });
});
