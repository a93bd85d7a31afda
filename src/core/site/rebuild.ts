/**
 * Whether a scheduled publish run rebuilds the site (docs/workflows.md, "When publish
 * rebuilds"). A built page states facts as of its build: which policy version is in force,
 * whether the attestation, the heartbeat or a key has expired, whether a report is overdue.
 * So a run rebuilds when something new arrived or one of those moments passed since the
 * runs before it; otherwise the deployed site is still true and redeploying it changes
 * nothing. Pushes and dispatches always rebuild. A site that no heartbeat has rebuilt for a
 * week is rebuilt on Mondays, which renews what ages without a moment of its own
 * (security.txt's Expires) and bounds what a missed moment could cost.
 */

/** A moment at which what the built site says changes, or at which something new was added. */
export interface SiteMoment {
  what: string;
  at: Date;
}

export interface RebuildInput {
  /** The workflow's event: `schedule`, `push`, `workflow_dispatch`, … */
  event: string;
  /** This run committed something new to the archive: a heartbeat (with its log entries) or a timestamp proof. */
  issued: boolean;
  now: Date;
  moments: readonly SiteMoment[];
  /** When the latest archived heartbeat was issued (each one rebuilt the site), if any. */
  lastHeartbeat?: Date;
}

export interface RebuildDecision {
  rebuild: boolean;
  why: string;
}

/**
 * How far back a scheduled run looks for moments: two daily runs, so that a run GitHub
 * skipped or a deployment that failed is caught up by the next one.
 */
export const LOOKBACK_HOURS = 48;
/** The weekly rebuild: Mondays (UTC). */
export const WEEKLY_DAY = 1;

const HOUR = 3_600_000;

export function rebuildDecision(i: RebuildInput): RebuildDecision {
  if (i.event !== 'schedule') return { rebuild: true, why: `the run was started by ${i.event}` };
  if (i.issued) return { rebuild: true, why: 'this run archived something new (a heartbeat or a proof)' };
  const from = i.now.getTime() - LOOKBACK_HOURS * HOUR;
  const passed = i.moments.filter((m) => m.at.getTime() > from && m.at.getTime() <= i.now.getTime());
  if (passed.length > 0) {
    const named = [...new Set(passed.map((m) => m.what))];
    return { rebuild: true, why: `in the last ${LOOKBACK_HOURS} hours: ${named.join('; ')}` };
  }
  const weekAgo = i.now.getTime() - 7 * 24 * HOUR;
  if (i.now.getUTCDay() === WEEKLY_DAY && !(i.lastHeartbeat && i.lastHeartbeat.getTime() > weekAgo))
    return { rebuild: true, why: 'the weekly rebuild (Mondays, UTC, when no heartbeat rebuilt the site in the last 7 days)' };
  return { rebuild: false, why: `nothing on the site has changed or come due in the last ${LOOKBACK_HOURS} hours` };
}
