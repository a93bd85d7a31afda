/**
 * The pull-request review comment: one per pull request, found by a hidden marker and
 * edited in place on every push, so the thread never fills with stale reviews.
 *
 * Only a comment by the token's own account counts (a copy of the marker in someone
 * else's comment is ignored, never edited). When GitHub will not say who the token is
 * (a workflow's GITHUB_TOKEN), only comments by a bot count. If overlapping runs left
 * several, the oldest is kept and updated and the others are deleted.
 */
import { type GitHub } from './github.ts';
import { fitBody } from './channels/github.ts';

export const PR_REVIEW_MARKER = '<!-- candor:pr-review -->';

export interface PullRequestCommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

interface CommentSummary {
  id: number;
  html_url: string;
  body?: string;
  user: { login: string; type?: string } | null;
}

export async function upsertPullRequestComment({ github, pr, body }: { github: GitHub; pr: number; body: string }): Promise<PullRequestCommentResult> {
  const text = fitBody(`${PR_REVIEW_MARKER}\n${body.replace(/\s+$/, '')}\n`);
  const login = await github.viewer();
  const comments = (await github.octokit.paginate(github.octokit.rest.issues.listComments, {
    owner: github.owner,
    repo: github.repo,
    issue_number: pr,
    per_page: 100,
  })) as CommentSummary[];
  const ours = comments
    .filter((c) => (c.body ?? '').startsWith(PR_REVIEW_MARKER))
    .filter((c) => (login ? c.user?.login === login : c.user?.type === 'Bot'))
    .sort((a, b) => a.id - b.id);
  const [keep, ...extra] = ours;
  for (const stale of extra) {
    await github.octokit.rest.issues.deleteComment({ owner: github.owner, repo: github.repo, comment_id: stale.id });
  }
  if (!keep) {
    const { data } = await github.octokit.rest.issues.createComment({ owner: github.owner, repo: github.repo, issue_number: pr, body: text });
    return { action: 'created', id: data.id, url: data.html_url };
  }
  if (keep.body === text) return { action: 'unchanged', id: keep.id, url: keep.html_url };
  const { data } = await github.octokit.rest.issues.updateComment({ owner: github.owner, repo: github.repo, comment_id: keep.id, body: text });
  return { action: 'updated', id: data.id, url: data.html_url };
}
