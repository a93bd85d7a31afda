/**
 * A policy version: one Markdown file with front matter (docs/content.md). Facts are
 * optional structured data that the site renders as a table and the facts diff compares.
 */
import { z } from 'zod';

/*
 * Each field's `.describe()` is what an error says the field expects, in our words, with
 * an example (src/core/content/schema-errors.ts): keep it next to the field it describes.
 */

/** A calendar day, UTC: 2026-03-01. */
export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'a real calendar date',
    params: { summary: 'not a real date' },
  })
  .describe('a date, YYYY-MM-DD (UTC), e.g. 2026-03-01');
/** Dotted numbers, compared part by part: 1, 1.1, 2.0.1. */
export const versionNumber = z
  .string()
  .regex(/^\d+(\.\d+){0,2}$/)
  .describe('a version number like 2 or 2.1, written as text');
export const policyId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/)
  .describe('a policy id, the name of its folder under content/policies/: lower-case letters, digits and -, e.g. privacy');
const text = z.string().trim().min(1);
const line = (what: string) => text.describe(what);

export { duration, facts, type Facts } from './facts.ts';
import { facts } from './facts.ts';

export const changeClass = z.enum(['material', 'minor', 'editorial']).describe('the kind of change');
export type ChangeClass = z.infer<typeof changeClass>;

/** An edit after publication, shared with transparency reports. */
export const correction = z.strictObject({
  date: day.describe('the day of the correction, YYYY-MM-DD, e.g. 2026-03-01'),
  reason: line('why the published text was edited, e.g. "Fixed a typo in the contact address"'),
});

export const frontMatter = z.strictObject({
  /** The policy's title as readers see it. */
  title: line('the policy\'s title, e.g. "Privacy policy"'),
  /** This version's number; strictly increasing within the policy. */
  version: versionNumber,
  /** The day this version takes effect (UTC). */
  effective: day.describe('the day this version takes effect, YYYY-MM-DD (UTC), e.g. 2026-03-01'),
  /** The day this version was published; a material change needs the notice period between the two. */
  published: day.describe('the day this version was published, YYYY-MM-DD (UTC), e.g. 2026-02-01'),
  /** material: changes what happens to users' data; minor: clarifies or adds without taking away; editorial: wording only, facts unchanged. */
  change: changeClass,
  /** A plain-language summary of what changed, for the changelog and notifications. */
  summary: line('a plain-language summary of what changed, e.g. "Logs are now kept 14 days instead of 30."'),
  /** The policy this one supplements (e.g. a mail policy supplementing the general one). */
  supplements: policyId.optional(),
  /** Language of this version (BCP 47), default "en". */
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
    .describe('a language tag, e.g. en or pt-BR')
    .default('en'),
  /** For a translation: the policy and version it translates. */
  translationOf: z
    .strictObject({ policy: policyId, version: versionNumber })
    .describe('{ policy, version }, e.g. { policy: privacy, version: "2.1" }')
    .optional(),
  /** Edits after publication: each needs a date and a reason. */
  corrections: z.array(correction).describe('a list of { date, reason }').default([]),
  facts: facts.optional(),
  /** Set by `candor policy import`: the file this version was made from. While it is set and facts are missing, check warns (POLICY_FACTS_TODO). */
  imported: z
    .strictObject({ from: text.describe('the file candor policy import read, e.g. saved/privacy.html') })
    .optional()
    .describe('set by candor policy import: { from: FILE }; remove it once the facts are written'),
});
export type PolicyFrontMatter = z.infer<typeof frontMatter>;

export interface PolicyVersion extends PolicyFrontMatter {
  policy: string;
  /** Path under content/, e.g. policies/privacy/2.0.md. */
  path: string;
  body: string;
  /** The exact bytes, for hashing. */
  source: string;
}

/** Compares dotted version numbers part by part (2.10 > 2.9). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
