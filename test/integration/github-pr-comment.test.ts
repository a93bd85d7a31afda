/** The pull-request review comment: created once, then edited in place on every push. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHub, type GitHub } from '../../src/io/github.ts';
import { PR_REVIEW_MARKER, upsertPullRequestComment } from '../../src/io/pr-comment.ts';
import { BOT, MAINTAINER, STRANGER, startGitHubServer, type GitHubServer } from '../helpers/github-server.ts';

let gh: GitHubServer;

const client = (): GitHub => createGitHub({ token: gh.token, baseUrl: gh.url, repository: gh.repository, retry: { baseDelayMs: 5 }, log: () => undefined });
const ours = (pr: number) => gh.comments.filter((c) => c.issue === pr && c.body.startsWith(PR_REVIEW_MARKER));

beforeEach(async () => {
  gh = await startGitHubServer({ repository: 'acme/privacy' });
});

afterEach(async () => {
  await gh.close();
  gh.assertValid();
});

describe('upsertPullRequestComment', () => {
  it('creates the comment on the first push and updates the same comment on the next', async () => {
    const pr = gh.addPullRequest().number;
    gh.addComment(pr, 'Looks good to me', MAINTAINER);

    const first = await upsertPullRequestComment({ github: client(), pr, body: '## Candor review\n\nprivacy 3.0: 2 facts changed' });
    expect(first.action).toBe('created');
    expect(ours(pr)).toHaveLength(1);
    expect(ours(pr)[0]!.user.login).toBe(BOT.login);

    const second = await upsertPullRequestComment({ github: client(), pr, body: '## Candor review\n\nprivacy 3.0: 3 facts changed' });
    expect(second).toMatchObject({ action: 'updated', id: first.id, url: first.url });
    expect(ours(pr)).toHaveLength(1);
    expect(ours(pr)[0]!.id).toBe(first.id);
    expect(ours(pr)[0]!.body).toContain('3 facts changed');
    expect(first.url).toBe(`https://github.com/acme/privacy/pull/${pr}#issuecomment-${first.id}`);

    const patch = gh.requests.find((r) => r.operationId === 'issues/update-comment')!;
    expect(patch.path).toBe(`/repos/acme/privacy/issues/comments/${first.id}`);
    expect(gh.requests.filter((r) => r.operationId === 'issues/create-comment')).toHaveLength(1);
  });

  it('leaves an unchanged comment alone', async () => {
    const pr = gh.addPullRequest().number;
    const first = await upsertPullRequestComment({ github: client(), pr, body: 'same' });
    const again = await upsertPullRequestComment({ github: client(), pr, body: 'same\n' });
    expect(again).toMatchObject({ action: 'unchanged', id: first.id });
    expect(gh.requests.some((r) => r.operationId === 'issues/update-comment')).toBe(false);
  });

  it("ignores the marker in someone else's comment, and finds its own past the first page", async () => {
    const pr = gh.addPullRequest().number;
    gh.addComment(pr, `${PR_REVIEW_MARKER}\nforged review`, STRANGER);
    for (let i = 0; i < 120; i++) gh.addComment(pr, `chatter ${i}`, MAINTAINER);
    const first = await upsertPullRequestComment({ github: client(), pr, body: 'review 1' });
    expect(first.action).toBe('created');
    for (let i = 0; i < 5; i++) gh.addComment(pr, `more chatter ${i}`, MAINTAINER);
    const second = await upsertPullRequestComment({ github: client(), pr, body: 'review 2' });
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(gh.comments.find((c) => c.user.id === STRANGER.id)!.body).toContain('forged review');
    expect(gh.requests.filter((r) => r.operationId === 'issues/list-comments').length).toBeGreaterThanOrEqual(4);
  });

  it('works with a workflow token that cannot read /user (bot comments only)', async () => {
    await gh.close();
    gh = await startGitHubServer({ repository: 'acme/privacy', viewer: 'integration' });
    const pr = gh.addPullRequest().number;
    gh.addComment(pr, `${PR_REVIEW_MARKER}\nforged`, MAINTAINER);
    const first = await upsertPullRequestComment({ github: client(), pr, body: 'one' });
    const second = await upsertPullRequestComment({ github: client(), pr, body: 'two' });
    expect([first.action, second.action, second.id]).toEqual(['created', 'updated', first.id]);
  });

  it('keeps the oldest of copies left by overlapping runs and deletes the rest', async () => {
    const pr = gh.addPullRequest().number;
    const oldest = gh.addComment(pr, `${PR_REVIEW_MARKER}\nrun A`, BOT);
    gh.addComment(pr, `${PR_REVIEW_MARKER}\nrun B`, BOT);
    const result = await upsertPullRequestComment({ github: client(), pr, body: 'run C' });
    expect(result).toMatchObject({ action: 'updated', id: oldest.id });
    expect(ours(pr).map((c) => c.id)).toEqual([oldest.id]);
  });

  it('reports a pull request that does not exist with GITHUB_REQUEST_FAILED 404', async () => {
    await expect(upsertPullRequestComment({ github: client(), pr: 999, body: 'x' })).rejects.toMatchObject({ code: 'GITHUB_REQUEST_FAILED', status: 404 });
  });
});
