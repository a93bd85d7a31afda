/**
 * scripts/post-pr-comment.ts: the privileged side treats the artifact as untrusted data.
 * The comment goes to the local GitHub that checks every request against GitHub's
 * OpenAPI description (test/helpers/github-server.ts); that server does not simulate
 * GET /pulls/{n}, so the pull request's head comes from a stand-in.
 */
import path from 'node:path';
import os from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHub } from '../../src/io/github.ts';
import { PR_REVIEW_MARKER, upsertPullRequestComment } from '../../src/io/pr-comment.ts';
import { BOT, startGitHubServer } from '../helpers/github-server.ts';
import { MAX_BODY, composeComment, postReview, readArtifact, runInfo, sanitizeBody, type Artifact, type RunInfo } from '../../scripts/post-pr-comment.ts';

const exec = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/post-pr-comment.ts');
const HEAD = 'a'.repeat(40);
const RUN: RunInfo = { headSha: HEAD, runUrl: 'https://github.com/lumen/site/actions/runs/42', conclusion: 'failure' };
const ENV = { GITHUB_TOKEN: 'ghs_test', GITHUB_REPOSITORY: 'lumen/site', HEAD_SHA: HEAD, RUN_URL: RUN.runUrl, CONCLUSION: 'failure' };
let dir: string;

async function artifact(meta: unknown, body = '## Candor review\n'): Promise<void> {
  await writeFile(path.join(dir, 'meta.json'), typeof meta === 'string' ? meta : JSON.stringify(meta));
  await writeFile(path.join(dir, 'body.md'), body);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'candor-pr-comment-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reading the artifact', () => {
  it('reads the pull request number, the head commit and the body', async () => {
    await artifact({ pr: 7, headSha: HEAD, base: 'origin/main' }, 'body\n');
    expect(await readArtifact(dir)).toEqual({ meta: { pr: 7, headSha: HEAD, base: 'origin/main' }, body: 'body\n' });
  });

  it.each([
    [{ pr: '7', headSha: HEAD }, /pr: /],
    [{ pr: 7.5 }, /pr: /],
    [{ pr: -1 }, /pr: /],
    [{ pr: 7, headSha: 'HEAD; rm -rf /' }, /headSha/],
    ['not json', /meta\.json is not JSON/],
  ])('refuses meta.json %j', async (meta, message) => {
    await artifact(meta);
    await expect(readArtifact(dir)).rejects.toThrow(message);
  });

  it('refuses a missing or oversized body', async () => {
    await writeFile(path.join(dir, 'meta.json'), '{"pr":7}');
    await expect(readArtifact(dir)).rejects.toThrow(/body\.md is missing/);
    await writeFile(path.join(dir, 'body.md'), 'x'.repeat(2 * 1024 * 1024));
    await expect(readArtifact(dir)).rejects.toThrow(/more than a review body can be/);
  });

  it('refuses a symbolic link in place of a file', async () => {
    await writeFile(path.join(dir, 'meta.json'), '{"pr":7}');
    await symlink('/etc/hostname', path.join(dir, 'body.md'));
    await expect(readArtifact(dir)).rejects.toThrow(/body\.md is not a regular file/);
  });
});

