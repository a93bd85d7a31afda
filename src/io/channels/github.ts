/**
 * GitHub notification channels:
 * - `github-issue`: one issue per notice event (every kind), labelled from the config;
 * - `github-release`: one release per attestation or report event (policy versions are
 *   announced in issues; the release channel reports them as not applicable).
 *
 * Both are idempotent on GitHub itself, so a rerun (or a ledger that was not committed)
 * never duplicates: every issue and release body starts with a hidden marker
 * `<!-- candor:event:<id> -->`. Before creating, the issue channel lists the issues with
 * the first configured label created by the token's account and looks for the marker;
 * the release channel looks up the tag `candor-<id sanitised>`. Two runs that overlap can
 * still both create an issue: after creating, the channel lists again and closes every
 * copy but the oldest as a duplicate.
 */
import type { NoticeEvent, NotifyConfig, Channel } from '../../core/notify/model.ts';
import { noticeTitle, renderNoticeMarkdown } from '../../core/notify/events.ts';
import { GitHubError } from '../../core/errors.ts';
import { isGitHubStatus, type GitHub } from '../github.ts';

export const GITHUB_ISSUE_CHANNEL = 'github-issue';
export const GITHUB_RELEASE_CHANNEL = 'github-release';

/** GitHub refuses issue and comment bodies over 65,536 characters. */
export const GITHUB_BODY_LIMIT = 65_536;
const TITLE_LIMIT = 256;

export type GitHubConfig = NonNullable<NotifyConfig['github']>;

export interface GitHubChannelsOptions {
  github: GitHub;
  config: GitHubConfig;
}

/** A Channel that can also say whether it has anything to do for an event. */
export interface GitHubChannel extends Channel {
  handles(event: NoticeEvent): boolean;
}

/** The event id inside an HTML comment: anything that could end the comment is %-escaped. */
export function eventMarker(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9_.:@/+-]/g, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return `<!-- candor:event:${safe} -->`;
}

/** `candor-` and the id with everything a tag name cannot hold replaced by '-'. */
export function releaseTag(id: string): string {
  const body = id
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  const tag = `candor-${body || 'event'}`.slice(0, 200).replace(/[-.]+$/, '');
  return tag.endsWith('.lock') ? `${tag}-` : tag;
}

/** Cuts a body to GitHub's limit, saying so. */
export function fitBody(body: string, limit = GITHUB_BODY_LIMIT): string {
  if (body.length <= limit) return body;
  const note = '\n\n_(Shortened to fit GitHub: the full notice is on the site.)_\n';
  return body.slice(0, limit - note.length) + note;
}

const fitTitle = (title: string): string => (title.length <= TITLE_LIMIT ? title : `${title.slice(0, TITLE_LIMIT - 1)}…`);

export function noticeBody(event: NoticeEvent): string {
  return fitBody(`${eventMarker(event.id)}\n${renderNoticeMarkdown(event, { heading: false })}`);
}

export interface IssueSummary {
  number: number;
  html_url: string;
  state: string;
  state_reason?: string | null;
  body?: string | null;
  user: { login: string; type?: string } | null;
  pull_request?: unknown;
}

/**
 * Issues carrying `marker`, oldest first: filtered by label and creator on GitHub's side,
 * then by the marker. When GitHub will not say who the token is (a workflow token),
 * only issues opened by a bot count.
 */
export async function findMarkedIssues(github: GitHub, marker: string, opts: { label?: string; state: 'open' | 'all' }): Promise<IssueSummary[]> {
  const login = await github.viewer();
  const issues = (await github.octokit.paginate(github.octokit.rest.issues.listForRepo, {
    owner: github.owner,
    repo: github.repo,
    state: opts.state,
    ...(opts.label ? { labels: opts.label } : {}),
    ...(login ? { creator: login } : {}),
    sort: 'created',
    direction: 'asc',
    per_page: 100,
  })) as IssueSummary[];
  return issues
    .filter((i) => !i.pull_request && (i.body ?? '').includes(marker))
    .filter((i) => (login ? i.user?.login === login : i.user?.type === 'Bot'))
    .sort((a, b) => a.number - b.number);
}

