/** candor policy list / diff / new, and the policy rules in candor check, on a throwaway repository. */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { RETENTION_30, RETENTION_45, versionSource, type VersionSpec } from '../helpers/policy.ts';

const exec = promisify(execFile);
const NOW = '2026-11-23T12:00:00Z';
let p: TestProject;

async function writeVersion(spec: VersionSpec, policy = 'privacy'): Promise<string> {
  const file = path.join(p.root, 'content', 'policies', policy, `${spec.version}.md`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, versionSource(spec));
  return file;
}

async function policyCodes(args: string[] = []): Promise<string[]> {
  const result = await p.cli(['check', '--json', ...args], { now: NOW });
  return (JSON.parse(result.out).problems as { code: string }[]).map((x) => x.code);
}

beforeEach(async () => {
  p = await makeProject();
  await writeVersion({
    version: '1.0',
    effective: '2025-01-01',
    change: 'material',
    summary: 'First version.',
    facts: RETENTION_45,
    body: '## 1. Backups\n\nWe keep backups of deleted mail for 45 days.\n',
  });
  await writeVersion({
    version: '2.0',
    published: '2026-09-01',
    effective: '2026-10-15',
    change: 'material',
    summary: 'Shorter backups.',
    facts: RETENTION_30,
    body: '## 1. Backups\n\nWe keep backups of deleted mail for 30 days.\n',
  });
});
afterEach(async () => {
  await p.cleanup();
});

describe('candor policy', () => {
  it('lists versions with their status', async () => {
    const result = await p.cli(['policy', 'list', '--json'], { now: NOW });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)[0].versions.map((v: { version: string; status: string }) => `${v.version}:${v.status}`)).toEqual(['2.0:current', '1.0:past']);
  });

  it('diffs the latest version against the one before, with the facts diff', async () => {
    const text = await p.cli(['policy', 'diff', 'privacy'], { now: NOW });
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('Retention of deleted-mail backups: 45 days → 30 days (after deletion)');
    const json = JSON.parse((await p.cli(['policy', 'diff', 'privacy', '1.0', '2.0', '--json'], { now: NOW })).out);
    expect(json.facts).toHaveLength(1);
    const html = (await p.cli(['policy', 'diff', 'privacy', '--html'], { now: NOW })).out;
    expect(html).toMatch(/<del>[^<]*45/);
    expect(html).toMatch(/<ins>[^<]*30/);
  });

  it('--html escapes a hostile policy id, versions and text (a folder name arrives by pull request)', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    await writeVersion({ version: '1.0', effective: '2025-01-01', change: 'material', summary: 'First.', body: 'Plain text.\n' }, hostile);
    await writeVersion({ version: '1.1', effective: '2025-02-01', summary: 'Second.', body: 'Plain text <script>alert(2)</script>.\n' }, hostile);
    const result = await p.cli(['policy', 'diff', hostile, '--html'], { now: NOW });
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('&#60;img src=x onerror=alert(1)&#62; 1.0 → 1.1');
    expect(result.out).not.toMatch(/<img|<script/);
  });

  it('refuses an unknown policy or version (usage, 64)', async () => {
    expect((await p.cli(['policy', 'diff', 'nope'], { now: NOW })).code).toBe(64);
    expect((await p.cli(['policy', 'diff', 'privacy', '0.9', '2.0'], { now: NOW })).code).toBe(64);
  });

  it('starts the next version with an empty summary that check refuses until written', async () => {
    expect((await p.cli(['policy', 'new', 'privacy'], { now: NOW })).code).toBe(0);
    const file = path.join(p.root, 'content/policies/privacy/2.1.md');
    const source = await readFile(file, 'utf8');
    expect(source).toContain('published: 2026-11-23');
    expect(source).toContain('effective: 2026-12-23');
    expect(await policyCodes()).toContain('SCHEMA_INVALID');
    await writeFile(file, source.replace('summary: ""', 'summary: Clearer wording about backups.'));
    expect(await policyCodes()).toEqual(['UPCOMING']);
  });
});

describe('policy rules in candor check', () => {
  it('refuses a material change with too short a notice period (exit 65)', async () => {
    await writeVersion({ version: '3.0', published: '2026-11-20', effective: '2026-12-01', change: 'material', summary: 'Too soon.' });
    const result = await p.cli(['check'], { now: NOW });
    expect(result.code).toBe(65);
    expect(result.out).toContain('NOTICE_TOO_SHORT');
  });

  it('refuses rewriting a committed version unless it is recorded as a correction', async () => {
    const git = (...args: string[]) => exec('git', ['-C', p.root, ...args]);
    await git('init', '-q');
    await git('-c', 'user.email=t@example.org', '-c', 'user.name=T', 'commit', '-q', '--allow-empty', '-m', 'empty');
    await git('add', '.');
    await git('-c', 'user.email=t@example.org', '-c', 'user.name=T', 'commit', '-q', '-m', 'policies');
    const file = await writeVersion({
      version: '1.0',
      effective: '2025-01-01',
      change: 'material',
      summary: 'First version.',
      facts: RETENTION_45,
      body: '## 1. Backups\n\nWe keep backups for 45 days, honestly.\n',
    });
    expect(await policyCodes()).toContain('HISTORY_REWRITTEN');
    expect(await policyCodes(['--since', 'HEAD~1'])).not.toContain('HISTORY_REWRITTEN');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'change: material',
        'change: material\ncorrections:\n  - date: 2026-11-23\n    reason: Clarified a sentence without changing its meaning.',
      ),
    );
    expect(await policyCodes()).not.toContain('HISTORY_REWRITTEN');
  });
});
