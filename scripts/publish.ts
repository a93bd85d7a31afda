/**
 * The publish workflow's steps that do more than run one command (docs/workflows.md):
 *
 *   node scripts/publish.ts heartbeat   candor canary heartbeat --if-due, then (when canary.yml
 *                                       has `timestamps:`) candor canary timestamp upgrade and stamp,
 *                                       then candor canary log append, then commit and push the new
 *                                       archive files with the log (one commit); writes sha=… and
 *                                       rebuild=… to $GITHUB_OUTPUT
 *   node scripts/publish.ts notify      candor notify, then commit and push the ledger, even when
 *                                       a channel failed (the next run retries only that one)
 *
 * Checking, building and deploying are single commands in the workflow itself. Secrets
 * arrive in the environment, and each child process gets only those it needs: candor
 * never sees the push token, and git never sees the signing key. The token is given to
 * git through GIT_CONFIG_* variables for the push alone: it is never written to
 * .git/config (the checkout uses persist-credentials: false) nor put on a command line.
 */
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { rebuildDecision } from '../src/core/site/rebuild.ts';
import { createGitHub } from '../src/io/github.ts';
import { PACKAGE_ROOT } from '../src/io/package-root.ts';
import { projectAt } from '../src/io/project.ts';
import { siteMoments } from '../src/io/site-moments.ts';

const exec = promisify(execFile);

/** The bot that GitHub shows for commits made with a workflow's GITHUB_TOKEN. */
export const BOT = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };
export const ARCHIVE = 'content/canary/archive';
export const LEDGER = 'content/notifications/ledger.json';
/** The canary log (decision 0031): committed with the heartbeat it logs. */
export const LOG = 'content/canary/log';

const SIGNING_SECRETS = ['CANDOR_SIGNING_KEY', 'CANDOR_PASSPHRASE'];
const LOG_SECRETS = ['CANDOR_LOG_KEY'];
const CANDOR = path.join(PACKAGE_ROOT, 'bin', 'candor.mjs');

export type Env = NodeJS.ProcessEnv;
export type RunCandor = (args: string[], env: Env, opts?: { quiet?: boolean }) => Promise<number>;

/** The environment without the named variables. */
export function without(env: Env, names: string[]): Env {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !names.includes(k)));
}

/** Git configuration that authenticates to GitHub with `token`, for one git process. */
export function gitAuthEnv(env: Env): Env {
  const token = env['GITHUB_TOKEN'];
  const clean = without(env, [...SIGNING_SECRETS, ...LOG_SECRETS, 'GITHUB_TOKEN']);
  if (!token) return clean;
  const server = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { ...clean, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${server}/.extraheader`, GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}` };
}

/** Runs the candor CLI of this checkout; output goes to the job log. */
export const runCandor: RunCandor = (args, env, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CANDOR, ...args], { env, stdio: opts.quiet ? 'ignore' : 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 70));
  });

