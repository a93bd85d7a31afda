/**
 * Downloads: CSV (one row per request row, for spreadsheets and for appending period
 * after period) and canonical JSON (the data plus computed totals, the bytes that are
 * signed), with the JSON Schema the JSON validates against.
 */
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { canonicalJson } from '../canonical.ts';
import { summarize } from './compute.ts';
import { type Count, type Report, type RequestRow } from './model.ts';
import { jsonSchemaMeta, reportJson, type ReportJson } from './output.ts';

/**
 * CSV representation (stable; never reorder or rename, only append new columns at the end):
 * - an exact count is written as digits: `12`;
 * - a band as `lower-upper`: `0-249`;
 * - a suppressed count as an empty cell, and the last column `suppressed` lists every
 *   suppressed cell of the row as `column<threshold`, separated by `;`
 *   (e.g. `no_data<10;users_notified<10`), so an empty cell is never ambiguous.
 * Rejection reasons, notes and national-security rows are in the JSON only.
 * RFC 4180: CRLF after every record, fields quoted when they hold `,` `"` CR or LF, UTF-8 without BOM.
 */
const COUNT_COLUMNS = {
  received: (r: RequestRow) => r.received,
  accounts_specified: (r: RequestRow) => r.accountsSpecified,
  accounts_affected: (r: RequestRow) => r.accountsAffected,
  content_disclosed: (r: RequestRow) => r.outcomes.contentDisclosed,
  non_content_disclosed: (r: RequestRow) => r.outcomes.nonContentDisclosed,
  no_data: (r: RequestRow) => r.outcomes.noData,
  rejected: (r: RequestRow) => r.outcomes.rejected,
  contested: (r: RequestRow) => r.outcomes.contested,
  narrowed: (r: RequestRow) => r.outcomes.narrowed,
  withdrawn: (r: RequestRow) => r.outcomes.withdrawn,
  pending: (r: RequestRow) => r.outcomes.pending,
  users_notified: (r: RequestRow) => r.usersNotified,
  gag_orders: (r: RequestRow) => r.gagOrders,
} satisfies Record<string, (r: RequestRow) => Count>;

const LABEL_COLUMNS = ['period_start', 'period_end', 'report', 'country', 'requester_type', 'legal_process', 'channel', 'data_category'] as const;
export const CSV_COLUMNS: readonly string[] = [...LABEL_COLUMNS, ...Object.keys(COUNT_COLUMNS), 'suppressed'];

/** `12`, `0-249`, or '' for a suppressed count. */
export function formatCount(c: Count): string {
  if (typeof c === 'number') return String(c);
  return 'band' in c ? `${c.band[0]}-${c.band[1]}` : '';
}

function csvRecord(report: Report, row: RequestRow): string[] {
  const counts = Object.entries(COUNT_COLUMNS).map(([column, pick]) => [column, pick(row)] as const);
  const suppressed = counts.flatMap(([column, c]) => (typeof c === 'object' && 'suppressed' in c ? [`${column}<${c.threshold}`] : []));
  const labels = [report.period.start, report.period.end, report.id, row.country, row.requesterType, row.legalProcess, row.channel, row.dataCategory];
  return [...labels, ...counts.map(([, c]) => formatCount(c)), suppressed.join(';')];
}

/** All request rows of `reports`, oldest period first, rows in file order, with a header row. */
export function reportsToCsv(reports: Report[]): string {
  const sorted = [...reports].sort((a, b) => a.period.start.localeCompare(b.period.start));
  const records = sorted.flatMap((report) => report.requests.map((row) => csvRecord(report, row)));
  // csv-stringify only quotes the whole CRLF delimiter; RFC 4180 wants a lone CR or LF quoted too.
  return stringify(records, { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

/** The JSON download as an object: the report's data (defaults filled in) and its summary. */
export function reportJsonObject(report: Report): ReportJson {
  const { id: _id, path: _path, body: _body, source: _source, ...data } = report;
  return { format: 'candor-transparency-report', formatVersion: 1, id: report.id, ...data, summary: summarize(report) };
}

/** Canonical JSON text (sorted keys, final LF): the exact bytes published and signed. */
export function reportToJson(report: Report): string {
  return `${canonicalJson(reportJsonObject(report))}\n`;
}

/** JSON Schema (2020-12) of reportToJson's output; shared shapes are in $defs. */
export const REPORT_JSON_SCHEMA = {
  ...z.toJSONSchema(reportJson, { metadata: jsonSchemaMeta }),
  title: 'Candor transparency report',
  description: `One transparency report: the data as published and the totals computed from it (summary). The CSV download has one row per request row with the columns ${CSV_COLUMNS.join(', ')}; a count there is written as 12, a band as 0-249, and a suppressed count as an empty cell, listed in the last column "suppressed" as column<threshold, separated by ";".`,
} as const;
