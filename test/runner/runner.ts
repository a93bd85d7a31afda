/**
 * A local GitHub for the workflows in .github/workflows/: git host, REST API, Actions
 * runner, artifacts and Pages, all on 127.0.0.1 (docs/workflows.md, "The local runner").
 *
 * Only GitHub's side is stood in for. The jobs' `run:` steps run as written, with
 * `bash --noprofile --norc -eo pipefail`, in a fresh clone per job (actions/checkout's
 * stand-in clones over smart HTTP), with the env, outputs, needs, if, concurrency,
 * permissions and secrets GitHub would give them; `uses:` steps get the stand-ins of
 * actions.ts. Anything the runner does not model fails loudly.
 *
 *   const gh = await startLocalGitHub({ secrets });
 *   await gh.seed(REPO);                              // this repository's tree, as `main`
 *   const [run] = await gh.trigger({ event: 'workflow_dispatch', workflow: 'publish.yml', at });
 *   expect(run.conclusion).toBe('success');
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Cron } from 'croner';
import { serveStatic } from '../../scripts/serve.ts';
import { startGitHubServer, BOT, type FakeUser, type GitHubServer } from '../helpers/github-server.ts';
import { resolveAction, type ArtifactStore, type StepRuntime } from './actions.ts';
import { condition, interpolate, type ExprScope } from './expressions.ts';
import { startGitHost, type GitHost, type PushGrant, type RefUpdate } from './git-host.ts';
import { git } from './git.ts';
import { scratch } from './scratch.ts';
import {
  NotModelled,
  crons,
  filtersMatch,
  parseWorkflow,
  trigger as triggerOf,
  type Job,
  type Obj,
  type Permissions,
  type Step,
  type Workflow,
} from './workflow.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');
const ZERO = '0'.repeat(40);

/** GitHub's default token for a repository created today ("restricted"): read contents and packages. */
const DEFAULT_PERMISSIONS: Permissions = { contents: 'read', packages: 'read' };

/**
 * Steps the runner refuses to run, each with the reason, so that a refusal is never silent:
 * the run concludes 'refused' and says why.
 */
export const REFUSED_STEPS: { workflow: string; run: string; reason: string }[] = [
  { workflow: 'ci.yml', run: 'bash .ci/run', reason: 'runs the whole test suite, the one this runner is part of (CI itself runs it)' },
];

export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | 'refused';

export interface JobRecord {
  name: string;
  result: Conclusion;
  outputs: Record<string, string>;
  log: string[];
  steps: { name: string; outcome: Conclusion; ms?: number; cpuMs?: number }[];
  /** The permissions its token had. */
  permissions: Permissions;
  /** Secret names its steps could read. */
  secrets: string[];
  /** Whether the job's .git/config still held an auth header when it ended (persist-credentials). */
  persistedCredentials: boolean;
}

export interface Run {
  id: number;
  number: number;
  workflow: Workflow;
  event: string;
  payload: Obj;
  ref: string;
  sha: string;
  /** Whether the code comes from a fork (no secrets, read-only token). */
  fork: boolean;
  at: Date;
  status: 'pending' | 'in_progress' | 'completed';
  conclusion: Conclusion | null;
  jobs: Map<string, JobRecord>;
  /** Resolves when the run has completed (including workflow_run runs it triggers, see idle()). */
  done: Promise<Run>;
  /** Kills the job that runs now, as a runner machine that dies does (the job fails). */
  kill(reason: string): void;
  /** The whole log, for failure messages. */
  log(): string;
  /** Set when the runner could not run the workflow as written (never a workflow's own failure). */
  error: Error | undefined;
}

export type TriggerEvent =
  | { event: 'schedule'; cron: string; at: Date }
  | { event: 'workflow_dispatch'; workflow: string; at: Date; ref?: string }
  | { event: 'push'; update: RefUpdate; at: Date };

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  user: FakeUser;
  headRepository: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  mergeSha: string;
  state: 'open' | 'closed';
  merged: boolean;
}

export interface LocalGitHubOptions {
  repository?: string;
  /** secrets.* for every run but a fork's. */
  secrets?: Record<string, string>;
  testedCheckout?: string;
  /** Extra environment for every step (NODE_COMPILE_CACHE: a compile cache, as a runner image may have). */
  env?: Record<string, string>;
  /** Called with every line a job prints (fault injection: return 'kill' to kill the job there). */
  watch?: (run: Run, job: string, line: string) => 'kill' | void;
  log?: (line: string) => void;
  /** Fault injection at the git host (git-host.ts holdPush). */
  holdPush?: (pusher: PushGrant, repository: string) => Promise<void> | undefined;
}

interface Grant {
  permissions: Permissions;
  repository: string;
  kind: 'workflow' | 'user';
  actor: FakeUser;
  login: string;
}

export interface LocalGitHub {
  repository: string;
  git: GitHost;
  api: GitHubServer;
  pagesUrl: string;
  pagesDir(): string;
  runs: Run[];
  pulls: PullRequest[];
  /** Commits `dir`'s files (tracked and untracked, as on disk) as the first commit of main. */
  seed(dir: string, opts?: { at?: Date; transform?: (work: string) => Promise<void> }): Promise<string>;
  /** A person's token (contents: write) to push as them; pushes by people trigger workflows. */
  userToken(login: string, repository?: string): string;
  createFork(owner: string): Promise<string>;
  trigger(e: TriggerEvent): Promise<Run[]>;
  /** GitHub's clock between runs (issue and pull-request stamps, pushes by people). */
  setClock(at: Date): void;
  /** The cron instants of the default branch's workflows in (from, to], in order. */
  schedules(from: Date, to: Date): Promise<{ at: Date; cron: string; workflows: string[] }[]>;
  openPullRequest(o: {
    title: string;
    body?: string;
    user: FakeUser;
    headRepository?: string;
    headRef: string;
    at: Date;
  }): Promise<{ pr: PullRequest; runs: Run[] }>;
  mergePullRequest(n: number, at: Date, by?: FakeUser): Promise<Run[]>;
  closePullRequest(n: number): void;
  /** Repacks the repository (git repack with a bitmap), as GitHub's maintenance does. */
  maintain(): Promise<void>;
  /** Resolves when no run is queued or running (workflow_run cascades included). */
  idle(): Promise<void>;
  head(branch?: string): Promise<string>;
  close(): Promise<void>;
}

