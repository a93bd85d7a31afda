/**
 * A policy version: one Markdown file with front matter (docs/content.md). Facts are
 * optional structured data that the site renders as a table and the facts diff compares.
 */
import { z } from 'zod';

/** A calendar day, UTC: 2026-03-01. */
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-03-01')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'a real calendar date');
/** Dotted numbers, compared part by part: 1, 1.1, 2.0.1. */
export const versionNumber = z.string().regex(/^\d+(\.\d+){0,2}$/, 'a version like 2 or 2.1 (quote it in YAML: "2.1")');
export const policyId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a folder name: lower-case letters, digits and -');
const text = z.string().trim().min(1);

/** A duration as people write it in policies: "45 days", "12 months", "1 year", or "until …". */
export const duration = z.string().regex(/^(\d+ (day|week|month|year)s?|until .+|as long as .+|session)$/, 'a duration like "45 days", "12 months", "session" or "until the account is closed"');

export const facts = z.strictObject({
  /** What data is collected, why, and on which legal basis. */
  dataCollected: z.array(z.strictObject({ what: text, why: text, legalBasis: text.optional() })).optional(),
  /** How long each kind of data is kept, and after which event the clock starts. */
  retention: z.array(z.strictObject({ what: text, period: duration, after: text.optional() })).optional(),
  /** Who else receives data, in what role, what exactly, and where they are. */
  thirdParties: z.array(z.strictObject({ name: text, role: text, receives: z.array(text).min(1), country: text.optional() })).optional(),
  /** Cookies: name, who sets it, what for, how long it lives. */
  cookies: z.array(z.strictObject({ name: text, setBy: text, purpose: text, lifetime: duration })).optional(),
  /** Trackers or analytics; an empty list says "none". */
  trackers: z.array(z.strictObject({ name: text, purpose: text })).optional(),
  /** The law the service is under, e.g. "Belgium (EU GDPR)". */
  jurisdiction: text.optional(),
  /** Where to write about privacy. */
  contact: z.strictObject({ email: z.email().optional(), address: text.optional(), url: z.url().optional() }).optional(),
});
export type Facts = z.infer<typeof facts>;

export const changeClass = z.enum(['material', 'minor', 'editorial']);
export type ChangeClass = z.infer<typeof changeClass>;

export const frontMatter = z.strictObject({
  /** The policy's title as readers see it. */
  title: text,
  /** This version's number; strictly increasing within the policy. */
  version: versionNumber,
  /** The day this version takes effect (UTC). */
  effective: day,
  /** The day this version was published; a material change needs the notice period between the two. */
  published: day,
  /** material: changes what happens to users' data; minor: clarifies or adds without taking away; editorial: wording only, facts unchanged. */
  change: changeClass,
  /** A plain-language summary of what changed, for the changelog and notifications. */
  summary: text,
  /** The policy this one supplements (e.g. a mail policy supplementing the general one). */
  supplements: policyId.optional(),
  /** Language of this version (BCP 47), default "en". */
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/).default('en'),
  /** For a translation: the policy and version it translates. */
  translationOf: z.strictObject({ policy: policyId, version: versionNumber }).optional(),
  /** Edits after publication: each needs a date and a reason. */
  corrections: z.array(z.strictObject({ date: day, reason: text })).default([]),
  facts: facts.optional(),
  /** Set by `candor policy import`: the file this version was made from. While it is set and facts are missing, check warns (POLICY_FACTS_TODO). */
  imported: z.strictObject({ from: text }).optional(),
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
