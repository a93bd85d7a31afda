/** candor report: new, show (terminal tables), export (CSV, JSON, schema), sign. */
import path from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { canonicalJson } from '../../core/canonical.ts';
import { ContentError, UsageError } from '../../core/errors.ts';
import { see } from '../../core/docs-links.ts';
import { fingerprintOf } from '../../core/pgp/keys.ts';
import { errorFromProblems } from '../../core/policy/problems.ts';
import { summarize, acrossReports } from '../../core/report/compute.ts';
import { countTotal } from '../../core/report/count.ts';
import { REPORT_JSON_SCHEMA, reportJsonObject, reportToJson, reportsToCsv } from '../../core/report/export.ts';
import type { Report } from '../../core/report/model.ts';
import type { Total } from '../../core/report/output.ts';
import { addDays, periodOfStem, STEM_EXAMPLE, type Cadence, type Period } from '../../core/report/period.ts';
import { signReportJson } from '../../core/report/signature.ts';
import { exists, relative, writeFileAtomic } from '../../io/files.ts';
import { readSigningKey } from '../../io/keyring.ts';
import { readReports, reportsDir } from '../../io/read-reports.ts';
import type { Context } from '../context.ts';
import { keySourceOptions, toKeySource } from './attest.ts';

export function formatTotal(t: Total): string {
  if ('exact' in t) return String(t.exact);
  if ('unknown' in t) return '?';
  return t.lower === t.upper ? String(t.lower) : `${t.lower}–${t.upper}`;
}

async function findReport(ctx: Context, id: string): Promise<{ report: Report; all: Report[] }> {
  const set = await readReports(ctx.project);
  const report = set.reports.find((r) => r.id === id);
  if (!report) {
    const broken = set.problems.filter((p) => p.file.endsWith(`/${id}.md`));
    if (broken.length > 0) throw errorFromProblems(broken);
    throw new UsageError('USAGE', 'no such report', {
      field: 'period',
      expected: set.reports.map((r) => r.id).join(', ') || 'a file under content/transparency/',
      received: id,
      hint: see('report', 'A period is a year and half, as in 2026-h2; `candor report new PERIOD` starts one.'),
    });
  }
  return { report, all: set.reports };
}

const OUTCOME_LABELS: Record<string, string> = {
  contentDisclosed: 'content disclosed',
  nonContentDisclosed: 'non-content disclosed',
  noData: 'no data',
  rejected: 'rejected',
  contested: 'contested in court',
  narrowed: 'narrowed',
  withdrawn: 'withdrawn',
  pending: 'pending',
};

