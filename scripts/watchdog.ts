/**
 * The watchdog workflow's one step: gather what can lapse or stall (the attestation, the
 * heartbeat, every signer, heartbeat and panic key, and the last successful publish
 * run), judge it (src/core/watchdog.ts), then open, update or close the one watchdog
 * issue (src/io/watchdog-issue.ts), and e-mail the operators when the problems appear,
 * change or are resolved (content/notify.yml `operators`; src/core/watchdog-mail.ts). It
 * runs on its own schedule, so it speaks up exactly when the publish workflow has
 * stopped doing so.
 *
 *   node scripts/watchdog.ts [--now INSTANT] [--dry-run]        (the clock: --now, else $CANDOR_NOW, else the system time)
 *   env: GITHUB_TOKEN, GITHUB_REPOSITORY (GITHUB_API_URL; GITHUB_REF_NAME: the branch publish runs on)
 *        the SMTP credentials named by notify.yml email.userEnv/passwordEnv, when operators are set
 *        (CANDOR_SIGNING_KEY, CANDOR_PASSPHRASE: optional, to sign the mail's text part)
 *
 * `--dry-run` prints the problems and touches nothing (no token; publish not judged).
 * Exit 0 whatever it found: the issue is the alarm, a red run would only add noise. Exit
 * 1 when the watchdog could not do its job: GitHub failed, or the operators' e-mail could
 * not be sent (the issue is synced first; the next run retries the mail).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseNow } from '../src/cli/context.ts';
import { parseServiceConfig } from '../src/core/content/canary-config.ts';
import { describeReceived, isCandorError } from '../src/core/errors.ts';
import { describeKey, fingerprintOf, type KeyInfo } from '../src/core/pgp/keys.ts';
import { watchdogMailDue, type WatchdogMail } from '../src/core/watchdog-mail.ts';
import { watchdogProblems, type WatchdogInput, type WatchdogProblem } from '../src/core/watchdog.ts';
import { latestAttestation, latestHeartbeat } from '../src/io/archive.ts';
import type { EmailTransportOptions } from '../src/io/channels/email.ts';
import { readText } from '../src/io/files.ts';
import { createGitHub, type GitHub } from '../src/io/github.ts';
import { readKeyFolder } from '../src/io/keyring.ts';
import { readNotifyConfig } from '../src/io/notify/config.ts';
import { projectAt, type Project } from '../src/io/project.ts';
import { readCanaryContent } from '../src/io/read-content.ts';
import { readSiteOptions } from '../src/io/site-options.ts';
import { DOCS } from '../src/core/docs-links.ts';
import { sendWatchdogMail } from '../src/io/watchdog-email.ts';
import { readWatchdogIssues, recordMailed, syncWatchdogIssue, type WatchdogIssueResult } from '../src/io/watchdog-issue.ts';

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
  const active = new Map(
    files
      .filter((f) => !f.retired)
      .flatMap((f) => f.keys)
      .map((k) => [fingerprintOf(k), k]),
  );
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
  const { data } = await github.octokit.rest.actions.listWorkflowRuns({
    owner: github.owner,
    repo: github.repo,
    workflow_id: PUBLISH_WORKFLOW,
    branch,
    status: 'success',
    per_page: 1,
  });
  const run = data.workflow_runs[0];
  return run ? new Date(run.updated_at) : undefined;
}

export function describeProblems(problems: WatchdogProblem[]): string {
  return problems.length === 0
    ? 'Watchdog: nothing to act on.'
    : [`Watchdog: ${problems.length} problem(s):`, ...problems.map((p) => `  ${p.code}: ${p.message}`)].join('\n');
}

export interface WatchdogRunOptions {
  project: Project;
  github: GitHub;
  problems: WatchdogProblem[];
  /** SMTP credentials (and the optional CI key) for the operators' e-mail. */
  env: Record<string, string | undefined>;
  now: Date;
  /** For tests: SMTP timeouts, a CA to trust. */
  transportOptions?: EmailTransportOptions;
}

export interface WatchdogRunResult {
  issue: WatchdogIssueResult;
  /**
   * The operators' e-mail: what was sent ('problems', 'resolved'), 'none' (nothing
   * changed since the last one), 'not-configured' (no operators in content/notify.yml),
   * or 'failed' (see error; the next run retries).
   */
  mail: WatchdogMail['kind'] | 'none' | 'not-configured' | 'failed';
  signed?: boolean;
  error?: unknown;
}

