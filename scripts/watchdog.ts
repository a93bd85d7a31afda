/**
 * The watchdog workflow's one step: gather what can lapse or stall (the attestation, the
 * heartbeat, every signer, heartbeat and panic key, and the last successful publish
 * run), judge it (src/core/watchdog.ts), then open, update or close the one watchdog
 * issue (src/io/watchdog-issue.ts). It runs on its own schedule, so it speaks up exactly
 * when the publish workflow has stopped doing so.
 *
 *   node scripts/watchdog.ts [--now INSTANT] [--dry-run]
 *   env: GITHUB_TOKEN, GITHUB_REPOSITORY (GITHUB_API_URL; GITHUB_REF_NAME: the branch publish runs on)
 *
 * `--dry-run` prints the problems and touches nothing (no token; publish not judged).
 * Exit 0 whatever it found: the issue is the alarm, a red run would only add noise.
 */
import { parseArgs } from 'node:util';
import { describeKey, fingerprintOf, type KeyInfo } from '../src/core/pgp/keys.ts';
import { watchdogProblems, type WatchdogInput, type WatchdogProblem } from '../src/core/watchdog.ts';
import { latestAttestation, latestHeartbeat } from '../src/io/archive.ts';
import { createGitHub, type GitHub } from '../src/io/github.ts';
import { readKeyFolder } from '../src/io/keyring.ts';
import { projectAt, type Project } from '../src/io/project.ts';
import { readCanaryContent } from '../src/io/read-content.ts';
import { syncWatchdogIssue } from '../src/io/watchdog-issue.ts';

/** The workflow whose last success is watched (.github/workflows/publish.yml). */
export const PUBLISH_WORKFLOW = 'publish.yml';

/**
 * Everything the core judges, from the repository as it is on the default branch. The
 * publish job must succeed once per heartbeat interval; half the heartbeat's grace is
 * allowed on top, so that GitHub's late-starting schedules do not raise false alarms.
 */
export async function gatherInput(project: Project, now: Date, lastPublishSuccess: Date | undefined): Promise<WatchdogInput> {
  const { config } = await readCanaryContent(project);
  const [att, hb, files] = await Promise.all([latestAttestation(project), latestHeartbeat(project), readKeyFolder(project.keys, project.root)]);
  const active = new Map(files.filter((f) => !f.retired).flatMap((f) => f.keys).map((k) => [fingerprintOf(k), k]));
  const named = new Set([...config.signers.keys, ...config.heartbeat.keys, ...config.panicKeys].map((k) => k.fingerprint));
  // A named key without a public key under keys/ is `candor check`'s (KEY_NOT_FOUND) to report.
  const keys: KeyInfo[] = await Promise.all([...named].flatMap((f) => (active.has(f) ? [describeKey(active.get(f)!)] : [])));
  return {
    attestation: att ? att.data : null,
    heartbeat: hb ? hb.data : null,
    keys,
    ...(lastPublishSuccess ? { lastPublishSuccess } : {}),
    now,
    warnDays: config.cadence.warnDays,
    publishIntervalHours: config.heartbeat.intervalHours + config.heartbeat.graceHours / 2,
  };
}

/** When the publish workflow last succeeded on `branch`; undefined if it never did. */
export async function lastPublishSuccess(github: GitHub, branch: string): Promise<Date | undefined> {
  const { data } = await github.octokit.rest.actions.listWorkflowRuns({ owner: github.owner, repo: github.repo, workflow_id: PUBLISH_WORKFLOW, branch, status: 'success', per_page: 1 });
  const run = data.workflow_runs[0];
  return run ? new Date(run.updated_at) : undefined;
}

export function describeProblems(problems: WatchdogProblem[]): string {
  return problems.length === 0 ? 'Watchdog: nothing to act on.' : [`Watchdog: ${problems.length} problem(s):`, ...problems.map((p) => `  ${p.code}: ${p.message}`)].join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { now: { type: 'string' }, 'dry-run': { type: 'boolean' }, root: { type: 'string', default: '.' } } });
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new Error(`--now: not a date: ${values.now}`);
  const project = projectAt(values.root);
  if (values['dry-run']) {
    process.stdout.write(`${describeProblems(watchdogProblems(await gatherInput(project, now, undefined)))}\n`);
    return 0;
  }
  const github = createGitHub({ token: env['GITHUB_TOKEN'] ?? '', repository: env['GITHUB_REPOSITORY'] ?? '', login: 'github-actions[bot]', ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}) });
  const problems = watchdogProblems(await gatherInput(project, now, await lastPublishSuccess(github, env['GITHUB_REF_NAME'] || 'main')));
  process.stdout.write(`${describeProblems(problems)}\n`);
  const result = await syncWatchdogIssue({ github, problems });
  process.stdout.write(`Watchdog issue: ${result.action}${result.issue ? ` (${result.issue.url})` : ''}\n`);
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), process.env).catch((error: unknown) => {
    process.stderr.write(`watchdog: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  });
}
