/**
 * Golden diff of a numbered policy without headings (test/fixtures/seeds/numbered/,
 * Ferrule Mail 1.0 → 1.1): item 2.3 is reworded and gains two sub-items, 2.5 is
 * rewritten, 5.1 names the new payment processor. Each of the three places readers see
 * a diff is pinned as it ships: `candor policy diff` (the installed CLI), the site's
 * compare page (a real build) and the pull-request review comment (scripts/pr-review.ts
 * on a throwaway repository). Each must keep the numbers readers see, name the item
 * path ("2. What information do we collect? › 2.5") and keep sub-items nested.
 * After a deliberate change: `npx vitest run test/golden/policy-diff-numbered.test.ts -u`.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReview } from '../../scripts/pr-review.ts';
import { buildSite } from '../../scripts/build-site.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

const exec = promisify(execFile);
const FIXTURE = path.join(import.meta.dirname, '../fixtures/seeds/numbered/content/policies/privacy');
const NOW = '2025-02-01T12:00:00Z';
/** Inside the working directory, one folder per process: see test/site/policy-pages.test.ts. */
const OUT = path.resolve('dist', 'test-sites', `policy-diff-numbered-${process.pid}`);

let p: TestProject;
let site: string;
let review: string;
let savedNow: string | undefined;

const git = (...args: string[]) => exec('git', ['-C', p.root, '-c', 'user.email=t@example.org', '-c', 'user.name=T', ...args]);
const dir = () => path.join(p.root, 'content', 'policies', 'privacy');

beforeAll(async () => {
  p = await makeProject();
  await mkdir(dir(), { recursive: true });
  await cp(path.join(FIXTURE, '1.0.md'), path.join(dir(), '1.0.md'));
  await git('init', '-q', '-b', 'main');
  await git('add', '--all', '.');
  await git('commit', '-q', '-m', 'base: 1.0');
  await git('checkout', '-q', '-b', 'pull-request');
  await cp(path.join(FIXTURE, '1.1.md'), path.join(dir(), '1.1.md'));
  await git('add', '--all', '.');
  await git('commit', '-q', '-m', 'privacy 1.1');
  review = await buildReview({ root: p.root, base: 'main', now: new Date(NOW) });
  savedNow = process.env['CANDOR_NOW'];
  process.env['CANDOR_NOW'] = NOW;
  site = await buildSite({ root: p.root, out: path.join(OUT, 'site') });
}, 180_000);

afterAll(async () => {
  if (savedNow === undefined) delete process.env['CANDOR_NOW'];
  else process.env['CANDOR_NOW'] = savedNow;
  await p?.cleanup();
  await rm(OUT, { recursive: true, force: true });
  await rmdir(path.dirname(OUT)).catch(() => undefined);
});

describe('golden diff of a numbered policy (Ferrule Mail 1.0 → 1.1)', () => {
  it('candor policy diff: numbers as readers see them, sub-items indented, item paths in the @@ lines', async () => {
    const r = await p.cli(['policy', 'diff', 'privacy', '1.0', '1.1'], { now: NOW });
    expect(r.code).toBe(0);
    expect(r.out).toContain('@@ 2. What information do we collect? › 2.5 @@\n   5. ');
    expect(r.out).toContain('@@ 2. What information do we collect? › 2.3.1 @@\n      1. {+A message that fails');
    expect(r.out).not.toContain('(top)');
    await expect(r.out).toMatchFileSnapshot('./files/diff-numbered.txt');
  });

  it('the site compare page: <ol start> at every level, the item path above each change', async () => {
    const html = await readFile(path.join(site, 'policies/privacy/compare/1.0...1.1/index.html'), 'utf8');
    const fragment = /<div class="policy-diff">[\s\S]*?\n<\/div>\n/.exec(html)?.[0];
    expect(fragment).toBeDefined();
    expect(fragment).toContain('<p class="diff-section">2. What information do we collect? › 2.5</p>');
    expect(fragment).toContain('<ol start="2"><li class="diff-outer"><ol start="5"><li>');
    expect(fragment).not.toContain('<ul>');
    await expect(fragment).toMatchFileSnapshot('./files/diff-numbered.html');
  });

  it('the pull-request comment: the same numbered fragment in one raw HTML block', async () => {
    const start = review.indexOf('### Ferrule Mail privacy policy 1\\.1');
    const end = review.indexOf('</details>', start);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const section = `${review.slice(start, end + '</details>'.length)}\n`;
    expect(section).toContain('<p class="diff-section">2. What information do we collect? › 2.3.1</p>');
    expect(section).toContain('<ol start="5"><li class="diff-outer"><ol start="1"><li>');
    await expect(section).toMatchFileSnapshot('./files/diff-numbered-pr.md');
  });
});