function table(title: string, rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length), 8);
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value.padStart(6)}`)];
}

export async function show(id: string, flags: { json?: boolean }, ctx: Context): Promise<void> {
  const { report } = await findReport(ctx, id);
  const s = summarize(report);
  if (flags.json) return ctx.io.out(JSON.stringify(s, null, 2));
  ctx.io.out(
    [
      `${report.title} (${report.period.start} to ${report.period.end}), published ${report.published}, next due ${report.nextReportDue}`,
      ...table('Totals', [
        ['requests received', formatTotal(s.totals.received)],
        ['accounts specified', formatTotal(s.totals.accountsSpecified)],
        ['accounts affected', formatTotal(s.totals.accountsAffected)],
        ['users notified', formatTotal(s.totals.usersNotified)],
        ['gag orders', formatTotal(s.totals.gagOrders)],
      ]),
      ...table(
        'Outcomes',
        Object.entries(s.totals.outcomes).map(([k, t]) => [OUTCOME_LABELS[k] ?? k, formatTotal(t)]),
      ),
      ...table(
        'By country',
        s.byCountry.map((c) => [`${c.country} ${c.name}`, formatTotal(c.totals.received)]),
      ),
      ...table(
        'By requester',
        s.byRequesterType.map((r) => [r.requesterType, formatTotal(r.totals.received)]),
      ),
      ...(s.nationalSecurity.length
        ? table(
            'National security',
            s.nationalSecurity.map((n) => [n.kind, formatTotal(countTotal(n.received))]),
          )
        : []),
    ].join('\n'),
  );
}

interface ExportFlags {
  csv?: boolean;
  json?: boolean;
  schema?: boolean;
  out?: string;
}

export async function exportReports(flags: ExportFlags, ctx: Context): Promise<void> {
  if ([flags.csv, flags.json, flags.schema].filter(Boolean).length !== 1)
    throw new UsageError('USAGE', 'choose one format', { expected: '--csv, --json or --schema', received: 'none or several' });
  const set = await readReports(ctx.project);
  const text = flags.csv
    ? reportsToCsv(set.reports)
    : flags.schema
      ? `${JSON.stringify(REPORT_JSON_SCHEMA, null, 2)}\n`
      : `${canonicalJson({ reports: set.reports.map(reportJsonObject), across: acrossReports(set.reports) })}\n`;
  if (!flags.out) return ctx.io.out(text.replace(/\r?\n$/, ''));
  await writeFileAtomic(flags.out, text);
  ctx.io.out(`Wrote ${flags.out}`);
}

/** Signs the canonical JSON of a report: content/transparency/<id>.json.asc. */
export async function sign(id: string, flags: Parameters<typeof toKeySource>[0], ctx: Context): Promise<string> {
  const { report } = await findReport(ctx, id);
  const key = await readSigningKey(toKeySource(flags), ctx.env);
  const file = path.join(reportsDir(ctx.project), `${id}.json.asc`);
  await writeFileAtomic(file, await signReportJson(reportToJson(report), key, { now: ctx.now }));
  ctx.io.out(`Signed ${id} with ${fingerprintOf(key)}: ${relative(ctx.project.root, file)}`);
  return file;
}

function periodAfter(period: Period, cadence: Cadence): Period {
  const start = addDays(period.end, 1);
  const year = start.slice(0, 4);
  const month = Number(start.slice(5, 7));
  const stem = cadence === 'yearly' ? year : cadence === 'quarterly' ? `${year}-q${(month + 2) / 3}` : `${year}-h${month === 1 ? 1 : 2}`;
  return periodOfStem(stem, cadence)!;
}

/** Starts the next report from the last one: same definitions and counting unit, no rows yet. */
export async function newReport(id: string, ctx: Context): Promise<string> {
  const set = await readReports(ctx.project);
  const last = set.reports.at(-1);
  const file = path.join(reportsDir(ctx.project), `${id}.md`);
  if (await exists(file)) throw new ContentError('COMPOSE_REFUSED', 'that report exists', { file: relative(ctx.project.root, file) });
  const cadence = last?.cadence ?? 'half-yearly';
  const period = periodOfStem(id, cadence);
  if (!period) throw new UsageError('USAGE', 'not a period name', { field: 'period', expected: STEM_EXAMPLE[cadence], received: id });
  const published = addDays(period.end, 1) > ctx.now.toISOString().slice(0, 10) ? addDays(period.end, 1) : ctx.now.toISOString().slice(0, 10);
  // The next report is due a month after the next period ends.
  const nextReportDue = addDays(periodAfter(period, cadence).end, 31);
  const front = {
    title: `Transparency report ${id}`,
    period,
    cadence,
    published,
    nextReportDue,
    countingUnit: last?.countingUnit ?? 'One legal request document, however many accounts it names.',
    definitions: last?.definitions ?? {},
    exclusions: last?.exclusions ?? [],
    requests: [],
    nationalSecurity: [],
  };
  await writeFileAtomic(file, `---\n${stringify(front, { lineWidth: 0 })}---\n\n## Notable requests\n\n## Methodology\n`);
  ctx.io.out(`Started ${relative(ctx.project.root, file)}: set the period, the dates and the request rows, then run candor check.`);
  return file;
}

export function reportCommand(program: Command, ctx: () => Context): void {
  const report = program.command('report').description('transparency reports: new, show, export, sign');
  report
    .command('new')
    .description('start the report of a period (e.g. 2026-h2) from the last one')
    .argument('<period>')
    .action(async (id: string) => {
      await newReport(id, ctx());
    });
  report
    .command('show')
    .description('totals and tables of one report in the terminal')
    .argument('<period>')
    .option('--json', 'the computed summary as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      await show(id, flags, ctx());
    });
  report
    .command('export')
    .description('every report as CSV (RFC 4180), JSON, or the JSON Schema')
    .option('--csv')
    .option('--json')
    .option('--schema')
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .action(async (flags: ExportFlags) => {
      await exportReports(flags, ctx());
    });
  keySourceOptions(
    report.command('sign').description("sign a report's canonical JSON (detached, content/transparency/<period>.json.asc)").argument('<period>'),
  ).action(async (id: string, flags: Parameters<typeof toKeySource>[0]) => {
    await sign(id, flags, ctx());
  });
}
