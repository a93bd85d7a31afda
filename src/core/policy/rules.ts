/**
 * The publishing rules for policy versions (pure; the clock is a parameter): order,
 * notice period for material changes, editorial changes that may not touch facts,
 * upcoming versions, supplements and translations.
 */
import { compareVersions, type PolicyVersion } from './model.ts';
import { problem, type Problem } from './problems.ts';
import { isDeepStrictEqual } from './equal.ts';
import { isSummaryTodo } from './import/todo.ts';
import { materialFactChanges } from './materiality.ts';
import { see } from '../docs-links.ts';

const DAY = 86_400_000;
const days = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
const fileOf = (v: PolicyVersion): string => `content/${v.path}`;

export interface RuleOptions {
  now: Date;
  /** Days between publication and effect that a material change must give readers. */
  noticePeriodDays: number;
  /**
   * Paths (under content/) of the versions already published at the git base: history.
   * A version there that is in force cannot be given notice any more, so a class its facts
   * contradict is a warning; a new one (not at the base) or an upcoming one, an error.
   * Without a base (no git), every version in force counts as history.
   */
  published?: ReadonlySet<string>;
}

function orderProblems(prev: PolicyVersion, v: PolicyVersion): Problem[] {
  const out: Problem[] = [];
  if (compareVersions(v.version, prev.version) <= 0)
    out.push(problem('error', 'VERSION_ORDER', fileOf(v), `version ${v.version} does not come after ${prev.version}`, { field: 'version' }));
  if (v.effective === prev.effective)
    out.push(
      problem('error', 'SAME_DAY_EFFECTIVE', fileOf(v), `effective the same day as version ${prev.version} (${v.effective})`, {
        field: 'effective',
        hint: 'Merge the two versions, or move one effective date.',
      }),
    );
  else if (v.effective < prev.effective)
    out.push(
      problem('error', 'VERSION_ORDER', fileOf(v), `effective ${v.effective}, before version ${prev.version} (${prev.effective})`, { field: 'effective' }),
    );
  if (v.published < prev.published)
    out.push(
      problem('error', 'VERSION_ORDER', fileOf(v), `published ${v.published}, before version ${prev.version} (${prev.published})`, { field: 'published' }),
    );
  return out;
}

function versionProblems(prev: PolicyVersion | undefined, v: PolicyVersion, opts: RuleOptions): Problem[] {
  const out: Problem[] = prev ? orderProblems(prev, v) : [];
  if (v.published > v.effective)
    out.push(
      problem('error', 'PUBLISHED_AFTER_EFFECTIVE', fileOf(v), `published ${v.published}, after it took effect (${v.effective})`, { field: 'published' }),
    );
  const notice = days(v.published, v.effective);
  const today = opts.now.toISOString().slice(0, 10);
  const reasons = prev && v.change !== 'material' ? materialFactChanges(prev.facts, v.facts) : [];
  const history = (v.imported !== undefined || (opts.published?.has(v.path) ?? true)) && v.effective <= today;
  if (reasons.length > 0) out.push(understated(v, reasons, history, opts));
  const change = reasons.length > 0 && !history ? 'material' : v.change;
  if (prev && change === 'material' && notice < opts.noticePeriodDays && v.imported && v.effective <= today) {
    // History brought in by `candor policy import`: what was published then cannot be given notice now.
    out.push(problem('note', 'IMPORTED_NOTICE', fileOf(v), `imported history: a material change with ${notice} days of notice`, { field: 'effective' }));
  } else if (prev && change === 'material' && notice < opts.noticePeriodDays) {
    out.push(
      problem('error', 'NOTICE_TOO_SHORT', fileOf(v), `a material change with ${notice} days of notice; at least ${opts.noticePeriodDays} are required`, {
        field: 'effective',
        hint: `Set effective to ${new Date(Date.parse(`${v.published}T00:00:00Z`) + opts.noticePeriodDays * DAY).toISOString().slice(0, 10)} or later.`,
      }),
    );
  }
  if (prev && v.change === 'editorial' && reasons.length === 0 && !isDeepStrictEqual(prev.facts ?? null, v.facts ?? null)) {
    out.push(
      problem('error', 'EDITORIAL_CHANGES_FACTS', fileOf(v), 'an editorial change may not change the facts', {
        field: 'change',
        hint: 'Class it as minor or material, or restore the facts.',
      }),
    );
  }
  out.push(...todoProblems(v), ...purposeProblems(v));
  if (v.effective > today) out.push(problem('note', 'UPCOMING', fileOf(v), `upcoming: takes effect ${v.effective}`));
  return out;
}