async function git(root: string, args: string[], env: Env = without(process.env, [...SIGNING_SECRETS, ...LOG_SECRETS, 'GITHUB_TOKEN'])): Promise<string> {
  const { stdout } = await exec('git', ['-C', root, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

export interface CommitOptions {
  root: string;
  /** Paths to stage (files or folders); nothing else is committed. */
  paths: string[];
  message: string;
  env: Env;
  remote?: string;
  branch?: string;
  /** Push attempts; between two, the branch is fetched and the commit rebased onto it. */
  attempts?: number;
}

/**
 * Commits `paths` (when they changed) and pushes to the branch. When the branch moved
 * meanwhile (a merge during the run), rebases onto it and tries again; a rebase that
 * conflicts stops with an error and pushes nothing. Returns the commit now at HEAD.
 */
export async function commitAndPush(o: CommitOptions): Promise<{ committed: boolean; sha: string }> {
  const remote = o.remote ?? 'origin';
  const branch = o.branch ?? 'main';
  const auth = gitAuthEnv(o.env);
  // A path that neither exists nor is tracked (no ledger yet) is not an error: nothing to commit there.
  const paths: string[] = [];
  for (const p of o.paths) if (existsSync(path.join(o.root, p)) || (await git(o.root, ['ls-files', '--', p])) !== '') paths.push(p);
  if (paths.length > 0) await git(o.root, ['add', '--all', '--', ...paths]);
  const staged = paths.length > 0 ? await git(o.root, ['diff', '--cached', '--name-only', '--', ...paths]) : '';
  if (staged === '') return { committed: false, sha: await git(o.root, ['rev-parse', 'HEAD']) };
  await git(o.root, ['-c', `user.name=${BOT.name}`, '-c', `user.email=${BOT.email}`, 'commit', '--quiet', '--no-verify', '-m', o.message, '--', ...paths]);
  const attempts = o.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      await git(o.root, ['push', '--quiet', remote, `HEAD:refs/heads/${branch}`], auth);
      return { committed: true, sha: await git(o.root, ['rev-parse', 'HEAD']) };
    } catch (error) {
      if (attempt >= attempts) throw new Error(`could not push to ${remote}/${branch} after ${attempts} attempts: ${firstLine(error)}`, { cause: error });
      await git(o.root, ['fetch', '--quiet', remote, branch], auth);
      try {
        await git(o.root, ['-c', `user.name=${BOT.name}`, '-c', `user.email=${BOT.email}`, 'rebase', '--quiet', 'FETCH_HEAD']);
      } catch (rebaseError) {
        await git(o.root, ['rebase', '--abort']).catch(() => undefined);
        throw new Error(`${remote}/${branch} moved and the commit does not rebase onto it: ${firstLine(rebaseError)}`, { cause: rebaseError });
      }
    }
  }
}

function firstLine(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  return (e.stderr?.trim() || e.message || String(error)).split('\n')[0]!;
}

async function setOutput(env: Env, name: string, value: string): Promise<void> {
  const file = env['GITHUB_OUTPUT'];
  if (file) await appendFile(file, `${name}=${value}\n`);
}

export interface StepOptions {
  root: string;
  env: Env;
  /** The CLI's clock (--now, else $CANDOR_NOW, else the system's). */
  now?: Date;
  candor?: RunCandor;
  log?: (line: string) => void;
}

const say = (o: StepOptions, line: string): void => (o.log ?? ((l: string) => void process.stdout.write(`${l}\n`)))(line);

/**
 * Issues the heartbeat when due, appends every archived document the log lacks (a service
 * without a log: nothing), and pushes both in one commit; the commit is also the repository
 * activity that keeps schedules alive. A run killed before the push leaves nothing behind on
 * the branch, and the next run appends whatever the archive has and the log lacks: no gap,
 * no duplicate (the log knows its entries by their bytes).
 */
export async function heartbeatStep(o: StepOptions): Promise<{ committed: boolean; sha: string }> {
  const candor = o.candor ?? runCandor;
  if (!existsSync(path.join(o.root, 'content', 'canary'))) {
    // A service that publishes no canary (candor init without it): nothing to sign; the site is built from HEAD.
    const sha = await git(o.root, ['rev-parse', 'HEAD']);
    say(o, `No canary in content/canary/: no heartbeat; publishing ${sha}`);
    await setOutput(o.env, 'sha', sha);
    await decideRebuild(o, false);
    return { committed: false, sha };
  }
  // Each child gets only the secret it needs: the CI key for the heartbeat, the log key for the log.
  const code = await candor(['canary', 'heartbeat', '--if-due'], without(o.env, ['GITHUB_TOKEN', ...LOG_SECRETS]));
  if (code !== 0) throw new Error(`candor canary heartbeat failed (exit ${code}): nothing was committed, nothing is published`);
  await timestampStep(o, candor);
  const added = (await git(o.root, ['ls-files', '--others', '--modified', '--exclude-standard', '--', ARCHIVE]))
    .split('\n')
    .filter(Boolean)
    .map((f) => path.basename(f));
  // The log holds what the archive holds, so it only grows when this run archived something
  // (an attestation merged by pull request comes with the heartbeat its new hash makes due;
  // the append takes every archived document not yet logged). A quiet run starts no process.
  const before = await checkpointSize(o.root);
  if (added.length > 0) {
    const logged = await candor(['canary', 'log', 'append'], without(o.env, ['GITHUB_TOKEN', ...SIGNING_SECRETS]));
    if (logged !== 0) throw new Error(`candor canary log append failed (exit ${logged}): nothing was committed, nothing is published`);
  }
  const pushed = await commitAndPush({ root: o.root, paths: [ARCHIVE, LOG], message: `Heartbeat: ${added.join(', ') || 'archive and log'}`, env: o.env });
  say(o, pushed.committed ? `Pushed ${pushed.sha} (${added.join(', ')})` : `No new heartbeat; publishing ${pushed.sha}`);
  const cosigned = await cosignStep(o, candor, pushed.committed ? before : undefined);
  const result = cosigned?.committed ? { committed: true, sha: cosigned.sha } : pushed;
  await setOutput(o.env, 'sha', result.sha);
  await decideRebuild(o, result.committed);
  return result;
}

/** The size of the committed checkpoint (its second line), or 0 when the log has none. */
async function checkpointSize(root: string): Promise<number> {
  const text = await readFile(path.join(root, LOG, 'checkpoint'), 'utf8').catch(() => '');
  const size = Number(text.split('\n')[1]);
  return Number.isSafeInteger(size) ? size : 0;
}

/**
 * Witness cosignatures, asked for only once the checkpoint is pushed (docs/witness.md): a
 * witness that cosigned a checkpoint the branch never got would take the next one of that
 * size for a fork. A run killed in between leaves the pushed checkpoint short of
 * cosignatures, and the next run asks again, as it does after a witness was offline: it
 * runs whenever the checkpoint carries fewer cosignature lines than the policy has push
 * witnesses. Best effort: what is missing is the verifier's to judge.
 */
async function cosignStep(o: StepOptions, candor: RunCandor, from: number | undefined): Promise<{ committed: boolean; sha: string } | undefined> {
  const config = await readFile(path.join(o.root, 'content', 'canary', 'canary.yml'), 'utf8').catch(() => '');
  const pushWitnesses = [...config.matchAll(/^\s*witness\s+\S+\s+\S+\s+https?:\/\//gm)].length;
  if (pushWitnesses === 0) return undefined;
  const checkpoint = await readFile(path.join(o.root, LOG, 'checkpoint'), 'utf8').catch(() => '');
  const lines =
    checkpoint
      .split('\n\n')[1]
      ?.split('\n')
      .filter((l) => l.startsWith('\u2014 ')).length ?? 0;
  if (from === undefined && lines >= 1 + pushWitnesses) return undefined;
  const exit = await candor(
    ['canary', 'log', 'cosign', ...(from !== undefined ? ['--from', String(from)] : [])],
    without(o.env, ['GITHUB_TOKEN', ...SIGNING_SECRETS, ...LOG_SECRETS]),
  );
  if (exit !== 0) say(o, `warning: candor canary log cosign failed (exit ${exit}); the next run asks again`);
  const result = await commitAndPush({ root: o.root, paths: [LOG], message: 'Canary log: witness cosignatures', env: o.env });
  if (result.committed) say(o, `Pushed ${result.sha} (witness cosignatures)`);
  return result;
}

/**
 * Writes rebuild=true|false to $GITHUB_OUTPUT: whether the build, deploy and notify jobs
 * run (src/core/site/rebuild.ts). A previous publish run that did not succeed, or any doubt
 * (the API unreachable), rebuilds: a needless build costs minutes, a missed one a stale site.
 */
export async function decideRebuild(o: StepOptions, issued: boolean): Promise<boolean> {
  const now = o.now ?? new Date();
  const event = o.env['GITHUB_EVENT_NAME'] ?? 'workflow_dispatch';
  const clock = event === 'schedule' && !issued ? await siteMoments(projectAt(o.root)) : { moments: [] };
  let decision = rebuildDecision({ event, issued, now, ...clock });
  if (!decision.rebuild) {
    const previous = await previousRun(o.env).catch((error: unknown) => `unknown (${firstLine(error)})`);
    if (previous !== 'success') decision = { rebuild: true, why: `the previous publish run's outcome is ${previous}` };
  }
  say(o, decision.rebuild ? `Rebuilding the site: ${decision.why}.` : `Not rebuilding: ${decision.why}; the deployed site stays as it is.`);
  await setOutput(o.env, 'rebuild', String(decision.rebuild));
  return decision.rebuild;
}

/** The conclusion of the publish run before this one on the same branch. */
async function previousRun(env: Env): Promise<string> {
  const github = createGitHub({
    token: env['GITHUB_TOKEN'] ?? '',
    repository: env['GITHUB_REPOSITORY'] ?? '',
    ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}),
  });
  const { data } = await github.octokit.rest.actions.listWorkflowRuns({
    owner: github.owner,
    repo: github.repo,
    workflow_id: 'publish.yml',
    branch: env['GITHUB_REF_NAME'] || 'main',
    status: 'completed',
    per_page: 5,
  });
  const run = data.workflow_runs.find((r) => String(r.id) !== env['GITHUB_RUN_ID']);
  return run ? (run.conclusion ?? 'unknown') : 'none (no earlier run)';
}

/**
 * OpenTimestamps proofs (docs/timestamps.md), when canary.yml asks for them: finish the
 * pending ones, then stamp what is new. Best effort: a calendar or explorer that is down
 * leaves a proof pending for the next run, never a heartbeat unpublished.
 */
async function timestampStep(o: StepOptions, candor: RunCandor): Promise<void> {
  const config = await readFile(path.join(o.root, 'content', 'canary', 'canary.yml'), 'utf8').catch(() => '');
  if (!/^timestamps:/m.test(config)) return;
  const env = without(o.env, [...SIGNING_SECRETS, 'GITHUB_TOKEN']);
  for (const step of ['upgrade', 'stamp']) {
    const exit = await candor(['canary', 'timestamp', step, '--if-configured'], env);
    if (exit !== 0) say(o, `warning: candor canary timestamp ${step} failed (exit ${exit}); the next run tries again`);
  }
}

/** Sends what is due, then commits the ledger whatever happened; fails when a channel failed. */
export async function notifyStep(o: StepOptions): Promise<{ code: number; committed: boolean }> {
  const candor = o.candor ?? runCandor;
  const code = await candor(['notify'], o.env);
  const result = await commitAndPush({ root: o.root, paths: [LEDGER], message: 'Notification ledger', env: o.env });
  if (result.committed) say(o, `Pushed the ledger: ${result.sha}`);
  return { code, committed: result.committed };
}

export async function main(argv: string[], env: Env): Promise<number> {
  const root = process.cwd();
  switch (argv[0]) {
    case 'heartbeat':
      await heartbeatStep({ root, env });
      return 0;
    case 'notify':
      return (await notifyStep({ root, env })).code;
    default:
      process.stderr.write('usage: node scripts/publish.ts heartbeat|notify\n');
      return 64;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), process.env).catch((error: unknown) => {
    process.stderr.write(`publish: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  });
}
