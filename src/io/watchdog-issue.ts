/**
 * The watchdog's GitHub issue: exactly one open issue (label `candor-watchdog`, hidden
 * marker `<!-- candor:watchdog -->`) while there are problems. It is opened when
 * problems appear, its body is updated when they change, and it is closed with a
 * comment once they are resolved. Copies left by overlapping runs are closed as
 * duplicates of the oldest.
 */
import { escapeMarkdown } from '../core/notify/render.ts';
import type { WatchdogProblem } from '../core/watchdog.ts';
import { type GitHub } from './github.ts';
import { closeDuplicates, findMarkedIssues, fitBody } from './channels/github.ts';

export const WATCHDOG_LABEL = 'candor-watchdog';
export const WATCHDOG_TITLE = 'Canary watchdog: action needed';
export const WATCHDOG_MARKER = '<!-- candor:watchdog -->';

export interface WatchdogIssueResult {
  action: 'opened' | 'updated' | 'unchanged' | 'closed' | 'none';
  issue?: { number: number; url: string };
}

export function watchdogBody(problems: Pick<WatchdogProblem, 'code' | 'message'>[]): string {
  const lines = [
    WATCHDOG_MARKER,
    `The canary watchdog found ${problems.length === 1 ? 'a problem' : `${problems.length} problems`} that need a maintainer:`,
    '',
    ...problems.map((p) => `- **${p.code}**: ${escapeMarkdown(p.message.replace(/\s+/g, ' ').trim())}`),
    '',
    'This issue is kept up to date by the watchdog workflow and closed when everything is in order again.',
  ];
  return fitBody(`${lines.join('\n')}\n`);
}

export async function syncWatchdogIssue({ github, problems }: { github: GitHub; problems: Pick<WatchdogProblem, 'code' | 'message'>[] }): Promise<WatchdogIssueResult> {
  const open = await findMarkedIssues(github, WATCHDOG_MARKER, { label: WATCHDOG_LABEL, state: 'open' });
  const base = { owner: github.owner, repo: github.repo };

  if (problems.length === 0) {
    if (open.length === 0) return { action: 'none' };
    for (const issue of open) {
      await github.octokit.rest.issues.createComment({ ...base, issue_number: issue.number, body: 'Resolved: the watchdog finds nothing to act on any more. Closing.' });
      await github.octokit.rest.issues.update({ ...base, issue_number: issue.number, state: 'closed', state_reason: 'completed' });
    }
    const first = open[0] as (typeof open)[number];
    return { action: 'closed', issue: { number: first.number, url: first.html_url } };
  }

  const body = watchdogBody(problems);
  let [keep] = open;
  let action: WatchdogIssueResult['action'];
  if (!keep) {
    const { data: created } = await github.octokit.rest.issues.create({ ...base, title: WATCHDOG_TITLE, body, labels: [WATCHDOG_LABEL] });
    action = 'opened';
    // An overlapping run may have opened one too: keep the oldest.
    const after = await findMarkedIssues(github, WATCHDOG_MARKER, { label: WATCHDOG_LABEL, state: 'open' });
    await closeDuplicates(github, after);
    keep = after[0] ?? created;
  } else {
    await closeDuplicates(github, open);
    if (keep.body === body) action = 'unchanged';
    else {
      await github.octokit.rest.issues.update({ ...base, issue_number: keep.number, body });
      action = 'updated';
    }
  }
  return keep ? { action, issue: { number: keep.number, url: keep.html_url } } : { action };
}