function parseFileCommands(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`file command: no closing delimiter ${heredoc[2]} for ${heredoc[1]}`);
      out.set(heredoc[1]!, value.join('\n'));
    } else if (line.includes('=')) {
      out.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
    } else if (line.trim() !== '') throw new Error(`file command: cannot read the line ${JSON.stringify(line)}`);
  }
  return out;
}

const stamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function startLocalGitHub(opts: LocalGitHubOptions = {}): Promise<LocalGitHub> {
  const repository = opts.repository ?? 'lumen/privacy';
  const [owner] = repository.split('/') as [string, string];
  const tested = opts.testedCheckout ?? REPO;
  const nodeBin = path.join(tested, 'node_modules', 'node', 'bin', 'node');
  const secrets = opts.secrets ?? {};
  const log = opts.log ?? (() => undefined);
  const root = await mkdtemp(path.join(scratch(), 'candor-gh-'));
  const grants = new Map<string, Grant>();
  let apiNow = new Date();
  const runs: Run[] = [];
  const pulls: PullRequest[] = [];
  const active = new Set<Promise<unknown>>();
  let nextRunId = 7_000_000;
  const runNumbers = new Map<string, number>();
  const finishers = new Map<number, (r: Run) => void>();

  const api = await startGitHubServer({
    repository,
    viewer: 'integration',
    now: () => apiNow,
    authorize: (token) => {
      const g = grants.get(token);
      return g && g.repository === repository ? { permissions: g.permissions, actor: g.actor } : undefined;
    },
  });
  const host: GitHost = await startGitHost({
    authorize: (token): PushGrant | undefined => {
      const g = grants.get(token);
      return g ? { contents: g.permissions['contents'], repositories: [g.repository], kind: g.kind, login: g.login } : undefined;
    },
    onPush: (update) => onPush(update),
    ...(opts.holdPush ? { holdPush: opts.holdPush } : {}),
  });

  // ---------------------------------------------------------------- Pages
  const pagesRoot = path.join(root, 'pages');
  await mkdir(path.join(pagesRoot, 'empty'), { recursive: true });
  await symlink(path.join(pagesRoot, 'empty'), path.join(pagesRoot, 'current'));
  const pages = await serveStatic(path.join(pagesRoot, 'current'), 0);
  const pagesUrl = `http://127.0.0.1:${pages.port}/`;
  let deployments = 0;
  const deployPages = async (tar: string): Promise<string> => {
    const dir = path.join(pagesRoot, `deployment-${++deployments}`);
    await mkdir(dir);
    await run('tar', ['-xf', tar, '-C', dir]);
    const link = path.join(pagesRoot, `current-${deployments}`);
    await symlink(dir, link);
    await rename(link, path.join(pagesRoot, 'current'));
    return pagesUrl;
  };

  // ---------------------------------------------------------------- artifacts
  const artifactRoot = path.join(root, 'artifacts');
  const artifacts: ArtifactStore = {
    async put(runId, name, from, o) {
      const to = path.join(artifactRoot, String(runId), name);
      await rm(to, { recursive: true, force: true });
      let count = 0;
      await cp(from, to, {
        recursive: true,
        filter: (src) => {
          const rel = path.relative(from, src);
          const hidden = rel.split(path.sep).some((part) => part.startsWith('.'));
          if (!o.hidden && hidden) return false;
          count++;
          return true;
        },
      });
      return count;
    },
    dir: (runId, name) => {
      const dir = path.join(artifactRoot, String(runId), name);
      return existsSync(dir) ? dir : undefined;
    },
  };

  // ---------------------------------------------------------------- tokens
  const issueToken = (g: Grant): string => {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    grants.set(token, g);
    return token;
  };
  const userToken = (login: string, repo = repository): string =>
    issueToken({ permissions: { contents: 'write' }, repository: repo, kind: 'user', actor: { login, id: 5_000_000 + login.length, type: 'User' }, login });

  // ---------------------------------------------------------------- git helpers
  const bare = host.bare(repository);
  const head = (branch = 'main', repo = repository): Promise<string> => git(['-C', host.bare(repo), 'rev-parse', `refs/heads/${branch}`]);
  const changedFiles = async (repoDir: string, before: string, after: string): Promise<string[]> => {
    const out =
      before === ZERO ? await git(['-C', repoDir, 'ls-tree', '-r', '--name-only', after]) : await git(['-C', repoDir, 'diff', '--name-only', before, after]);
    return out.split('\n').filter(Boolean);
  };
  const workflowsAt = async (sha: string): Promise<Workflow[]> => {
    const names = (await git(['-C', bare, 'ls-tree', '--name-only', `${sha}:.github/workflows`]).catch(() => '')).split('\n').filter((n) => /\.ya?ml$/.test(n));
    return Promise.all(names.map(async (n) => parseWorkflow(n, await git(['-C', bare, 'show', `${sha}:.github/workflows/${n}`]))));
  };
  const gitDates = (at: Date): NodeJS.ProcessEnv => ({ GIT_AUTHOR_DATE: at.toISOString(), GIT_COMMITTER_DATE: at.toISOString() });

  /** GitHub's test merge of a pull request: head merged into base, as refs/pull/N/merge. */
  const testMerge = async (pr: { number: number; headSha: string; baseRef: string; title: string }, at: Date): Promise<string> => {
    const base = await head(pr.baseRef);
    const tree = await git(['-C', bare, 'merge-tree', '--write-tree', base, pr.headSha]).catch((error: Error) => {
      throw new Error(`pull request #${pr.number} does not merge cleanly into ${pr.baseRef}: ${error.message}`);
    });
    const env = {
      ...gitDates(at),
      GIT_AUTHOR_NAME: 'GitHub',
      GIT_AUTHOR_EMAIL: 'noreply@github.com',
      GIT_COMMITTER_NAME: 'GitHub',
      GIT_COMMITTER_EMAIL: 'noreply@github.com',
    };
    return git(['-C', bare, 'commit-tree', tree.split('\n')[0]!, '-p', base, '-p', pr.headSha, '-m', `Merge ${pr.headSha} into ${base}`], { env });
  };

  // ---------------------------------------------------------------- concurrency
  const groups = new Map<string, { running?: Run | undefined; pending?: { run: Run; start: () => void } | undefined }>();

  // ---------------------------------------------------------------- a run
  const createRun = (
    workflow: Workflow,
    e: { event: string; payload: Obj; ref: string; sha: string; fork: boolean; at: Date; headBranch: string | null; headSha: string; headRepository: string },
  ): Run => {
    const number = (runNumbers.get(workflow.file) ?? 0) + 1;
    runNumbers.set(workflow.file, number);
    const lines: string[] = [];
    let killer: ((reason: string) => void) | undefined;
    let resolveDone!: (r: Run) => void;
    const r: Run = {
      id: ++nextRunId,
      number,
      workflow,
      event: e.event,
      payload: e.payload,
      ref: e.ref,
      sha: e.sha,
      fork: e.fork,
      at: e.at,
      status: 'pending',
      conclusion: null,
      jobs: new Map(),
      done: new Promise<Run>((resolve) => {
        resolveDone = resolve;
      }),
      error: undefined,
      kill: (reason) => killer?.(reason),
      log: () => lines.join('\n'),
    };
    runs.push(r);
    finishers.set(r.id, resolveDone);
    api.workflowRuns.push({
      id: r.id,
      name: workflow.name,
      path: `.github/workflows/${workflow.file}`,
      event: e.event,
      status: 'queued',
      conclusion: null,
      head_branch: e.headBranch,
      head_sha: e.headSha,
      head_repository: e.headRepository,
      run_number: number,
      created_at: stamp(e.at),
      updated_at: stamp(e.at),
    });
    const t0 = performance.now();
    const clock = (): Date => new Date(e.at.getTime() + (performance.now() - t0));
    const apiRun = api.workflowRuns.find((x) => x.id === r.id)!;
    // Frees the run's concurrency slot (set below): on GitHub the slot frees when the run completes,
    // before anything its completion triggers (workflow_run) and before anyone waiting on it resumes.
    let releaseGroup = (): void => undefined;
    const execute = async (): Promise<void> => {
      r.status = 'in_progress';
      apiRun.status = 'in_progress';
      apiRun.updated_at = stamp(clock());
      const context = githubContext(r, e);
      try {
        await runJobs(r, context, clock, lines, (k) => {
          killer = k;
        });
      } catch (error) {
        lines.push(`runner error: ${(error as Error).stack ?? String(error)}`);
        r.conclusion = 'failure';
        r.error = error as Error;
      } finally {
        const results = [...r.jobs.values()].map((j) => j.result);
        r.conclusion ??= results.includes('refused')
          ? 'refused'
          : results.includes('failure')
            ? 'failure'
            : results.includes('cancelled')
              ? 'cancelled'
              : 'success';
        r.status = 'completed';
        apiRun.status = 'completed';
        apiRun.conclusion = r.conclusion === 'refused' ? 'failure' : r.conclusion === 'skipped' ? 'skipped' : r.conclusion;
        apiRun.updated_at = stamp(clock());
        log(`run ${r.id} ${workflow.file} (${e.event}) ${r.conclusion}`);
        releaseGroup();
        resolveDone(r);
      }
      await onCompleted(r, clock());
    };
    const group = workflow.concurrency
      ? interpolate(workflow.concurrency.group, { contexts: { github: githubContext(r, e) }, failed: false, cancelled: false })
      : undefined;
    let released = false;
    releaseGroup = (): void => {
      if (released || !group) return;
      released = true;
      const g = groups.get(group)!;
      g.running = undefined;
      const next = g.pending;
      g.pending = undefined;
      if (next) {
        g.running = next.run;
        next.start();
      }
    };
    const start = (): void => {
      const p = execute()
        .catch((error: unknown) => log(`run ${r.id}: ${String(error)}`))
        .finally(() => {
          active.delete(p);
          releaseGroup();
        });
      active.add(p);
    };
    if (!group) start();
    else {
      const g = groups.get(group) ?? {};
      groups.set(group, g);
      if (!g.running) {
        g.running = r;
        start();
      } else if (workflow.concurrency!.cancelInProgress) {
        g.running.kill('cancelled: a newer run in the same concurrency group');
        // The cancelled run's completion starts the newest pending one.
        if (g.pending) cancelPending(g.pending.run);
        g.pending = { run: r, start };
      } else {
        // GitHub keeps one pending run per group: the one waiting so far is cancelled.
        if (g.pending) cancelPending(g.pending.run);
        g.pending = { run: r, start };
      }
    }
    return r;
  };

  const cancelPending = (r: Run): void => {
    r.status = 'completed';
    r.conclusion = 'cancelled';
    const apiRun = api.workflowRuns.find((x) => x.id === r.id)!;
    apiRun.status = 'completed';
    apiRun.conclusion = 'cancelled';
    log(`run ${r.id} ${r.workflow.file} cancelled while pending (a newer run in its concurrency group)`);
    finishers.get(r.id)!(r);
  };

  const githubContext = (r: Run, e: { event: string; payload: Obj; ref: string; sha: string }): Obj => {
    const pr = e.payload['pull_request'] as Obj | undefined;
    return {
      event_name: e.event,
      event: e.payload,
      ref: e.ref,
      sha: e.sha,
      ref_name: e.ref.replace(/^refs\/(heads|tags)\//, ''),
      ref_type: e.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      repository: repository,
      repository_owner: owner,
      base_ref: pr ? String((pr['base'] as Obj)['ref']) : '',
      head_ref: pr ? String((pr['head'] as Obj)['ref']) : '',
      run_id: String(r.id),
      run_number: String(r.number),
      run_attempt: '1',
      server_url: host.url,
      api_url: api.url,
      graphql_url: `${api.url}/graphql`,
      workflow: r.workflow.name,
      workflow_ref: `${repository}/.github/workflows/${r.workflow.file}@${e.ref}`,
      actor: 'candor-sim',
      triggering_actor: 'candor-sim',
      retention_days: '90',
      repositoryUrl: `git://127.0.0.1/${repository}.git`,
    };
  };

  // ---------------------------------------------------------------- jobs
  // Runner machines: a job takes the lowest free one and gives it back when it ends.
  const busy = new Set<number>();
  const takeSlot = (): number => {
    let n = 0;
    while (busy.has(n)) n++;
    busy.add(n);
    return n;
  };
  const freeSlot = (n: number): void => void busy.delete(n);

  const runJobs = async (r: Run, context: Obj, clock: () => Date, lines: string[], setKiller: (k: (reason: string) => void) => void): Promise<void> => {
    const pending = new Map(r.workflow.jobs);
    while (pending.size > 0) {
      const ready = [...pending.values()].filter((j) => j.needs.every((n) => r.jobs.has(n)));
      if (ready.length === 0) throw new Error(`${r.workflow.file}: jobs wait on each other or on a job that does not exist: ${[...pending.keys()].join(', ')}`);
      await Promise.all(
        ready.map(async (job) => {
          pending.delete(job.name);
          r.jobs.set(job.name, await runJob(r, job, context, clock, lines, setKiller));
        }),
      );
    }
  };

  const needsContext = (r: Run, job: Job): Obj =>
    Object.fromEntries(job.needs.map((n) => [n, { result: r.jobs.get(n)!.result, outputs: r.jobs.get(n)!.outputs }]));

  const runJob = async (
    r: Run,
    job: Job,
    github: Obj,
    clock: () => Date,
    lines: string[],
    setKiller: (k: (reason: string) => void) => void,
  ): Promise<JobRecord> => {
    const results = job.needs.map((n) => r.jobs.get(n)!.result);
    const scope: ExprScope = {
      contexts: { github, needs: needsContext(r, job), vars: {}, inputs: {} },
      failed: results.some((x) => x === 'failure' || x === 'refused'),
      cancelled: results.includes('cancelled'),
      skipped: results.includes('skipped'),
    };
    const record: JobRecord = { name: job.name, result: 'skipped', outputs: {}, log: [], steps: [], permissions: {}, secrets: [], persistedCredentials: false };
    if (!condition(job.if, scope)) return record;
    let permissions = { ...(job.permissions ?? r.workflow.permissions ?? DEFAULT_PERMISSIONS) };
    // A fork's pull request gets a read-only token, whatever the workflow asks for.
    if (r.fork) permissions = Object.fromEntries(Object.entries(permissions).map(([k]) => [k, 'read']));
    const token = issueToken({ permissions, repository, kind: 'workflow', actor: BOT, login: 'github-actions[bot]' });
    const jobSecrets: Record<string, string> = r.fork ? {} : { ...secrets };
    record.permissions = permissions;
    record.secrets = Object.keys(jobSecrets);
    // A runner machine of its own, at a path that is the same for every job it runs, as on
    // GitHub (/home/runner/work/<repo>/<repo>): fresh files, stable paths, so Node's
    // compile cache (the machine's temp folder, kept across jobs here) is keyed the same.
    const slot = takeSlot();
    const dir = path.join(root, `runner-${slot}`);
    await rm(dir, { recursive: true, force: true });
    const name = repository.split('/')[1]!;
    const workspace = path.join(dir, 'work', name, name);
    const temp = path.join(dir, 'temp');
    const home = path.join(dir, 'home');
    await Promise.all([workspace, temp, home].map((d) => mkdir(d, { recursive: true })));
    const eventPath = path.join(temp, 'event.json');
    await writeFile(eventPath, JSON.stringify(r.payload, null, 2));
    const ctx = { ...github, token, job: job.name, workspace, event_path: eventPath, action: '' };
    const masked = [token, ...Object.values(jobSecrets)].filter((s) => s.length >= 4);
    const say = (line: string): void => {
      let text = line;
      for (const s of masked) for (const part of s.split('\n').filter((p) => p.trim().length >= 4)) text = text.replaceAll(part, '***');
      record.log.push(text);
      lines.push(`[${r.workflow.file}/${job.name}] ${text}`);
    };
    const envAdded: Record<string, string> = {};
    const pathAdded: string[] = [];
    const stepsContext: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
    let failed = false;
    let cancelled = false;
    let current: { kill(): void } | undefined;
    let killedBy: string | undefined;
    const kill = (reason: string): void => {
      killedBy = reason;
      current?.kill();
    };
    setKiller(kill);
    const deadline = setTimeout(() => kill(`the job exceeded its timeout-minutes (${job.timeoutMinutes})`), job.timeoutMinutes * 60_000);
    const jobEnv = (at: Date): NodeJS.ProcessEnv => ({
      PATH: [...pathAdded].reverse().concat(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']).join(':'),
      HOME: home,
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_TEMP: temp,
      RUNNER_TOOL_CACHE: path.join(dir, 'toolcache'),
      RUNNER_NAME: 'candor-local',
      RUNNER_ENVIRONMENT: 'github-hosted',
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_OWNER: owner,
      GITHUB_SERVER_URL: host.url,
      GITHUB_API_URL: api.url,
      GITHUB_GRAPHQL_URL: `${api.url}/graphql`,
      GITHUB_REF: String(github['ref']),
      GITHUB_REF_NAME: String(github['ref_name']),
      GITHUB_REF_TYPE: String(github['ref_type']),
      GITHUB_SHA: String(github['sha']),
      GITHUB_BASE_REF: String(github['base_ref']),
      GITHUB_HEAD_REF: String(github['head_ref']),
      GITHUB_EVENT_NAME: String(github['event_name']),
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKSPACE: workspace,
      GITHUB_RUN_ID: String(r.id),
      GITHUB_RUN_NUMBER: String(r.number),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKFLOW: r.workflow.name,
      GITHUB_WORKFLOW_REF: String(github['workflow_ref']),
      GITHUB_JOB: job.name,
      GITHUB_ACTOR: 'candor-sim',
      GITHUB_TRIGGERING_ACTOR: 'candor-sim',
      GITHUB_RETENTION_DAYS: '90',
      // The machine's clock: what the system time would be on GitHub at this point of the run.
      CANDOR_NOW: at.toISOString(),
      ...gitDates(at),
      ...opts.env,
    });
    try {
      for (const [i, step] of job.steps.entries()) {
        if (killedBy && !killedBy.startsWith('cancelled')) {
          failed = true;
          break;
        }
        const name = step.name ?? (step.run ? `Run ${step.run.split('\n')[0]}` : String(step.uses));
        const at = clock();
        apiNow = at;
        const stepScope: ExprScope = {
          contexts: {
            github: ctx,
            needs: needsContext(r, job),
            steps: stepsContext,
            runner: { temp, os: 'Linux', arch: 'X64', tool_cache: path.join(dir, 'toolcache') },
            secrets: { GITHUB_TOKEN: token, ...jobSecrets },
            env: { ...envAdded },
            job: { status: failed ? 'failure' : 'success' },
            vars: {},
            inputs: {},
          },
          failed,
          cancelled: cancelled || killedBy !== undefined,
        };
        checkSecrets(r, job.name, step, jobSecrets);
        const run = condition(step.if, stepScope);
        if (!run) {
          record.steps.push({ name, outcome: 'skipped' });
          if (step.id) stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
          continue;
        }
        const refused = step.run && REFUSED_STEPS.find((x) => x.workflow === r.workflow.file && x.run === step.run!.trim());
        if (refused) {
          say(`REFUSED by the local runner: \`${refused.run}\` ${refused.reason}`);
          record.steps.push({ name, outcome: 'refused' });
          record.result = 'refused';
          return record;
        }
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries({ ...r.workflow.env, ...job.env, ...step.env }))
          env[k] = interpolate(String(v ?? ''), { ...stepScope, contexts: { ...stepScope.contexts, env: { ...envAdded, ...env } } });
        const files = {
          output: path.join(temp, `output-${i}`),
          env: path.join(temp, `env-${i}`),
          path: path.join(temp, `path-${i}`),
          summary: path.join(temp, `summary-${i}`),
        };
        await Promise.all(Object.values(files).map((f) => writeFile(f, '')));
        const base = {
          ...jobEnv(at),
          ...envAdded,
          ...env,
          GITHUB_OUTPUT: files.output,
          GITHUB_ENV: files.env,
          GITHUB_PATH: files.path,
          GITHUB_STEP_SUMMARY: files.summary,
          GITHUB_ACTION: step.id ?? `__run_${i}`,
        };
        say(`##[step] ${name}`);
        const started = performance.now();
        const cpuStarted = cpuMs();
        let ok = true;
        if (step.run) {
          const script = path.join(temp, `step-${i}.sh`);
          await writeFile(script, interpolate(step.run, stepScope));
          const cwd = step['working-directory'] ? path.resolve(workspace, step['working-directory']) : workspace;
          const proc = bash(script, cwd, base, (line) => {
            say(line);
            if (opts.watch?.(r, job.name, line) === 'kill') kill('killed at the injected point');
          });
          current = proc;
          const stepTimer = step['timeout-minutes']
            ? setTimeout(() => kill(`the step exceeded its timeout-minutes (${step['timeout-minutes']})`), step['timeout-minutes'] * 60_000)
            : undefined;
          const code = await proc.exit;
          if (stepTimer) clearTimeout(stepTimer);
          current = undefined;
          if (killedBy) say(`##[error] ${killedBy}`);
          else if (code !== 0) say(`##[error] Process completed with exit code ${code}.`);
          ok = code === 0 && !killedBy;
        } else {
          const outputs = new Map<string, string>();
          try {
            const { spec, standIn } = resolveAction(step.uses!);
            const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), stepScope)]));
            for (const k of Object.keys(given))
              if (!(k in spec.inputs)) throw new NotModelled(`uses: ${step.uses}: ${spec.name} ${spec.version} has no input ${k}`);
            const inputs = Object.fromEntries(
              Object.entries(spec.inputs).map(([k, d]) => [k, given[k] ?? (d === null || d === 'null' ? '' : interpolate(d, stepScope))]),
            );
            const rt: StepRuntime = {
              inputs,
              workspace,
              temp,
              permissions,
              nodeBin,
              testedCheckout: tested,
              artifacts,
              runId: r.id,
              github: { repository, ref: String(github['ref']), sha: String(github['sha']), server_url: host.url, run_id: String(r.id), token },
              addPath: (d) => pathAdded.push(d),
              setOutput: (k, v) => outputs.set(k, v),
              log: say,
              deployPages,
              tokenCan: (t, s, level) => {
                const g = grants.get(t);
                return !!g && g.repository === repository && (g.permissions[s] === 'write' || g.permissions[s] === level);
              },
            };
            await standIn(rt);
          } catch (error) {
            say(`##[error] ${(error as Error).message}`);
            if (error instanceof NotModelled) throw error;
            ok = false;
          }
          await writeFile(files.output, [...outputs].map(([k, v]) => `${k}=${v}`).join('\n'));
        }
        const outputs = Object.fromEntries(parseFileCommands(await readFile(files.output, 'utf8')));
        for (const [k, v] of parseFileCommands(await readFile(files.env, 'utf8'))) envAdded[k] = v;
        pathAdded.push(...(await readFile(files.path, 'utf8')).split('\n').filter(Boolean));
        const outcome: Conclusion = ok ? 'success' : killedBy?.startsWith('cancelled') ? 'cancelled' : 'failure';
        if (step.id) stepsContext[step.id] = { outputs, outcome, conclusion: outcome };
        record.steps.push({ name, outcome, ms: Math.round(performance.now() - started), cpuMs: Math.round(cpuMs() - cpuStarted) });
        if (!ok) {
          if (killedBy?.startsWith('cancelled')) cancelled = true;
          else failed = true;
          if (killedBy && !killedBy.startsWith('cancelled')) break;
        }
      }
      record.result = cancelled ? 'cancelled' : failed ? 'failure' : 'success';
      if (!failed && !cancelled) {
        const outScope: ExprScope = { contexts: { github: ctx, steps: stepsContext, needs: needsContext(r, job) }, failed, cancelled };
        record.outputs = Object.fromEntries(Object.entries(job.outputs).map(([k, v]) => [k, interpolate(v, outScope)]));
      }
      return record;
    } finally {
      clearTimeout(deadline);
      const config = await readFile(path.join(workspace, '.git', 'config'), 'utf8').catch(() => '');
      record.persistedCredentials = /extraheader/i.test(config) || config.includes(token);
      // A job's token expires with the job, as GitHub's GITHUB_TOKEN does.
      grants.delete(token);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      freeSlot(slot);
    }
  };

  /** A workflow that reads a secret the test did not configure is a test setup error: loud. */
  const checkSecrets = (r: Run, job: string, step: Step, given: Record<string, string>): void => {
    if (r.fork) return;
    const text = JSON.stringify([step.env ?? {}, step.with ?? {}, step.run ?? '', step.if ?? '']);
    for (const [, name] of text.matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (name !== 'GITHUB_TOKEN' && !(name! in given))
        throw new NotModelled(`${r.workflow.file}/${job}: the step reads secrets.${name}, which this local GitHub was not given`);
    }
  };

  // ---------------------------------------------------------------- events
  const dispatchTo = async (workflows: Workflow[], e: Parameters<typeof createRun>[1]): Promise<Run[]> => workflows.map((w) => createRun(w, e));

  const onPush = async (update: RefUpdate): Promise<void> => {
    // Pushes made with a workflow's GITHUB_TOKEN trigger no workflow (GitHub's rule against loops).
    if (update.pusher.kind === 'workflow' || update.after === ZERO) return;
    const pr = pulls.find((p) => p.state === 'open' && p.headRepository === update.repository && `refs/heads/${p.headRef}` === update.ref);
    if (pr) await synchronize(pr, update.after, apiNow);
    if (update.repository !== repository) return;
    track(pushRuns(update, apiNow));
  };
  const track = (p: Promise<unknown>): void => {
    const q = p.catch((error: unknown) => log(`push: ${String(error)}`)).finally(() => active.delete(q));
    active.add(q);
  };

  const pushRuns = async (update: RefUpdate, at: Date): Promise<Run[]> => {
    const branch = update.ref.replace(/^refs\/heads\//, '');
    const files = await changedFiles(bare, update.before, update.after);
    const chosen = (await workflowsAt(update.after)).filter((w) => {
      const f = triggerOf(w, 'push');
      return f !== undefined && update.ref.startsWith('refs/heads/') && filtersMatch(w, f, branch, files);
    });
    const payload = {
      ref: update.ref,
      before: update.before,
      after: update.after,
      repository: { full_name: repository, default_branch: 'main' },
      pusher: { name: update.pusher.login },
    };
    return dispatchTo(chosen, {
      event: 'push',
      payload,
      ref: update.ref,
      sha: update.after,
      fork: false,
      at,
      headBranch: branch,
      headSha: update.after,
      headRepository: repository,
    });
  };

  const prPayload = (pr: PullRequest, action: string): Obj => ({
    action,
    number: pr.number,
    pull_request: {
      number: pr.number,
      title: pr.title,
      body: pr.body,
      state: pr.state,
      user: { login: pr.user.login },
      head: {
        ref: pr.headRef,
        sha: pr.headSha,
        label: `${pr.headRepository.split('/')[0]}:${pr.headRef}`,
        repo: { full_name: pr.headRepository, fork: pr.headRepository !== repository },
      },
      base: { ref: pr.baseRef, sha: '', repo: { full_name: repository } },
    },
    repository: { full_name: repository, default_branch: 'main' },
  });

  const pullRequestRuns = async (pr: PullRequest, action: string, at: Date): Promise<Run[]> => {
    const base = await head(pr.baseRef);
    const mergeBase = await git(['-C', bare, 'merge-base', base, pr.headSha]);
    const files = await changedFiles(bare, mergeBase, pr.headSha);
    const chosen = (await workflowsAt(pr.mergeSha)).filter((w) => {
      const f = triggerOf(w, 'pull_request');
      return f !== undefined && filtersMatch(w, { ...f, branches: f['branches'] ?? ['**'] }, pr.baseRef, files);
    });
    const payload = prPayload(pr, action);
    ((payload['pull_request'] as Obj)['base'] as Obj)['sha'] = base;
    return dispatchTo(chosen, {
      event: 'pull_request',
      payload,
      ref: `refs/pull/${pr.number}/merge`,
      sha: pr.mergeSha,
      fork: pr.headRepository !== repository,
      at,
      headBranch: pr.headRef,
      headSha: pr.headSha,
      headRepository: pr.headRepository,
    });
  };

  const synchronize = async (pr: PullRequest, sha: string, at: Date): Promise<void> => {
    pr.headSha = sha;
    await git(['-C', bare, 'fetch', '--quiet', host.bare(pr.headRepository), `+${sha}:refs/pull/${pr.number}/head`]);
    pr.mergeSha = await testMerge(pr, at);
    await git(['-C', bare, 'update-ref', `refs/pull/${pr.number}/merge`, pr.mergeSha]);
    const fake = api.pulls.find((p) => p.number === pr.number)!;
    Object.assign(fake, { headSha: sha, mergeSha: pr.mergeSha });
    await pullRequestRuns(pr, 'synchronize', at);
  };

  const onCompleted = async (done: Run, at: Date): Promise<void> => {
    const main = await head();
    const chosen = (await workflowsAt(main)).filter((w) => {
      const f = triggerOf(w, 'workflow_run');
      return (
        f !== undefined &&
        ((f['workflows'] as string[] | undefined) ?? []).includes(done.workflow.name) &&
        ((f['types'] as string[] | undefined) ?? ['completed']).includes('completed')
      );
    });
    if (chosen.length === 0) return;
    const apiRun = api.workflowRuns.find((x) => x.id === done.id)!;
    const payload = {
      action: 'completed',
      workflow_run: {
        id: done.id,
        name: done.workflow.name,
        event: done.event,
        status: 'completed',
        conclusion: apiRun.conclusion,
        head_sha: apiRun.head_sha,
        head_branch: apiRun.head_branch,
        head_repository: { full_name: apiRun.head_repository },
        html_url: `https://github.com/${repository}/actions/runs/${done.id}`,
        run_number: done.number,
        // GitHub lists no pull request for a run from a fork.
        pull_requests: [],
      },
      repository: { full_name: repository, default_branch: 'main' },
    };
    await dispatchTo(chosen, {
      event: 'workflow_run',
      payload,
      ref: 'refs/heads/main',
      sha: main,
      fork: false,
      at,
      headBranch: 'main',
      headSha: main,
      headRepository: repository,
    });
  };

  const triggerRuns = async (e: TriggerEvent): Promise<Run[]> => {
    const main = await head();
    const base = { ref: 'refs/heads/main', sha: main, fork: false, at: e.at, headBranch: 'main', headSha: main, headRepository: repository };
    if (e.event === 'push') return pushRuns(e.update, e.at);
    const workflows = await workflowsAt(main);
    if (e.event === 'schedule') {
      const chosen = workflows.filter((w) => crons(w).includes(e.cron));
      return dispatchTo(chosen, { ...base, event: 'schedule', payload: { schedule: e.cron, repository: { full_name: repository } } });
    }
    const w = workflows.find((x) => x.file === e.workflow);
    if (!w || !triggerOf(w, 'workflow_dispatch')) throw new Error(`${e.workflow} cannot be dispatched (no workflow_dispatch trigger on main)`);
    const ref = e.ref ?? 'refs/heads/main';
    return dispatchTo([w], {
      ...base,
      ref,
      sha: await head(ref.replace(/^refs\/heads\//, '')),
      event: 'workflow_dispatch',
      payload: { ref, inputs: {}, repository: { full_name: repository } },
    });
  };

  // GitHub's own maintenance: packed objects with a bitmap, so that a clone reuses deltas
  // instead of compressing every object again (a clone per job, thousands of jobs).
  const maintain = async (): Promise<void> => {
    await git(['-C', bare, 'repack', '-a', '-d', '-q', '--write-bitmap-index']);
  };

  const idle = async (): Promise<void> => {
    while (active.size > 0) await Promise.allSettled([...active]);
  };

  return {
    repository,
    git: host,
    api,
    pagesUrl,
    runs,
    pulls,
    pagesDir: () => path.join(pagesRoot, 'current'),
    userToken,
    async seed(dir, o = {}) {
      await host.createRepository(repository);
      const work = await mkdtemp(path.join(root, 'seed-'));
      const files = (await git(['-C', dir, 'ls-files', '--cached', '--others', '--exclude-standard']))
        .split('\n')
        .filter((f) => f && existsSync(path.join(dir, f)));
      for (const f of files) {
        await mkdir(path.dirname(path.join(work, f)), { recursive: true });
        await cp(path.join(dir, f), path.join(work, f), { verbatimSymlinks: true });
      }
      await o.transform?.(work);
      const at = o.at ?? new Date();
      const env = {
        ...gitDates(at),
        GIT_AUTHOR_NAME: 'Lumen Mail',
        GIT_AUTHOR_EMAIL: 'ops@lumen-mail.example',
        GIT_COMMITTER_NAME: 'Lumen Mail',
        GIT_COMMITTER_EMAIL: 'ops@lumen-mail.example',
      };
      await git(['init', '--quiet', '--initial-branch=main', work]);
      await git(['-C', work, 'add', '--all'], { env });
      await git(['-C', work, 'commit', '--quiet', '-m', 'The service, as it ships'], { env });
      await git(['-C', work, 'push', '--quiet', bare, 'main'], { env });
      await rm(work, { recursive: true, force: true });
      await maintain();
      return head();
    },
    maintain,
    async createFork(forkOwner) {
      const fork = `${forkOwner}/${repository.split('/')[1]}`;
      const dir = await host.createRepository(fork);
      await git(['-C', dir, 'fetch', '--quiet', bare, '+refs/heads/*:refs/heads/*']);
      return fork;
    },
    setClock(at) {
      apiNow = at;
    },
    async trigger(e) {
      apiNow = e.at;
      const created = await triggerRuns(e);
      return Promise.all(created.map(waitFor));
    },
    async schedules(from, to) {
      const out = new Map<number, { at: Date; cron: string; workflows: string[] }>();
      for (const w of await workflowsAt(await head())) {
        for (const c of crons(w)) {
          const cron = new Cron(c, { timezone: 'UTC', paused: true });
          for (let t = cron.nextRun(from); t && t <= to; t = cron.nextRun(t)) {
            const key = t.getTime() * 31 + c.length;
            const entry = out.get(key) ?? { at: t, cron: c, workflows: [] };
            entry.workflows.push(w.file);
            out.set(key, entry);
          }
        }
      }
      return [...out.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
    },
    async openPullRequest(o) {
      apiNow = o.at;
      const headRepository = o.headRepository ?? repository;
      const headSha = await head(o.headRef, headRepository);
      const issue = api.addPullRequest({ title: o.title, body: o.body ?? '', user: o.user });
      const pr: PullRequest = {
        number: issue.number,
        title: o.title,
        body: o.body ?? '',
        user: o.user,
        headRepository,
        headRef: o.headRef,
        headSha,
        baseRef: 'main',
        mergeSha: '',
        state: 'open',
        merged: false,
      };
      await git(['-C', bare, 'fetch', '--quiet', host.bare(headRepository), `+${headSha}:refs/pull/${pr.number}/head`]);
      pr.mergeSha = await testMerge(pr, o.at);
      await git(['-C', bare, 'update-ref', `refs/pull/${pr.number}/merge`, pr.mergeSha]);
      pulls.push(pr);
      api.pulls.push({
        number: pr.number,
        headSha,
        headRef: o.headRef,
        headRepository,
        baseRef: 'main',
        baseSha: await head(),
        mergeSha: pr.mergeSha,
        merged: false,
      });
      const created = await pullRequestRuns(pr, 'opened', o.at);
      return { pr, runs: await Promise.all(created.map(waitFor)) };
    },
    async mergePullRequest(n, at, by = { login: 'octo-maintainer', id: 583231, type: 'User' }) {
      apiNow = at;
      const pr = pulls.find((p) => p.number === n && p.state === 'open');
      if (!pr) throw new Error(`no open pull request #${n}`);
      const before = await head();
      const tree = (await git(['-C', bare, 'merge-tree', '--write-tree', before, pr.headSha])).split('\n')[0]!;
      const env = {
        ...gitDates(at),
        GIT_AUTHOR_NAME: by.login,
        GIT_AUTHOR_EMAIL: `${by.id}+${by.login}@users.noreply.github.com`,
        GIT_COMMITTER_NAME: 'GitHub',
        GIT_COMMITTER_EMAIL: 'noreply@github.com',
      };
      const merge = await git(
        [
          '-C',
          bare,
          'commit-tree',
          tree,
          '-p',
          before,
          '-p',
          pr.headSha,
          '-m',
          `Merge pull request #${n} from ${pr.headRepository.split('/')[0]}/${pr.headRef}\n\n${pr.title}`,
        ],
        { env },
      );
      await git(['-C', bare, 'update-ref', 'refs/heads/main', merge, before]);
      pr.state = 'closed';
      pr.merged = true;
      const issue = api.issues.find((i) => i.number === n)!;
      issue.state = 'closed';
      issue.closed_at = stamp(at);
      api.pulls.find((p) => p.number === n)!.merged = true;
      const created = await pushRuns(
        { repository, ref: 'refs/heads/main', before, after: merge, pusher: { contents: 'write', repositories: [repository], kind: 'user', login: by.login } },
        at,
      );
      return Promise.all(created.map(waitFor));
    },
    closePullRequest(n) {
      const pr = pulls.find((p) => p.number === n)!;
      pr.state = 'closed';
      api.issues.find((i) => i.number === n)!.state = 'closed';
    },
    idle,
    head: (branch) => head(branch),
    async close() {
      await idle();
      await Promise.all([api.close(), host.close(), pages.close()]);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * A run's completion (or its cancellation while it waited for its concurrency group).
 * Rejects when the runner itself could not run it (NotModelled…): loud, never a red run.
 */
async function waitFor(r: Run): Promise<Run> {
  await r.done;
  if (r.error) throw new Error(`${r.workflow.file} run ${r.id}: ${r.error.message}\n${r.log().slice(-4000)}`, { cause: r.error });
  return r;
}

/** bash as GitHub runs a `run:` step, in its own process group so that a kill reaches every child. */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv, onLine: (line: string) => void): { exit: Promise<number>; kill(): void } {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lineReader = (stream: NodeJS.ReadableStream): void => {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      buffer += d;
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const p of parts) onLine(p);
    });
    stream.on('end', () => {
      if (buffer) onLine(buffer);
    });
  };
  lineReader(child.stdout);
  lineReader(child.stderr);
  const exit = new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
  });
  return {
    exit,
    kill() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

/** CPU time of this process and its reaped descendants, in ms (Linux /proc): what a step cost, whatever the load. */
export function cpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const own = process.cpuUsage();
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100 + (own.user + own.system) / 1000;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command}: exit ${code}: ${err.trim()}`))));
  });
}
