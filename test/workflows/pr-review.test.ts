/**
 * scripts/pr-review.ts on a throwaway repository: a base commit on main and a pull
 * request's commit on a branch, as the pr-check workflow sees them.
 */
import path from 'node:path';
import os from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { RETENTION_30, RETENTION_45, versionSource, type VersionSpec } from '../helpers/policy.ts';
import { STATEMENTS } from '../helpers/world.ts';
import { buildReview, changedFiles, compareStatements, fit, md } from '../../scripts/pr-review.ts';

const exec = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/pr-review.ts');
const NOW = new Date('2026-11-23T12:00:00Z');
let p: TestProject;

const git = (...args: string[]) => exec('git', ['-C', p.root, '-c', 'user.email=t@example.org', '-c', 'user.name=T', ...args]);

async function writeVersion(spec: VersionSpec, policy = 'privacy'): Promise<string> {
  const file = path.join(p.root, 'content', 'policies', policy, `${spec.version}.md`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, versionSource(spec));
  return file;
}

async function writeStatements(list: { id: string; text: string }[]): Promise<void> {
  await writeFile(path.join(p.root, 'content', 'canary', 'statements.yml'), stringify({ statements: list }));
}

async function commit(message: string): Promise<void> {
  await git('add', '--all', '.');
  await git('commit', '-q', '-m', message);
}

const BODY_45 = '## 1. Backups\n\nWe keep backups of deleted mail for 45 days.\n\n## 2. Contact\n\nWrite to us.\n';
const BODY_30 = '## 1. Backups\n\nWe keep backups of deleted mail for 30 days.\n\n## 2. Contact\n\nWrite to us.\n';

beforeEach(async () => {
  p = await makeProject();
  await writeVersion({
    version: '1.0',
    published: '2025-01-01',
    effective: '2025-01-01',
    change: 'material',
    summary: 'First version.',
    facts: RETENTION_45,
    body: BODY_45,
  });
  await git('init', '-q', '-b', 'main');
  await commit('base');
  await git('checkout', '-q', '-b', 'pull-request');
});
afterEach(async () => {
  await p.cleanup();
});

