/**
 * A transparency report: one file per period, content/transparency/<period>.md, with
 * the data in front matter and the narrative in the body (docs/content.md).
 * Totals and percentages are always computed, never typed in.
 */
import { z } from 'zod';
import { correction, day } from '../policy/model.ts';

// Each `.describe()` is what an error says the field expects (src/core/content/schema-errors.ts).
const text = z.string().trim().min(1);
const line = (what: string) => text.describe(what);
const whole = z.int().min(0).describe('a whole number, 0 or more, e.g. 12');

/**
 * A count is exact, a band (the law allows only ranges, e.g. US national-security
 * letters in bands of 250), or suppressed (too few to publish without identifying someone).
 */
export const count = z
  .union([
    whole,
    z.strictObject({
      band: z.tuple([whole, whole]).describe('[lower, upper], e.g. [0, 249]'),
      basis: line('why only a band is published, e.g. "US law allows bands of 250"'),
    }),
    z.strictObject({
      suppressed: line('why the figure is withheld, e.g. "fewer than 5: could identify the user"'),
      threshold: z.int().min(1).describe('the smallest figure that would be published, e.g. 5'),
    }),
  ])
  .describe('a count: a whole number (e.g. 12), a band { band: [0, 249], basis } or { suppressed: reason, threshold }');
export type Count = z.infer<typeof count>;

export const requesterType = z
  .enum(['law-enforcement', 'prosecutor', 'court', 'intelligence', 'regulator', 'civil-litigant', 'other'])
  .describe('who made the request');
export const channel = z.enum(['direct', 'domestic-authority', 'mlat', 'eio', 'emergency', 'other']).describe('how the request reached the service');
export const dataCategory = z.enum(['subscriber', 'traffic', 'content', 'mixed']).describe('the kind of data asked for');

export const outcomes = z
  .strictObject({
    contentDisclosed: count.default(0),
    nonContentDisclosed: count.default(0),
    noData: count.default(0),
    rejected: count.default(0),
    contested: count.default(0),
    narrowed: count.default(0),
    withdrawn: count.default(0),
    pending: count.default(0),
  })
  .describe('the outcomes { contentDisclosed, nonContentDisclosed, noData, rejected, contested, narrowed, withdrawn, pending }, each a count');
export type Outcomes = z.infer<typeof outcomes>;
export const OUTCOME_KEYS = Object.keys(outcomes.shape) as (keyof Outcomes)[];

export const requestRow = z
  .strictObject({
    /** ISO 3166-1 alpha-2 code of the requesting country, e.g. DE. */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .describe("the requesting country's ISO 3166-1 alpha-2 code, e.g. DE"),
    requesterType,
    /** The legal instrument as the service records it, e.g. "production order". */
    legalProcess: line('the legal instrument, e.g. "production order"'),
    channel,
    dataCategory,
    received: count,
    accountsSpecified: count,
    accountsAffected: count,
    /** Outcomes are exclusive final states; for exact rows they add up to `received`. */
    outcomes,
    /** Why requests were rejected, each with how many. */
    rejectionReasons: z
      .array(z.strictObject({ reason: line('why requests were rejected, e.g. "no legal basis"'), count }))
      .describe('a list of { reason, count }')
      .default([]),
    usersNotified: count.default(0),
    gagOrders: count.default(0),
    note: line('a remark shown with the row').optional(),
  })
  .describe('a request row: country, requesterType, legalProcess, channel, dataCategory, received, accountsSpecified, accountsAffected, outcomes');
export type RequestRow = z.infer<typeof requestRow>;

export const nationalSecurityRow = z
  .strictObject({
    /** e.g. "National security letters", "FISA orders (content)". */
    kind: line('the kind of demand, e.g. "National security letters"'),
    received: count,
    accountsAffected: count,
  })
  .describe('{ kind, received, accountsAffected }');

export const reportFrontMatter = z.strictObject({
  title: line('the report\'s title, e.g. "Transparency report, first half of 2025"'),
  period: z
    .strictObject({
      start: day.describe('the first day covered, YYYY-MM-DD, e.g. 2025-01-01'),
      end: day.describe('the last day covered, YYYY-MM-DD, e.g. 2025-06-30'),
    })
    .describe('{ start, end }, e.g. { start: 2025-01-01, end: 2025-06-30 }'),
  cadence: z.enum(['quarterly', 'half-yearly', 'yearly']).describe('how often reports are published'),
  published: day.describe('the day the report was published, YYYY-MM-DD, e.g. 2025-07-15'),
  nextReportDue: day.describe('the day the next report is promised, YYYY-MM-DD, e.g. 2026-01-31'),
  /** What one "request" is, e.g. "one legal document, whatever the number of accounts it names". */
  countingUnit: line('what one request is, e.g. "one legal document, whatever the number of accounts it names"'),
  definitions: z
    .record(z.string(), line('what the term means'))
    .describe('terms and their meanings, e.g. { emergency: "a request about a threat to life" }')
    .default({}),
  exclusions: z.array(line('one thing the report does not count')).describe('a list of what is not counted').default([]),
  requests: z.array(requestRow).describe('a list of request rows ([] when there were none)'),
  nationalSecurity: z.array(nationalSecurityRow).describe('a list of { kind, received, accountsAffected }').default([]),
  corrections: z.array(correction).describe('a list of { date, reason }').default([]),
});
export type ReportFrontMatter = z.infer<typeof reportFrontMatter>;

export interface Report extends ReportFrontMatter {
  /** The file's stem, e.g. 2025-h1. */
  id: string;
  /** Path under content/, e.g. transparency/2025-h1.md. */
  path: string;
  body: string;
  source: string;
}