/** A version whose facts make it material although it says minor or editorial. */
function understated(v: PolicyVersion, reasons: string[], history: boolean, opts: RuleOptions): Problem {
  const earliest = new Date(Date.parse(`${v.published}T00:00:00Z`) + opts.noticePeriodDays * DAY).toISOString().slice(0, 10);
  const because = `its facts make it material: ${reasons.join('; ')}`;
  if (history)
    return problem('warning', 'CHANGE_CLASS_UNDERSTATED', fileOf(v), `published as ${v.change}, but ${because}`, {
      field: 'change',
      hint: see('policyRules', 'Published history stays as it is; class such changes material from now on.'),
    });
  return problem('error', 'CHANGE_CLASS_UNDERSTATED', fileOf(v), `declared ${v.change}, but ${because}`, {
    field: 'change',
    hint: see('policyRules', `Set change: material and give readers ${opts.noticePeriodDays} days of notice (effective ${earliest} or later).`),
  });
}

/** The item sharing most words with what was written ("Payment details" → "Payment data (…)"), or the list. */
function nearestItem(written: string, whats: string[]): string {
  const words = (s: string) => new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const mine = words(written);
  const scored = whats.map((w) => ({ w, n: [...words(w)].filter((x) => mine.has(x)).length })).sort((a, b) => b.n - a.n);
  if (scored[0] && scored[0].n > 0) return `Name an item by its what, exactly: did you mean "${scored[0].w}"?`;
  return whats.length === 0 ? 'dataCollected lists no items yet.' : `Name an item by its what, exactly: ${whats.map((w) => `"${w}"`).join(', ')}.`;
}

/** A purpose stated for several items names them by their `what`: each must be one. */
function purposeProblems(v: PolicyVersion): Problem[] {
  const whats = (v.facts?.dataCollected ?? []).map((d) => d.what);
  const items = new Set(whats.map((w) => w.toLowerCase()));
  return (v.facts?.purposes ?? []).flatMap((p, i) =>
    (p.data ?? [])
      .filter((what) => !items.has(what.toLowerCase()))
      .map((what) =>
        problem('error', 'FACTS_UNKNOWN_ITEM', fileOf(v), `the purpose "${p.purpose}" names "${what}", which is not an item of dataCollected`, {
          field: `facts.purposes[${i}].data`,
          hint: see('facts', nearestItem(what, whats)),
        }),
      ),
  );
}

/** What `candor policy import` leaves to write: warnings, so that the rest of check still runs. */
function todoProblems(v: PolicyVersion): Problem[] {
  const out: Problem[] = [];
  if (isSummaryTodo(v.summary))
    out.push(
      problem('warning', 'POLICY_SUMMARY_TODO', fileOf(v), 'the summary is still the placeholder', {
        field: 'summary',
        hint: 'Say in plain words what this version changed for readers (docs/content.md#importing-an-existing-policy).',
      }),
    );
  if (v.imported && !v.facts)
    out.push(
      problem('warning', 'POLICY_FACTS_TODO', fileOf(v), `imported from ${v.imported.from}: no facts yet`, {
        field: 'facts',
        hint: 'Add the facts (docs/content.md#policy-facts), then remove the imported field; remove it alone to publish without facts.',
      }),
    );
  return out;
}

function crossProblems(all: Map<string, PolicyVersion[]>): Problem[] {
  const out: Problem[] = [];
  for (const versions of all.values()) {
    for (const v of versions) {
      if (v.supplements && !all.has(v.supplements))
        out.push(
          problem('error', 'SUPPLEMENT_MISSING', fileOf(v), `supplements "${v.supplements}", which is not a policy`, {
            field: 'supplements',
            hint: `Policies: ${[...all.keys()].join(', ')}`,
          }),
        );
      if (!v.translationOf) continue;
      const source = all.get(v.translationOf.policy);
      if (!source?.some((s) => s.version === v.translationOf!.version))
        out.push(
          problem('error', 'TRANSLATION_SOURCE_MISSING', fileOf(v), `translates ${v.translationOf.policy} ${v.translationOf.version}, which does not exist`, {
            field: 'translationOf',
          }),
        );
      else if (source.at(-1)!.version !== v.translationOf.version && v === versions.at(-1))
        out.push(
          problem(
            'warning',
            'TRANSLATION_STALE',
            fileOf(v),
            `translates ${v.translationOf.policy} ${v.translationOf.version}; the source is now at ${source.at(-1)!.version}`,
            { field: 'translationOf' },
          ),
        );
    }
  }
  return out;
}

/** Versions of each policy sorted by version number. */
export function checkPolicies(all: Map<string, PolicyVersion[]>, opts: RuleOptions): Problem[] {
  const out: Problem[] = [];
  for (const versions of all.values()) versions.forEach((v, i) => out.push(...versionProblems(versions[i - 1], v, opts)));
  return [...out, ...crossProblems(all)];
}