/** Closes every copy but the first as a duplicate of it. */
export async function closeDuplicates(github: GitHub, found: IssueSummary[]): Promise<void> {
  const [keep, ...extra] = found;
  if (!keep) return;
  for (const issue of extra.filter((i) => i.state === 'open')) {
    await github.octokit.rest.issues.createComment({
      owner: github.owner,
      repo: github.repo,
      issue_number: issue.number,
      body: `Duplicate of #${keep.number} (two runs overlapped); closing this copy.`,
    });
    await github.octokit.rest.issues.update({ owner: github.owner, repo: github.repo, issue_number: issue.number, state: 'closed', state_reason: 'duplicate' });
  }
}

function issueChannel(github: GitHub, config: GitHubConfig): GitHubChannel {
  const label = config.labels[0];
  return {
    name: GITHUB_ISSUE_CHANNEL,
    handles: () => true,
    async send(event) {
      const marker = eventMarker(event.id);
      const existing = await findMarkedIssues(github, marker, { ...(label === undefined ? {} : { label }), state: 'all' });
      if (existing[0]) return { ref: existing[0].html_url };
      const { data: created } = await github.octokit.rest.issues.create({
        owner: github.owner,
        repo: github.repo,
        title: fitTitle(noticeTitle(event)),
        body: noticeBody(event),
        labels: config.labels,
      });
      // Another run may have created the same issue meanwhile: keep the oldest.
      const after = await findMarkedIssues(github, marker, { ...(label === undefined ? {} : { label }), state: 'all' });
      await closeDuplicates(github, after);
      // Not found again (labels dropped for a token without push access): the new issue still stands.
      const kept = after[0] ?? created;
      return { ref: kept.html_url };
    },
  };
}

type ReleaseEvent = Extract<NoticeEvent, { kind: 'report' | 'attestation' }>;
const isReleaseEvent = (event: NoticeEvent): event is ReleaseEvent => event.kind === 'report' || event.kind === 'attestation';

async function releaseByTag(github: GitHub, tag: string): Promise<{ html_url: string; body?: string | null } | undefined> {
  try {
    const { data } = await github.octokit.rest.repos.getReleaseByTag({ owner: github.owner, repo: github.repo, tag });
    return data;
  } catch (error) {
    if (isGitHubStatus(error, 404)) return undefined;
    throw error;
  }
}

function checkedRef(release: { html_url: string; body?: string | null }, marker: string, tag: string): { ref: string } {
  if ((release.body ?? '').includes(marker)) return { ref: release.html_url };
  throw new GitHubError('GITHUB_CONFLICT', `release ${tag} exists but announces something else`, {
    field: tag,
    expected: `a release whose body carries ${marker}`,
    received: release.html_url,
    hint: 'Another release uses this tag: rename or delete it, then rerun.',
  });
}

function releaseChannel(github: GitHub): GitHubChannel {
  return {
    name: GITHUB_RELEASE_CHANNEL,
    handles: isReleaseEvent,
    async send(event) {
      // Policy versions have no release; the issue channel announces them.
      if (!isReleaseEvent(event)) return { ref: 'not applicable: releases announce attestations and reports' };
      const marker = eventMarker(event.id);
      const tag = releaseTag(event.id);
      const existing = await releaseByTag(github, tag);
      if (existing) return checkedRef(existing, marker, tag);
      try {
        const { data } = await github.octokit.rest.repos.createRelease({
          owner: github.owner,
          repo: github.repo,
          tag_name: tag,
          name: fitTitle(noticeTitle(event)),
          body: fitBody(`${marker}\n${renderNoticeMarkdown(event, { heading: false })}`, 125_000),
          draft: false,
          prerelease: false,
          // The current attestation is the repository's latest release; reports never take that place.
          make_latest: event.kind === 'attestation' ? 'true' : 'false',
        });
        return { ref: data.html_url };
      } catch (error) {
        // 422 already_exists: an overlapping run created it first.
        if (!isGitHubStatus(error, 422)) throw error;
        const raced = await releaseByTag(github, tag);
        if (!raced) throw error;
        return checkedRef(raced, marker, tag);
      }
    },
  };
}

/** The channels the config asks for: `github-issue` when `issues`, `github-release` when `releases`. */
export function createGitHubChannels({ github, config }: GitHubChannelsOptions): GitHubChannel[] {
  if (config.repository.toLowerCase() !== github.repository.toLowerCase()) {
    throw new GitHubError('GITHUB_CONFIG_INVALID', 'the notifier is configured for another repository', {
      field: 'github.repository',
      expected: github.repository,
      received: config.repository,
    });
  }
  const channels: GitHubChannel[] = [];
  if (config.issues) channels.push(issueChannel(github, config));
  if (config.releases) channels.push(releaseChannel(github));
  return channels;
}