describe('making the body safe to post as the bot', () => {
  it('removes HTML comments, so a pull request cannot forge the marker of the one comment', () => {
    const out = sanitizeBody(`before ${PR_REVIEW_MARKER} after <!-- x\n y --> end <!-- open`);
    expect(out).toBe('before  after  end');
    expect(composeComment(`${PR_REVIEW_MARKER}\nx`, RUN)).not.toContain('<!--');
  });

  it('defuses @mentions and cross-references, and leaves e-mail addresses and HTML entities alone', () => {
    const out = sanitizeBody('ping @octocat and @lumen/admins, see #12 and lumen/site#3, GH-4; write to privacy@lumen.example; 5 &#38; 6');
    expect(out).not.toMatch(/(^|[^\w`])@[A-Za-z0-9]/);
    expect(out).not.toMatch(/(?<!&)#\d/);
    expect(out).not.toMatch(/GH-\d/);
    expect(out).toContain('privacy@lumen.example');
    expect(out).toContain('&#38;');
    expect(out.replace(/\u2060/g, '')).toBe('ping @octocat and @lumen/admins, see #12 and lumen/site#3, GH-4; write to privacy@lumen.example; 5 &#38; 6');
  });

  it('drops control characters and caps the length', () => {
    expect(sanitizeBody('a\u0000b\u001bc\r\nd\te')).toBe('abc\nd\te');
    const long = sanitizeBody('x'.repeat(MAX_BODY + 10));
    expect(long.length).toBeLessThan(MAX_BODY + 100);
    expect(long).toMatch(/cut: the review is longer than a comment can hold/);
  });

  it('says where the text came from', () => {
    const comment = composeComment('## Candor review', RUN);
    expect(comment.startsWith('## Candor review\n')).toBe(true);
    expect(comment).toContain(`[pr-check run](${RUN.runUrl}) for ${HEAD.slice(0, 12)} (checks failed)`);
  });
});

describe('posting', () => {
  const art: Artifact = { meta: { pr: 7, headSha: HEAD }, body: '## Candor review\n' };
  const deps = (head: string) => {
    const posted: { pr: number; body: string }[] = [];
    return {
      posted,
      deps: {
        pullHead: async () => head,
        upsert: async (pr: number, body: string) => {
          posted.push({ pr, body });
        },
        log: () => undefined,
      },
    };
  };

  it('updates the comment when the pull request is at the commit the run checked', async () => {
    const { posted, deps: d } = deps(HEAD);
    expect(await postReview(art, RUN, d)).toBe('posted');
    expect(posted).toEqual([{ pr: 7, body: composeComment(art.body, RUN) }]);
  });

  it('posts nothing when the pull request has moved on, or names another pull request', async () => {
    const { posted, deps: d } = deps('b'.repeat(40));
    expect(await postReview(art, RUN, d)).toBe('stale');
    expect(posted).toEqual([]);
  });

  it('refuses an artifact that names another commit than the run', async () => {
    const { posted, deps: d } = deps(HEAD);
    await expect(postReview({ ...art, meta: { pr: 7, headSha: 'c'.repeat(40) } }, RUN, d)).rejects.toThrow(/not posting/);
    expect(posted).toEqual([]);
  });

  it('checks what the workflow_run event passes', () => {
    expect(runInfo(ENV)).toMatchObject({ headSha: HEAD, repository: 'lumen/site', conclusion: 'failure' });
    expect(() => runInfo({ ...ENV, HEAD_SHA: 'main' })).toThrow(/HEAD_SHA/);
    expect(() => runInfo({ ...ENV, RUN_URL: 'javascript:alert(1)' })).toThrow(/RUN_URL/);
    expect(() => runInfo({ ...ENV, CONCLUSION: 'cancelled' })).toThrow(/CONCLUSION/);
    expect(() => runInfo({ ...ENV, GITHUB_TOKEN: '' })).toThrow(/GITHUB_TOKEN/);
  });
});

describe('posting through the GitHub client (local GitHub checked against the OpenAPI description)', () => {
  it('creates the one comment, updates it on the next push, and ignores a stale run', async () => {
    const gh = await startGitHubServer({ repository: 'lumen/site', viewer: 'integration' });
    try {
      const pr = gh.addPullRequest().number;
      const github = createGitHub({
        token: gh.token,
        baseUrl: gh.url,
        repository: gh.repository,
        login: BOT.login,
        retry: { baseDelayMs: 5 },
        log: () => undefined,
      });
      let head = HEAD;
      const deps = {
        pullHead: async () => head,
        upsert: async (n: number, body: string) => {
          await upsertPullRequestComment({ github, pr: n, body });
        },
        log: () => undefined,
      };
      const forged = `## Candor review\n\n${PR_REVIEW_MARKER}\nthanks @octocat, see #1\n`;
      expect(await postReview({ meta: { pr, headSha: HEAD }, body: forged }, RUN, deps)).toBe('posted');
      const second = 'b'.repeat(40);
      head = second;
      expect(
        await postReview(
          { meta: { pr, headSha: second }, body: '## Candor review\n\nsecond push\n' },
          { ...RUN, headSha: second, conclusion: 'success' },
          deps,
        ),
      ).toBe('posted');
      expect(await postReview({ meta: { pr, headSha: HEAD }, body: '## Candor review\n\nlate, stale run\n' }, RUN, deps)).toBe('stale');
      const ours = gh.comments.filter((c) => c.issue === pr);
      expect(ours).toHaveLength(1);
      expect(ours[0]!.user.login).toBe(BOT.login);
      expect(ours[0]!.body.startsWith(`${PR_REVIEW_MARKER}\n## Candor review\n\nsecond push`)).toBe(true);
      expect(ours[0]!.body).toContain('(checks passed)');
      expect(ours[0]!.body.split('<!--')).toHaveLength(2);
      expect(gh.requests.filter((r) => r.operationId === 'issues/update-comment')).toHaveLength(1);
      gh.assertValid();
    } finally {
      await gh.close();
    }
  });
});

describe('the command', () => {
  it('refuses to run without its inputs', async () => {
    const result = await exec(process.execPath, [SCRIPT, '--dir', dir], { env: { PATH: process.env['PATH'] } }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(result?.code).toBe(1);
    expect(result?.stderr).toMatch(/HEAD_SHA/);
  });
});