/**
 * One watchdog run after the judgement: the issue first (it is the alarm, and must not
 * wait on SMTP), then the e-mail if the problems changed since the last one, then the
 * record of that e-mail in the issue. A run that dies between sending and recording
 * sends the mail again next time: an alarm is repeated rather than lost.
 */
export async function runWatchdog(opts: WatchdogRunOptions): Promise<WatchdogRunResult> {
  const { project, github, problems } = opts;
  // An unreadable notify.yml must not stop the issue: read it, but report it after the sync.
  const config = await readNotifyConfig(project).then(
    (c) => ({ ok: true as const, c }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const state = await readWatchdogIssues(github);
  const issue = await syncWatchdogIssue({ github, problems, state });
  if (!config.ok) return { issue, mail: 'failed', error: config.error };
  const { email, operators } = config.c ?? {};
  if (!email || !operators) return { issue, mail: 'not-configured' };
  const due = watchdogMailDue(problems, state.told);
  if (!due) return { issue, mail: 'none' };
  // The issue that now holds the state: the open one, or the one just (or earlier) closed.
  const holder = issue.issue ?? (state.lastClosed ? { number: state.lastClosed.number, url: state.lastClosed.html_url } : undefined);
  let signed: boolean;
  try {
    const service = parseServiceConfig(await readText(path.join(project.content, 'service.yml'), 'content/service.yml'), 'content/service.yml');
    ({ signed } = await sendWatchdogMail(due, problems, {
      email,
      operators,
      service: { name: service.name, url: service.url },
      repository: github.repository,
      env: opts.env,
      now: opts.now,
      ...(holder ? { issueUrl: holder.url } : {}),
      ...(opts.transportOptions ? { transportOptions: opts.transportOptions } : {}),
    }));
  } catch (error) {
    return { issue, mail: 'failed', error };
  }
  if (holder) await recordMailed(github, holder.number, due.keys);
  return { issue, mail: due.kind, signed };
}

const describeError = (error: unknown): string =>
  isCandorError(error) ? `${error.code}: ${error.message.split('\n')[0]}` : describeReceived((error as Error)?.message ?? error);

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { now: { type: 'string' }, 'dry-run': { type: 'boolean' }, root: { type: 'string', default: '.' } } });
  // The same clock as candor's (--now, else CANDOR_NOW): a run is judged at the time it runs.
  const now = parseNow(values.now ?? env['CANDOR_NOW'], new Date());
  const project = projectAt(values.root);
  // Without a canary nothing lapses on a schedule: the watchdog says so, and closes an issue left open.
  const canary = (await readSiteOptions(project)).parts.has('canary');
  if (!canary) process.stdout.write(`No canary is published (${DOCS.parts}): nothing for the watchdog to watch.\n`);
  if (values['dry-run']) {
    if (canary) process.stdout.write(`${describeProblems(watchdogProblems(await gatherInput(project, now, undefined)))}\n`);
    return 0;
  }
  const github = createGitHub({
    token: env['GITHUB_TOKEN'] ?? '',
    repository: env['GITHUB_REPOSITORY'] ?? '',
    login: 'github-actions[bot]',
    ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}),
  });
  const problems = canary ? watchdogProblems(await gatherInput(project, now, await lastPublishSuccess(github, env['GITHUB_REF_NAME'] || 'main'))) : [];
  process.stdout.write(`${describeProblems(problems)}\n`);
  const result = await runWatchdog({ project, github, problems, env, now });
  process.stdout.write(`Watchdog issue: ${result.issue.action}${result.issue.issue ? ` (${result.issue.issue.url})` : ''}\n`);
  process.stdout.write(
    `Operators' e-mail: ${result.mail}${result.signed === undefined ? '' : result.signed ? ' (signed)' : ' (unsigned: no CI key in this job)'}\n`,
  );
  if (result.mail === 'failed') {
    process.stderr.write(`watchdog: the e-mail to the operators failed, the next run retries it: ${describeError(result.error)}\n`);
    return 1;
  }
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), process.env).catch((error: unknown) => {
    process.stderr.write(`watchdog: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  });
}
