/**
 * The shipped `candor policy import` in a throwaway operator repository: a saved page, then
 * a folder of snapshots; `candor check` then passes with warnings for the summaries and
 * facts to write, and nothing else; a file with no date is refused with a typed error.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/candor-bin.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'import');
let project: TestProject;
let tmp: string;

beforeAll(async () => {
  project = await makeProject();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'candor-import-'));
});
afterAll(async () => {
  await project.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

interface Checked {
  problems: { level: string; code: string }[];
}

describe('candor policy import, as installed', () => {
  it('imports a saved page and a folder of snapshots; check lists what is left to write as warnings', async () => {
    const page = await project.cli(['policy', 'import', path.join(FIXTURES, 'saved-page.html'), '--policy', 'pebble']);
    expect(page.code, page.out + page.err).toBe(0);
    const history = await project.cli(['policy', 'import', path.join(FIXTURES, 'snapshots'), '--policy', 'driftwood']);
    expect(history.code, history.out + history.err).toBe(0);
    expect(history.out).toContain('1 identical snapshot(s) collapsed');
    expect((await readdir(path.join(project.root, 'content', 'policies', 'driftwood'))).sort()).toEqual(['1.0.md', '1.1.md', '2.0.md']);
    expect(await readFile(path.join(project.root, 'content', 'policies', 'pebble', '1.0.md'), 'utf8')).toBe(
      await readFile(path.join(REPO, 'test', 'golden', 'files', 'import', 'pebble', '1.0.md'), 'utf8'),
    );

    // Today is after every imported version: they are history, not announcements.
    const check = await project.cli(['check', '--json'], { now: '2026-11-23T12:00:00Z' });
    expect(check.code, check.out + check.err).toBe(0);
    const policyCodes = (JSON.parse(check.out) as Checked).problems.filter((p) =>
      /^(POLICY_|IMPORTED_|NOTICE|VERSION|SAME_DAY|PUBLISHED|EDITORIAL)/.test(p.code),
    );
    expect([...new Set(policyCodes.map((p) => `${p.level}:${p.code}`))].sort()).toEqual([
      'note:IMPORTED_NOTICE',
      'warning:POLICY_FACTS_TODO',
      'warning:POLICY_SUMMARY_TODO',
    ]);
    expect((JSON.parse(check.out) as Checked).problems.filter((p) => p.level === 'error')).toEqual([]);
    // The same page again is no new version; a version that exists is never overwritten.
    const again = await project.cli(['policy', 'import', path.join(FIXTURES, 'saved-page.html'), '--policy', 'pebble']);
    expect([again.code, again.err]).toEqual([65, expect.stringContaining('IMPORT_UNCHANGED')]);
    const over = await project.cli(['policy', 'import', path.join(FIXTURES, 'markdown-policy.md'), '--policy', 'pebble', '--version', '1.0']);
    expect([over.code, over.err]).toEqual([65, expect.stringContaining('COMPOSE_REFUSED')]);
  });

  it('a file without any date is refused with IMPORT_DATE_MISSING; --effective fixes it', async () => {
    const file = path.join(tmp, 'policy.txt');
    await writeFile(file, 'Our policy\n\n1. Data\n\nWe keep nothing.\n');
    const refused = await project.cli(['policy', 'import', file, '--policy', 'undated']);
    expect(refused.code).toBe(65);
    expect(refused.err).toContain('IMPORT_DATE_MISSING');
    expect(refused.err).toContain('--effective');
    const fixed = await project.cli(['policy', 'import', file, '--policy', 'undated', '--effective', '2023-02-01']);
    expect(fixed.code, fixed.err).toBe(0);
    expect(await readFile(path.join(project.root, 'content', 'policies', 'undated', '1.0.md'), 'utf8')).toContain('effective: 2023-02-01');
  });
});
