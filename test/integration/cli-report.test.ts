/** candor report new/show/export/sign, and the report rules in candor check (exit codes, codes named). */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { FIXTURE_SPECS, reportSource, type ReportSpec } from '../helpers/report.ts';

const exec = promisify(execFile);
const NOW = '2026-03-01T12:00:00Z';
let p: TestProject;

const dir = () => path.join(p.root, 'content', 'transparency');
async function writeReport(spec: ReportSpec): Promise<void> {
  await mkdir(dir(), { recursive: true });
  await writeFile(path.join(dir(), `${spec.id}.md`), reportSource(spec));
}
async function checkCodes(): Promise<{ code: number; codes: string[] }> {
  const result = await p.cli(['check', '--json'], { now: NOW });
  return { code: result.code, codes: (JSON.parse(result.out).problems as { code: string }[]).map((x) => x.code) };
}

beforeEach(async () => {
  p = await makeProject();
  for (const spec of FIXTURE_SPECS) await writeReport(spec);
});
afterEach(async () => {
  await p.cleanup();
});

describe('candor report', () => {
  it('shows totals and tables, computed from the rows', async () => {
    const result = await p.cli(['report', 'show', '2025-h2'], { now: NOW });
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/requests received\s+11/);
    const json = JSON.parse((await p.cli(['report', 'show', '2025-h2', '--json'], { now: NOW })).out);
    expect(json.totals.received).toEqual({ exact: 11 });
  });

  it('exports CSV that parses back to the same numbers, JSON, and the schema', async () => {
    const csv = (await p.cli(['report', 'export', '--csv'], { now: NOW })).out;
    const rows = parseCsv<Record<string, string>>(csv, { columns: true });
    expect(rows.filter((r) => r['report'] === '2025-h2').reduce((sum, r) => sum + Number(r['received']), 0)).toBe(11);
    const json = JSON.parse((await p.cli(['report', 'export', '--json'], { now: NOW })).out);
    expect(json.reports.map((r: { id: string }) => r.id)).toEqual(['2025-h1', '2025-h2']);
    expect(JSON.parse((await p.cli(['report', 'export', '--schema'], { now: NOW })).out).$schema).toContain('2020-12');
    expect((await p.cli(['report', 'export'], { now: NOW })).code).toBe(64);
  });

  it('signs the canonical JSON: gpg verifies it, check accepts it, and flags it once the numbers change', async () => {
    expect((await checkCodes()).codes).toContain('REPORT_UNSIGNED');
    const signed = await p.cli(['report', 'sign', '2025-h1', '--key', p.keyFile(p.signers[0]!)], { now: NOW });
    expect(signed.code, signed.err).toBe(0);
    expect((await checkCodes()).codes.filter((c) => c.startsWith('REPORT_SIGNATURE'))).toEqual([]);
    const home = path.join(p.secrets, 'gnupg');
    await mkdir(home, { recursive: true, mode: 0o700 });
    await exec('gpg', ['--homedir', home, '--batch', '--import', path.join(p.root, 'keys', `${p.signers[0]!.ref.fingerprint}.asc`)]);
    const canonical = path.join(p.secrets, 'canonical.json');
    const { reportToJson } = await import('../../src/core/report/export.ts');
    const { parseReport } = await import('../../src/core/report/parse.ts');
    await writeFile(canonical, reportToJson(parseReport(await readFile(path.join(dir(), '2025-h1.md'), 'utf8'), 'transparency/2025-h1.md')));
    const gpg = await exec('gpg', ['--homedir', home, '--batch', '--status-fd', '1', '--verify', path.join(dir(), '2025-h1.json.asc'), canonical]);
    expect(gpg.stdout).toContain(`VALIDSIG ${p.signers[0]!.ref.fingerprint}`);
    await writeReport({ ...FIXTURE_SPECS[0]!, exclusions: ['A changed exclusion.'] });
    const after = await checkCodes();
    expect(after.code).toBe(65);
    expect(after.codes).toContain('REPORT_SIGNATURE_INVALID');
  });

  it('starts the next report from the last one', async () => {
    expect((await p.cli(['report', 'new', '2026-h1'], { now: '2026-07-02T00:00:00Z' })).code).toBe(0);
    const source = await readFile(path.join(dir(), '2026-h1.md'), 'utf8');
    expect(source).toContain('start: 2026-01-01');
    expect(source).toContain('end: 2026-06-30');
    expect((await p.cli(['report', 'new', '2026-h1'])).code).toBe(65);
    expect((await p.cli(['report', 'new', 'soon'])).code).toBe(64);
  });
});

describe('bad reports', () => {
  const bad = async (spec: ReportSpec) => {
    await writeReport(spec);
    return checkCodes();
  };
  const h2 = FIXTURE_SPECS[1]!;
  const firstRow = (over: Record<string, unknown>) => ({ ...h2, requests: [{ ...h2.requests![0], ...over }, ...h2.requests!.slice(1)] });

  it.each([
    ['counts that do not add up', firstRow({ received: 10 }), 'OUTCOMES_MISMATCH'],
    ['a negative count', firstRow({ usersNotified: -1 }), 'SCHEMA_INVALID'],
    ['a fractional count', firstRow({ usersNotified: 1.5 }), 'SCHEMA_INVALID'],
    ['a band with lower > upper', firstRow({ gagOrders: { band: [5, 1], basis: 'law' } }), 'BAND_INVALID'],
    ['an unknown country code', firstRow({ country: 'XX' }), 'SCHEMA_INVALID'],
  ])('%s: a clear error and exit 65', async (_label, spec, code) => {
    const result = await bad(spec);
    expect(result.code).toBe(65);
    expect(result.codes).toContain(code);
  });

  it('overlapping periods', async () => {
    await writeReport({ id: '2025', cadence: 'yearly', requests: [] });
    const result = await checkCodes();
    expect(result.code).toBe(65);
    expect(result.codes).toContain('PERIOD_OVERLAP');
  });
});
