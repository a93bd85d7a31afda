/** Reads every transparency report under content/transparency/ (the core parses and checks). */
import path from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import { isCandorError } from '../core/errors.ts';
import { problemsFromError, type Problem } from '../core/policy/problems.ts';
import type { Report } from '../core/report/model.ts';
import { parseReport } from '../core/report/parse.ts';
import type { Project } from './project.ts';

export interface ReportSet {
  /** Sorted by period start. */
  reports: Report[];
  /** Detached signatures over each report's canonical JSON, by report id. */
  signatures: Map<string, string>;
  problems: Problem[];
}

export const reportsDir = (project: Project): string => path.join(project.content, 'transparency');

export async function readReports(project: Project): Promise<ReportSet> {
  const dir = reportsDir(project);
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  const reports: Report[] = [];
  const signatures = new Map<string, string>();
  const problems: Problem[] = [];
  for (const name of names) {
    if (name.endsWith('.json.asc')) signatures.set(name.slice(0, -'.json.asc'.length), await readFile(path.join(dir, name), 'utf8'));
    if (!name.endsWith('.md') || name === 'README.md') continue;
    const rel = `transparency/${name}`;
    try {
      reports.push(parseReport(await readFile(path.join(dir, name), 'utf8'), rel));
    } catch (error) {
      if (!isCandorError(error)) throw error;
      problems.push(...problemsFromError(error, `content/${rel}`));
    }
  }
  reports.sort((a, b) => a.period.start.localeCompare(b.period.start));
  return { reports, signatures, problems };
}
