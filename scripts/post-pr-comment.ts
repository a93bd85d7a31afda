/**
 * The privileged side of the pull-request review (pr-comment workflow, on workflow_run):
 * reads the body that the untrusted pr-check run uploaded, as data, and creates or
 * updates the one review comment on the pull request. It runs from the default branch's
 * files and never executes anything from the pull request.
 *
 *   node scripts/post-pr-comment.ts --dir DIR
 *   env: GITHUB_TOKEN, GITHUB_REPOSITORY (GITHUB_API_URL), HEAD_SHA, RUN_URL, CONCLUSION
 *        (the last three from the workflow_run event, which the pull request cannot forge)
 *
 * The artifact was written by code from the pull request, so everything in it is
 * untrusted: the pull-request number is only used if that pull request's head is the
 * commit the event names; the body is capped, its HTML comments (where the marker of the
 * one comment lives, src/io/pr-comment.ts) are removed, and @mentions and #references
 * are defused so that a pull request cannot make the bot ping people or link other issues.
 */
import path from 'node:path';
import { lstat, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createGitHub } from '../src/io/github.ts';
import { upsertPullRequestComment } from '../src/io/pr-comment.ts';

/** GitHub's limit is 65,536 characters; the header and footer need a little room. */
export const MAX_BODY = 64_000;
/** Anything larger is not a body pr-review.ts wrote. */
const MAX_FILE = 1024 * 1024;
const SHA = /^[0-9a-f]{40}$/;
/** U+2060 WORD JOINER: invisible, and enough to stop GitHub from linking a mention. */
const JOINER = '\u2060';

const metaSchema = z.object({
  pr: z.int().positive(),
  headSha: z.string().regex(SHA).nullable().optional(),
  base: z.string().max(300).optional(),
});
export type Meta = z.infer<typeof metaSchema>;

export interface Artifact {
  meta: Meta;
  body: string;
}

async function readSmall(file: string): Promise<string> {
  // lstat: a symbolic link (a crafted archive) could point at the runner's secrets.
  const info = await lstat(file).catch(() => undefined);
  if (!info) throw new Error(`${path.basename(file)} is missing from the artifact`);
  if (!info.isFile()) throw new Error(`${path.basename(file)} is not a regular file`);
  if (info.size > MAX_FILE) throw new Error(`${path.basename(file)} is ${info.size} bytes, more than a review body can be`);
  return readFile(file, 'utf8');
}

export async function readArtifact(dir: string): Promise<Artifact> {
  const raw = await readSmall(path.join(dir, 'meta.json'));
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new Error('meta.json is not JSON');
  }
  const meta = metaSchema.safeParse(data);
  if (!meta.success)
    throw new Error(
      `meta.json: expected { pr: a positive integer, headSha: 40 hex digits }: ${meta.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return { meta: meta.data, body: await readSmall(path.join(dir, 'body.md')) };
}

/** The untrusted body made safe to post as the bot. */
export function sanitizeBody(body: string): string {
  let text = body
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(/<!--|-->/g, '')
    // @user, @org/team: not after a word character (an e-mail address) or a backtick.
    .replace(/(^|[^\w`])@(?=[A-Za-z0-9])/g, `$1@${JOINER}`)
    // #123, GH-123, owner/repo#123: cross-references notify other threads.
    .replace(/(?<!&)#(?=\d)/g, `#${JOINER}`)
    .replace(/\bGH-(?=\d)/gi, (m) => `${m.slice(0, 2)}${JOINER}-`);
  if (text.length > MAX_BODY) text = `${text.slice(0, MAX_BODY)}\n\n_… cut: the review is longer than a comment can hold._\n`;
  return text.trimEnd();
}

export interface RunInfo {
  headSha: string;
  runUrl: string;
  conclusion: string;
}

export function composeComment(body: string, run: RunInfo): string {
  const outcome = run.conclusion === 'success' ? 'passed' : 'failed';
  return [
    sanitizeBody(body),
    '',
    '---',
    `<sub>Written by the [pr-check run](${run.runUrl}) for ${run.headSha.slice(0, 12)} (checks ${outcome}), from the code in this pull request; updated on every push. Whether it may be merged is decided by the required checks, not by this comment.</sub>`,
    '',
  ].join('\n');
}

export function runInfo(env: NodeJS.ProcessEnv): RunInfo & { repository: string; token: string } {
  const headSha = env['HEAD_SHA'] ?? '';
  const runUrl = env['RUN_URL'] ?? '';
  const conclusion = env['CONCLUSION'] ?? '';
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  const token = env['GITHUB_TOKEN'] ?? '';
  if (!SHA.test(headSha)) throw new Error('HEAD_SHA: expected the workflow_run head_sha (40 hex digits)');
  if (!/^https:\/\/[\w.-]+\/[\w.-]+\/[\w.-]+\/actions\/runs\/\d+$/.test(runUrl)) throw new Error('RUN_URL: expected the workflow_run html_url');
  if (!['success', 'failure'].includes(conclusion)) throw new Error(`CONCLUSION: expected success or failure, got ${conclusion || 'nothing'}`);
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new Error('GITHUB_REPOSITORY: expected owner/name');
  if (!token) throw new Error('GITHUB_TOKEN is not set');
  return { headSha, runUrl, conclusion, repository, token };
}

export interface PostDeps {
  /** The pull request's current head commit. */
  pullHead(pr: number): Promise<string>;
  /** Creates the one review comment, or updates it in place. */
  upsert(pr: number, body: string): Promise<void>;
  log(line: string): void;
}

/** 'posted', or 'stale' when the pull request has moved on (the newer run comments). */
export async function postReview(artifact: Artifact, run: RunInfo, deps: PostDeps): Promise<'posted' | 'stale'> {
  const { meta } = artifact;
  if (meta.headSha && meta.headSha !== run.headSha) {
    throw new Error(`the artifact names commit ${meta.headSha}, the pr-check run was for ${run.headSha}: not posting`);
  }
  const head = await deps.pullHead(meta.pr);
  if (head !== run.headSha) {
    deps.log(`Pull request #${meta.pr} is at ${head.slice(0, 12)}, not ${run.headSha.slice(0, 12)}: this review is stale or not for it; not posting.`);
    return 'stale';
  }
  await deps.upsert(meta.pr, composeComment(artifact.body, run));
  deps.log(`Review comment on pull request #${meta.pr} is up to date (${run.headSha.slice(0, 12)}).`);
  return 'posted';
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { dir: { type: 'string' } } });
  if (!values.dir) {
    process.stderr.write('usage: node scripts/post-pr-comment.ts --dir DIR (with HEAD_SHA, RUN_URL, CONCLUSION, GITHUB_TOKEN, GITHUB_REPOSITORY)\n');
    return 64;
  }
  const run = runInfo(env);
  const artifact = await readArtifact(path.resolve(values.dir));
  const github = createGitHub({
    token: run.token,
    repository: run.repository,
    login: 'github-actions[bot]',
    ...(env['GITHUB_API_URL'] ? { baseUrl: env['GITHUB_API_URL'] } : {}),
  });
  await postReview(artifact, run, {
    pullHead: async (pr) => (await github.octokit.rest.pulls.get({ owner: github.owner, repo: github.repo, pull_number: pr })).data.head.sha,
    upsert: async (pr, body) => {
      const result = await upsertPullRequestComment({ github, pr, body });
      process.stdout.write(`Comment ${result.action}: ${result.url}\n`);
    },
    log: (line) => process.stdout.write(`${line}\n`),
  });
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), process.env).catch((error: unknown) => {
    process.stderr.write(`post-pr-comment: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  });
}
