/**
 * The watchdog's GitHub issue: exactly one open issue (label `candor-watchdog`, hidden
 * marker `<!-- candor:watchdog -->`) while there are problems. It is opened when
 * problems appear, its body is updated when they change, and it is closed with a
 * comment once they are resolved. Copies left by overlapping runs are closed as
 * duplicates of the oldest.
 *
 * The issue also remembers what the operators were last e-mailed (src/core/watchdog-mail.ts):
 * a second hidden marker in the body of the issue that holds the state, which is the
 * open issue, or, when none is open, the newest closed one (duplicates aside). Body
 * updates keep that marker; recordMailed changes it once a mail has gone out.
 */
import { escapeMarkdown } from '../core/escape.ts';
import { mailedMarker, parseMailedMarker, withMailedMarker } from '../core/watchdog-mail.ts';
import type { WatchdogProblem } from '../core/watchdog.ts';
import { type GitHub } from './github.ts';
import { closeDuplicates, findMarkedIssues, fitBody, type IssueSummary } from './channels/github.ts';

export const WATCHDOG_LABEL = 'candor-watchdog';
export const WATCHDOG_TITLE = 'Canary watchdog: action needed';
export const WATCHDOG_MARKER = '<!-- candor:watchdog -->';

export interface WatchdogIssueResult {
  action: 'opened' | 'updated' | 'unchanged' | 'closed' | 'none';
  issue?: { number: number; url: string };
}

export interface WatchdogIssueState {
  /** Open watchdog issues, oldest first (more than one only after overlapping runs). */
  open: IssueSummary[];
  /** The newest closed watchdog issue that is not a duplicate. */
  lastClosed: IssueSummary | undefined;
  /** The mailed marker of the issue that holds the state (the oldest open, else lastClosed); null when it has none. */
  marker: string[] | null;
  /**
   * What the operators were last e-mailed: problem keys, [] for all clear (also when
   * there was never an issue, or the last one closed without a marker); null when
   * unknown (an open issue from before e-mail was configured).
   */
  told: string[] | null;
}

/** The issue's body; `mailed`: the mailed marker to carry (null: none). Cut to GitHub's limit after the markers. */
export function watchdogBody(problems: Pick<WatchdogProblem, 'code' | 'message'>[], mailed: string[] | null = null): string {
  const lines = [
    WATCHDOG_MARKER,
    ...(mailed ? [mailedMarker(mailed)] : []),
    `The canary watchdog found ${problems.length === 1 ? 'a problem' : `${problems.length} problems`} that need a maintainer:`,
    '',
    ...problems.map((p) => `- **${p.code}**: ${escapeMarkdown(p.message.replace(/\s+/g, ' ').trim())}`),
    '',
    'This issue is kept up to date by the watchdog workflow and closed when everything is in order again.',
  ];
  return fitBody(`${lines.join('\n')}\n`);
}

/** Every watchdog issue the bot opened, open or closed, and what its bodies remember. */
export async function readWatchdogIssues(github: GitHub): Promise<WatchdogIssueState> {
  const all = await findMarkedIssues(github, WATCHDOG_MARKER, { label: WATCHDOG_LABEL, state: 'all' });
  const open = all.filter((i) => i.state === 'open');
  const lastClosed = all.filter((i) => i.state === 'closed' && i.state_reason !== 'duplicate').at(-1);
  const holder = open[0] ?? lastClosed;
  const marker = holder ? parseMailedMarker(holder.body) : null;
  return { open, lastClosed, marker, told: marker ?? (open[0] ? null : []) };
}

/**
 * Opens, updates or closes the one watchdog issue. `state` is what readWatchdogIssues
 * returned at the start of the run (read again when absent). An opened or updated body
 * carries the state's mailed marker along.
 */
export async function syncWatchdogIssue({
  github,
  problems,
  state,
}: {
  github: GitHub;
  problems: Pick<WatchdogProblem, 'code' | 'message'>[];
  state?: WatchdogIssueState;
}): Promise<WatchdogIssueResult> {
  const { open, marker } = state ?? (await readWatchdogIssues(github));
  const base = { owner: github.owner, repo: github.repo };

  if (problems.length === 0) {
    const [first, ...extra] = open;
    if (!first) return { action: 'none' };
    // Copies first, as duplicates: the one that stays "completed" is the one that holds the state.
    await closeDuplicates(github, [first, ...extra]);
    await github.octokit.rest.issues.createComment({
      ...base,
      issue_number: first.number,
      body: 'Resolved: the watchdog finds nothing to act on any more. Closing.',
    });
    await github.octokit.rest.issues.update({ ...base, issue_number: first.number, state: 'closed', state_reason: 'completed' });
    return { action: 'closed', issue: { number: first.number, url: first.html_url } };
  }

  const body = watchdogBody(problems, marker);
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

/** Records in issue `number`'s body that the operators were e-mailed `keys` ([] = the all-clear). */
export async function recordMailed(github: GitHub, number: number, keys: string[]): Promise<void> {
  const base = { owner: github.owner, repo: github.repo, issue_number: number };
  const { data } = await github.octokit.rest.issues.get(base);
  const body = withMailedMarker(data.body ?? WATCHDOG_MARKER, keys);
  if (body !== data.body) await github.octokit.rest.issues.update({ ...base, body });
}
