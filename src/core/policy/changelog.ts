/** The changelog: one entry per version, newest first, per policy or across policies. */
import { diffFacts, type FactChange } from './facts-diff.ts';
import type { ChangeClass, PolicyVersion } from './model.ts';

export interface ChangelogEntry {
  policy: string;
  title: string;
  version: string;
  previous: string | null;
  effective: string;
  published: string;
  change: ChangeClass;
  summary: string;
  status: 'current' | 'upcoming' | 'past';
  facts: FactChange[];
  links: { version: string; previous: string | null; diff: string | null };
}

const today = (now: Date): string => now.toISOString().slice(0, 10);

/** The version in force on `now`'s day: the last one whose effective date has come. */
export function currentVersion(versions: PolicyVersion[], now: Date): PolicyVersion | undefined {
  const day = today(now);
  return versions.findLast((v) => v.effective <= day);
}

export function upcomingVersions(versions: PolicyVersion[], now: Date): PolicyVersion[] {
  const day = today(now);
  return versions.filter((v) => v.effective > day);
}

export function policyLinks(policy: string, version: string, previous: string | null): ChangelogEntry['links'] {
  return {
    version: `/policies/${policy}/${version}/`,
    previous: previous ? `/policies/${policy}/${previous}/` : null,
    diff: previous ? `/policies/${policy}/compare/${previous}...${version}/` : null,
  };
}

/** Versions sorted by version number, one policy. */
export function policyChangelog(versions: PolicyVersion[], now: Date): ChangelogEntry[] {
  const current = currentVersion(versions, now);
  const day = today(now);
  return versions
    .map((v, i): ChangelogEntry => {
      const prev = versions[i - 1];
      return {
        policy: v.policy,
        title: v.title,
        version: v.version,
        previous: prev?.version ?? null,
        effective: v.effective,
        published: v.published,
        change: v.change,
        summary: v.summary,
        status: v === current ? 'current' : v.effective > day ? 'upcoming' : 'past',
        facts: prev ? diffFacts(prev.facts, v.facts) : [],
        links: policyLinks(v.policy, v.version, prev?.version ?? null),
      };
    })
    .reverse();
}

/** Every policy's entries merged, newest publication first (then effective date, policy). */
export function changelog(all: Map<string, PolicyVersion[]>, now: Date): ChangelogEntry[] {
  return [...all.values()]
    .flatMap((versions) => policyChangelog(versions, now))
    .sort((a, b) => b.published.localeCompare(a.published) || b.effective.localeCompare(a.effective) || a.policy.localeCompare(b.policy));
}
