/**
 * The shapes Candor computes and publishes (JSON download, site data), as zod schemas
 * so that the TypeScript types and REPORT_JSON_SCHEMA come from one definition.
 */
import { z } from 'zod';
import { day } from '../policy/model.ts';
import { count, nationalSecurityRow, OUTCOME_KEYS, reportFrontMatter, requestRow, type Outcomes } from './model.ts';

/**
 * Names and descriptions for REPORT_JSON_SCHEMA: a schema registered here becomes one
 * entry of $defs, named, instead of being repeated at every use. A registry of our own rather
 * than zod's global one, so that no other module's ids can collide with these.
 */
export const jsonSchemaMeta = z.registry<{ id: string; description?: string }>();
jsonSchemaMeta.add(count, {
  id: 'Count',
  description:
    'A count as published: an integer; {band: [lower, upper], basis} where the law allows only ranges; or {suppressed: reason, threshold} for "fewer than threshold", read as 0 to threshold-1.',
});
jsonSchemaMeta.add(day, { id: 'Day', description: 'A calendar day (UTC), YYYY-MM-DD.' });
jsonSchemaMeta.add(requestRow, {
  id: 'RequestRow',
  description: 'One combination of country, requester type, legal process, channel and data category, as published.',
});
jsonSchemaMeta.add(nationalSecurityRow, { id: 'NationalSecurityRow' });

const whole = z.int().min(0);

/**
 * A computed total. Exact counts add up exactly; a band or a suppressed count makes the
 * total a range (a suppressed count stands for 0 to threshold-1); a count that cannot be
 * read (a band whose lower bound is above its upper bound) makes it unknown.
 */
export const total = z
  .union([
    z.strictObject({ exact: whole }),
    z.strictObject({ lower: whole, upper: whole, basis: z.array(z.string()) }),
    z.strictObject({ unknown: z.literal(true), reasons: z.array(z.string()).min(1) }),
  ])
  .register(jsonSchemaMeta, {
    id: 'Total',
    description:
      'A computed total: {exact}; or {lower, upper, basis} when a band or a suppressed count is involved, basis giving the legal basis of each band and the reason of each suppression; or {unknown, reasons} when a count cannot be read.',
  });
export type Total = z.infer<typeof total>;

/** A percentage of requests received, one decimal; null unless every count involved is exact and received is not 0. */
const percent = z.number().min(0).nullable().register(jsonSchemaMeta, {
  id: 'Percent',
  description: 'A share of requests received in percent, one decimal; null unless every count involved is exact and received is not 0.',
});

const perOutcome = <T extends z.ZodType>(schema: T) => z.strictObject(Object.fromEntries(OUTCOME_KEYS.map((k) => [k, schema])) as Record<keyof Outcomes, T>);

export const totals = z
  .strictObject({
    /** How many request rows were added up. */
    rows: whole,
    received: total,
    accountsSpecified: total,
    accountsAffected: total,
    outcomes: perOutcome(total),
    usersNotified: total,
    gagOrders: total,
  })
  .register(jsonSchemaMeta, { id: 'Totals' });
export type Totals = z.infer<typeof totals>;

/** Each outcome's share, and `disclosed`: requests where some data (content or non-content) was disclosed. */
export const rates = perOutcome(percent).extend({ disclosed: percent }).register(jsonSchemaMeta, { id: 'Rates' });
export type Rates = z.infer<typeof rates>;

const tally = { totals, rates };
export const breakdown = z.strictObject({
  ...tally,
  rejectionReasons: z.array(z.strictObject({ reason: z.string(), total })),
  byCountry: z.array(z.strictObject({ country: z.string(), name: z.string(), ...tally })),
  byRequesterType: z.array(z.strictObject({ requesterType: z.string(), ...tally })),
  byChannel: z.array(z.strictObject({ channel: z.string(), ...tally })),
  byDataCategory: z.array(z.strictObject({ dataCategory: z.string(), ...tally })),
});
export type Breakdown = z.infer<typeof breakdown>;

export const reportSummary = breakdown.extend({ nationalSecurity: reportFrontMatter.shape.nationalSecurity.unwrap() });
export type ReportSummary = z.infer<typeof reportSummary>;

export const periodTotals = z.strictObject({
  report: z.string(),
  period: z.strictObject({ start: z.string(), end: z.string() }),
  cadence: reportFrontMatter.shape.cadence,
  ...tally,
});
export type PeriodTotals = z.infer<typeof periodTotals>;

export const acrossSummary = breakdown.extend({
  reports: z.array(z.string()),
  period: z.strictObject({ start: z.string(), end: z.string() }).nullable(),
});
export type AcrossSummary = z.infer<typeof acrossSummary>;

/** The JSON download of one report: its data as published plus the computed summary. */
export const reportJson = reportFrontMatter.extend({
  format: z.literal('candor-transparency-report'),
  formatVersion: z.literal(1),
  /** The file stem, e.g. 2025-h1. */
  id: z.string(),
  summary: reportSummary,
});
export type ReportJson = z.infer<typeof reportJson>;
