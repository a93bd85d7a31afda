/**
 * A transparency report: one file per period, content/transparency/<period>.md, with
 * the data in front matter and the narrative in the body (docs/content.md).
 * Totals and percentages are always computed, never typed in.
 */
import { z } from 'zod';
import { day } from '../policy/model.ts';

const text = z.string().trim().min(1);
const whole = z.int().min(0);

/**
 * A count is exact, a band (the law allows only ranges, e.g. US national-security
 * letters in bands of 250), or suppressed (too few to publish without identifying someone).
 */
export const count = z.union([
  whole,
  z.strictObject({ band: z.tuple([whole, whole]), basis: text }),
  z.strictObject({ suppressed: text, threshold: z.int().min(1) }),
]);
export type Count = z.infer<typeof count>;

export const requesterType = z.enum(['law-enforcement', 'prosecutor', 'court', 'intelligence', 'regulator', 'civil-litigant', 'other']);
export const channel = z.enum(['direct', 'domestic-authority', 'mlat', 'eio', 'emergency', 'other']);
export const dataCategory = z.enum(['subscriber', 'traffic', 'content', 'mixed']);

export const outcomes = z.strictObject({
  contentDisclosed: count.default(0),
  nonContentDisclosed: count.default(0),
  noData: count.default(0),
  rejected: count.default(0),
  contested: count.default(0),
  narrowed: count.default(0),
  withdrawn: count.default(0),
  pending: count.default(0),
});
export type Outcomes = z.infer<typeof outcomes>;
export const OUTCOME_KEYS = Object.keys(outcomes.shape) as (keyof Outcomes)[];

export const requestRow = z.strictObject({
  /** ISO 3166-1 alpha-2 code of the requesting country, e.g. DE. */
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as DE'),
  requesterType,
  /** The legal instrument as the service records it, e.g. "production order". */
  legalProcess: text,
  channel,
  dataCategory,
  received: count,
  accountsSpecified: count,
  accountsAffected: count,
  /** Outcomes are exclusive final states; for exact rows they add up to `received`. */
  outcomes,
  /** Why requests were rejected, each with how many. */
  rejectionReasons: z.array(z.strictObject({ reason: text, count })).default([]),
  usersNotified: count.default(0),
  gagOrders: count.default(0),
  note: text.optional(),
});
export type RequestRow = z.infer<typeof requestRow>;

export const nationalSecurityRow = z.strictObject({
  /** e.g. "National security letters", "FISA orders (content)". */
  kind: text,
  received: count,
  accountsAffected: count,
});

export const reportFrontMatter = z.strictObject({
  title: text,
  period: z.strictObject({ start: day, end: day }),
  cadence: z.enum(['quarterly', 'half-yearly', 'yearly']),
  published: day,
  nextReportDue: day,
  /** What one "request" is, e.g. "one legal document, whatever the number of accounts it names". */
  countingUnit: text,
  definitions: z.record(z.string(), text).default({}),
  exclusions: z.array(text).default([]),
  requests: z.array(requestRow),
  nationalSecurity: z.array(nationalSecurityRow).default([]),
  corrections: z.array(z.strictObject({ date: day, reason: text })).default([]),
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