describe('pr-review: a new policy version', () => {
  beforeEach(async () => {
    await writeVersion({
      version: '2.0',
      published: '2026-11-20',
      effective: '2026-12-20',
      change: 'material',
      summary: 'Backups of deleted mail are kept for 30 days instead of 45.',
      facts: RETENTION_30,
      body: BODY_30,
    });
    await commit('privacy 2.0');
  });

  it('shows the word diff, the facts diff, the notice period and the checks', async () => {
    const body = await buildReview({ root: p.root, base: 'main', now: NOW });
    expect(body).toMatch(/^## Candor review\n/);
    expect(body).toContain(`### Privacy Policy 2\\.0: new version of \`privacy\`, after 1\\.0`);
    expect(body).toContain('| Change class | **material** |');
    expect(body).toContain('| Published → effective | 2026-11-20 → 2026-12-20 |');
    expect(body).toContain('✅ 30 days between publication (2026-11-20) and effect (2026-12-20); a material change needs at least 30');
    // The review runs after the published date: it says how much notice is left if merged now.
    expect(body).toContain('merged today (2026-11-23), readers get 27 days of notice');
    expect(body).toContain(`- ${md('Retention of deleted-mail backups: 45 days → 30 days (after deletion)')}`);
    expect(body).toContain(`**Summary:** ${md('Backups of deleted mail are kept for 30 days instead of 45.')}`);
    expect(body).toMatch(/<del>45<\/del><ins>30<\/ins>/);
    expect(body).toContain('✅ `candor check --since main` passed.');
    expect(body).not.toContain('[!CAUTION]');
  });

  it('keeps the rendered diff in one raw HTML block (GitHub ends one at a blank line)', async () => {
    const body = await buildReview({ root: p.root, base: 'main', now: NOW });
    const html = body.slice(body.indexOf('<div class="policy-diff">'), body.indexOf('</details>'));
    expect(
      html
        .trimEnd()
        .split('\n')
        .every((line) => line.trim() !== ''),
    ).toBe(true);
  });

  it('shows the notice that will go out, in a text block with the links on the site', async () => {
    const body = await buildReview({ root: p.root, base: 'main', now: NOW });
    const notice = /\*\*Notification\*\*\n\n(.*)\n\n```text\n([\s\S]*?)\n```/.exec(body);
    expect(notice?.[1]).toContain('once per channel');
    expect(notice?.[2]).toContain('Backups of deleted mail are kept for 30 days instead of 45.');
    expect(notice?.[2]).toContain('https://test-mail.example/policies/privacy/2.0/');
    expect(notice?.[2]).toContain('Retention of deleted-mail backups: 45 days → 30 days (after deletion)');
    expect(body).toContain('announced again on its effective date (2026-12-20)');
  });

  it('lists the changed files between the merge base and the head', async () => {
    expect(await changedFiles(p.root, 'main', 'HEAD')).toEqual([{ status: 'added', path: 'content/policies/privacy/2.0.md' }]);
    await expect(changedFiles(p.root, 'origin/main', 'HEAD')).rejects.toThrow(/cannot read git ref origin\/main: fetch it first/);
  });

  it('runs as the workflow runs it: body.md and meta.json for the privileged side', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'candor-pr-review-'));
    try {
      const sha = (await git('rev-parse', 'HEAD')).stdout.trim();
      const result = await exec(
        process.execPath,
        [SCRIPT, '--root', p.root, '--base', 'main', '--pr', '7', '--head-sha', sha, '--out-dir', out, '--now', NOW.toISOString()],
        { cwd: p.root },
      );
      expect(result.stderr).toMatch(/Wrote .*body\.md/);
      const body = await readFile(path.join(out, 'body.md'), 'utf8');
      expect(body).toContain(`head \`${sha.slice(0, 12)}\``);
      expect(JSON.parse(await readFile(path.join(out, 'meta.json'), 'utf8'))).toEqual({ pr: 7, headSha: sha, base: 'main' });
      const stdout = await exec(process.execPath, [SCRIPT, '--root', p.root, '--base', 'main', '--now', NOW.toISOString()], { cwd: p.root });
      expect(stdout.stdout).toBe(body.replace(sha.slice(0, 12), stdout.stdout.match(/head `([0-9a-f]{12})`/)![1]!));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('pr-review: what must stop a merge', () => {
  it('a material change with too short a notice', async () => {
    await writeVersion({
      version: '2.0',
      published: '2026-11-20',
      effective: '2026-12-01',
      change: 'material',
      summary: 'Too soon.',
      facts: RETENTION_30,
      body: BODY_30,
    });
    await commit('privacy 2.0, too soon');
    const body = await buildReview({ root: p.root, base: 'main', now: NOW });
    expect(body).toContain('❌ 11 days between publication (2026-11-20) and effect (2026-12-01); a material change needs at least 30');
    expect(body).toMatch(/❌ `candor check --since main` found 1 error: this pull request cannot be merged/);
    expect(body).toMatch(/- ❌ `NOTICE_TOO_SHORT` .*Set effective to 2026\\-12\\-20 or later/);
  });

  it('an edit to a published version without a correction, and a deleted version', async () => {
    await writeVersion({
      version: '1.0',
      published: '2025-01-01',
      effective: '2025-01-01',
      change: 'material',
      summary: 'First version.',
      facts: RETENTION_45,
      body: BODY_45.replace('Write to us.', 'Write to us, please.'),
    });
    await commit('edit 1.0');
    let body = await buildReview({ root: p.root, base: 'main', now: NOW });
    expect(body).toContain('⚠️ published version edited (a correction)');
    expect(body).toContain('`HISTORY_REWRITTEN`');
    expect(body).toContain('_No new notice: this version was already announced');
    expect(body).toMatch(/Write to us<ins>, please<\/ins>\./);

    await unlink(path.join(p.root, 'content/policies/privacy/1.0.md'));
    await writeVersion({
      version: '2.0',
      published: '2026-11-23',
      effective: '2026-12-23',
      change: 'material',
      summary: 'New.',
      facts: RETENTION_30,
      body: BODY_30,
    });
    await commit('delete 1.0');
    body = await buildReview({ root: p.root, base: 'main', now: NOW });
    expect(body).toContain('### ❌ Privacy Policy 1\\.0: a version is deleted');
    expect(body).toContain('### Privacy Policy 2\\.0: first version of `privacy`');
  });

  it('a version file that does not parse', async () => {
    const file = path.join(p.root, 'content/policies/privacy/2.0.md');
    await writeFile(file, '---\ntitle: Privacy\nversion: "2.0"\n---\nNo dates.\n');
    await commit('broken');
    const body = await buildReview({ root: p.root, base: 'main', now: NOW });
    expect(body).toContain('### ❌ `content/policies/privacy/2.0.md` does not parse');
    expect(body).toContain('`SCHEMA_INVALID`');
  });
});

describe('pr-review: the canary, loudly', () => {
  it('shows removed, reworded, reordered and added statements in a caution block', async () => {
    const [war, gag, subp, duress] = STATEMENTS as [(typeof STATEMENTS)[0], (typeof STATEMENTS)[0], (typeof STATEMENTS)[0], (typeof STATEMENTS)[0]];
    await writeStatements([subp, { id: 'WAR', text: 'We have received no search warrant.' }, duress, { id: 'RAID', text: 'We have not been raided.' }]);
    await commit('statements');
    const body = await buildReview({ root: p.root, base: 'main', now: NOW });
    const block = body.split('\n\n').find((b) => b.startsWith('> [!CAUTION]'))!;
    expect(block).toContain('THE WARRANT CANARY STATEMENTS CHANGE');
    expect(block).toContain('**TRIPPED**');
    expect(block).toContain(`> - **REMOVED** \`GAG\`: ~~${md(gag.text)}~~`);
    expect(block).toContain(`>   - before: ${md(war.text)}`);
    expect(block).toContain(`>   - after: **${md('We have received no search warrant.')}**`);
    expect(block).toContain('> - **REORDERED**: `WAR`, `SUBP`, `DURESS` → `SUBP`, `WAR`, `DURESS`');
    expect(block).toContain('> - **ADDED** `RAID`');
    // The caution comes before everything else but the heading.
    expect(body.indexOf('[!CAUTION]')).toBeLessThan(body.indexOf('### Checks'));
  });

  it('flags signer policy, key and archive changes', async () => {
    await p.writeConfig((c) => {
      (c['signers'] as { threshold: number }).threshold = 1;
    });
    await writeFile(path.join(p.root, 'keys', 'README.md'), 'Public keys.\n');
    await mkdir(path.join(p.root, 'content/canary/archive'), { recursive: true });
    await writeFile(path.join(p.root, 'content/canary/archive/attestation-000001.txt'), 'x\n');
    await commit('config');
    const body = await buildReview({ root: p.root, base: 'main', now: NOW });
    expect(body).toContain('> [!WARNING]\n> **The canary configuration changes** (`content/canary/canary.yml`): `signers`.');
    expect(body).toContain('> - added `keys/README.md`');
    expect(body).toContain('> **New documents in the canary archive:**\n> - added `content/canary/archive/attestation-000001.txt`');
  });
});

describe('pr-review: pieces', () => {
  it('compares statements by ID', () => {
    const a = [
      { id: 'A', text: 'a' },
      { id: 'B', text: 'b' },
      { id: 'C', text: 'c' },
    ];
    expect(compareStatements(a, a)).toEqual({ removed: [], added: [], reworded: [], reordered: null });
    expect(
      compareStatements(a, [
        { id: 'C', text: 'c' },
        { id: 'A', text: 'a!' },
      ]),
    ).toEqual({
      removed: [{ id: 'B', text: 'b' }],
      added: [],
      reworded: [{ id: 'A', before: 'a', after: 'a!' }],
      reordered: { before: ['A', 'C'], after: ['C', 'A'] },
    });
  });

  it('escapes Markdown and keeps text on one line', () => {
    expect(md('a *b* [c](d) | <e> @f\ng')).toBe('a \\*b\\* \\[c\\]\\(d\\) \\| \\<e\\> \\@f g');
  });

  it('drops the longest word diffs first to fit a comment', () => {
    const section = (n: number) => ({ text: `### S${n}`, diff: { label: `diff ${n}`, html: `<p>${'x'.repeat(n * 1000)}</p>` } });
    const body = fit({ head: ['## Candor review'], sections: [section(5), section(50), section(10)], tail: [] }, 20_000);
    expect(body.length).toBeLessThanOrEqual(20_000);
    expect(body).toContain('<summary>diff 5</summary>');
    expect(body).toContain('<summary>diff 10</summary>');
    expect(body).toContain('_diff 50. Too long for a comment');
    expect(fit({ head: ['x'.repeat(500)], sections: [], tail: [] }, 400)).toMatch(/cut: the review is longer/);
  });
});
