/**
 * The policy part of the built site, read as a reader's browser would get it: one real
 * Astro build of a throwaway project (three privacy versions: past, current with hostile
 * Markdown, upcoming; a one-version supplement), then assertions on the HTML files.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../scripts/build-site.ts';
import { ALL_PAIRS_MAX, comparePairs, factRows, renderPolicyBody } from '../../src/core/policy/site.ts';
import { RETENTION_30, RETENTION_45, version, versionSource, type VersionSpec } from '../helpers/policy.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

/** The build's clock: 1.1 is in force, 2.0 is announced for September. */
const NOW = '2026-06-01T12:00:00Z';

const HOSTILE = [
  '## 1. Who we are',
  '',
  'Lumen Mail is a small mail service. <script>alert("body")</script>',
  '',
  '<img src="x" onerror="alert(1)">',
  '',
  'Click [x](javascript:alert(1)) or [y](JAVASCRIPT:alert(2)) or [z](data:text/html;base64,PHNjcmlwdD4=) or [ok](https://lumen-mail.example/help).',
  '',
  '## 2. Retention',
  '',
  'Deleted mail stays in backups for 30 days.',
  '',
].join('\n');

const FACTS = { trackers: [], jurisdiction: 'Luxembourg (EU GDPR)', contact: { email: 'privacy@lumen-mail.example' } };

const PRIVACY: VersionSpec[] = [
  {
    version: '1.0',
    effective: '2025-01-01',
    change: 'material',
    summary: 'First version.',
    facts: { ...RETENTION_45, ...FACTS },
    body: '## 1. Who we are\n\nLumen Mail is a small mail service.\n\n## 2. Retention\n\nDeleted mail stays in backups for 45 days.\n',
  },
  {
    version: '1.1',
    effective: '2025-06-01',
    change: 'minor',
    summary: 'Backups are kept for a shorter time.',
    facts: { ...RETENTION_30, ...FACTS },
    body: HOSTILE,
  },
  {
    version: '2.0',
    effective: '2026-09-01',
    published: '2026-05-20',
    change: 'material',
    summary: 'We add a passkey sign-in.',
    facts: { ...RETENTION_30, ...FACTS },
    body: `${HOSTILE}\n## 3. Passkeys\n\nWe keep the public key of each passkey.\n`,
  },
];
const MAIL: VersionSpec[] = [
  {
    version: '1.0',
    effective: '2025-03-01',
    change: 'material',
    summary: 'First mail supplement.',
    supplements: 'privacy',
    body: '## Filtering\n\nSpam filters run on our own servers.\n',
  },
];

/**
 * Inside the working directory on purpose: for an output outside it, Astro stages the
 * pre-rendered chunks in <cwd>/.astro/.prerender/, which two builds running in parallel
 * test files share and overwrite. Inside it, each build stages under its own output.
 */
const OUT = path.resolve('dist', 'test-sites', `policy-pages-${process.pid}`);
let p: TestProject;
let site: string;
let savedNow: string | undefined;

async function addPolicy(id: string, specs: VersionSpec[], title: string): Promise<void> {
  const dir = path.join(p.root, 'content', 'policies', id);
  await mkdir(dir, { recursive: true });
  for (const spec of specs) await writeFile(path.join(dir, `${spec.version}.md`), versionSource(spec, title));
}

beforeAll(async () => {
  p = await makeProject();
  await addPolicy('privacy', PRIVACY, 'Lumen Mail privacy policy');
  await addPolicy('mail', MAIL, 'Mail supplement');
  savedNow = process.env['CANDOR_NOW'];
  process.env['CANDOR_NOW'] = NOW;
  site = await buildSite({ root: p.root, out: path.join(OUT, 'site') });
}, 120_000);

afterAll(async () => {
  if (savedNow === undefined) delete process.env['CANDOR_NOW'];
  else process.env['CANDOR_NOW'] = savedNow;
  await p?.cleanup();
  await rm(OUT, { recursive: true, force: true });
  await rmdir(path.dirname(OUT)).catch(() => undefined); // when no other build is using it
});

/** The built file for a site path: /a/b/ is a/b/index.html. */
const fileFor = (urlPath: string): string => path.join(site, decodeURIComponent(urlPath), urlPath.endsWith('/') ? 'index.html' : '');
const page = (urlPath: string): Promise<string> => readFile(fileFor(urlPath), 'utf8');
/** Text without tags, entities of the escaped text kept as they are. */
const text = (html: string): string =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ');

async function htmlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.html')) out.push(path.join(entry.parentPath, entry.name));
  }
  return out.sort();
}

const PATHS = [
  '/policies/',
  '/policies/changelog/',
  '/policies/privacy/',
  '/policies/privacy/1.0/',
  '/policies/privacy/1.1/',
  '/policies/privacy/2.0/',
  '/policies/privacy/changelog/',
  '/policies/privacy/compare/',
  '/policies/privacy/compare/1.0...1.1/',
  '/policies/privacy/compare/1.1...2.0/',
  '/policies/privacy/compare/1.0...2.0/',
  '/policies/mail/',
  '/policies/mail/1.0/',
  '/policies/mail/changelog/',
  '/policies/mail/compare/',
];

describe('policy pages at their stable paths', () => {
  it('builds every page, every version permalink and every compare pair', () => {
    for (const url of PATHS) expect(existsSync(fileFor(url)), url).toBe(true);
  });

  it('lists every policy with its version in force and the upcoming one', async () => {
    const html = await page('/policies/');
    expect(html).toContain('href="/policies/privacy/"');
    expect(html).toContain('href="/policies/mail/"');
    expect(text(html)).toContain('In force: version 1.1, since 1 June 2025');
    expect(text(html)).toContain('Upcoming: version 2.0 applies from 1 September 2026');
    expect(await page('/')).toContain('href="/policies/privacy/"');
  });

  it('shows the current version with a banner for the upcoming one', async () => {
    const html = await page('/policies/privacy/');
    const t = text(html);
    expect(t).toContain('This is the version in force since 1 June 2025');
    expect(t).toContain('A new version applies from 1 September 2026');
    expect(html).toContain('<time datetime="2026-09-01">');
    expect(html).toContain('href="/policies/privacy/2.0/"');
    expect(html).toContain('href="/policies/privacy/compare/1.1...2.0/"');
    expect(html).toContain('<h1>Lumen Mail privacy policy</h1>');
  });

  it('summarises the facts in a table; an empty tracker list reads "none"', async () => {
    const html = await page('/policies/privacy/');
    expect(html).toMatch(/<th scope="row">Trackers<\/th><td>none<\/td>/);
    expect(html).toMatch(/<th scope="row">Cookies<\/th><td><em>not stated<\/em><\/td>/);
    expect(html).toContain('deleted-mail backups: 30 days after deletion');
    expect(html).toContain('Luxembourg (EU GDPR)');
    expect(html).toContain('href="mailto:privacy@lumen-mail.example"');
  });

  it('an older version says it is not current and links to the current one', async () => {
    const html = await page('/policies/privacy/1.0/');
    expect(text(html)).toContain('This version is not current. It applied from 1 January 2025 until 1 June 2025');
    expect(html).toContain('<a href="/policies/privacy/">version 1.1</a>');
    expect(html).toMatch(/<title>[^<]*not current/);
  });

  it("the current version's permalink says it is current", async () => {
    expect(text(await page('/policies/privacy/1.1/'))).toContain('This is the current version, in force since 1 June 2025');
  });

  it('an upcoming version says from when it applies', async () => {
    const t = text(await page('/policies/privacy/2.0/'));
    expect(t).toContain('This version is not in force yet. It applies from 1 September 2026. Until then, version 1.1 applies');
  });

  it('a supplement links to the policy it supplements', async () => {
    const html = await page('/policies/mail/');
    expect(html).toMatch(/supplements the <a href="\/policies\/privacy\/">Lumen Mail privacy policy<\/a>/);
  });
});

describe('changelog and compare', () => {
  const order = (html: string, ids: string[]): number[] => ids.map((id) => html.indexOf(`id="${id}"`));

  it("a policy's changelog is newest first with dates, class, summary, facts and word diffs", async () => {
    const html = await page('/policies/privacy/changelog/');
    const at = order(html, ['privacy-2.0', 'privacy-1.1', 'privacy-1.0']);
    expect(at.every((i) => i > 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    const t = text(html);
    expect(t).toContain('Backups are kept for a shorter time.');
    expect(t).toContain('Material change');
    expect(t).toContain('Retention of deleted-mail backups: 45 days → 30 days (after deletion)');
    expect(html).toContain('<time datetime="2025-06-01">');
    expect(html).toMatch(/<ins>/);
    expect(html).toMatch(/<del>/);
    expect(html).toContain('href="/policies/privacy/compare/1.0...1.1/"');
    expect(html).toContain('href="/policies/privacy/1.0/"');
  });

  it('the changelog of all policies is newest publication first', async () => {
    const html = await page('/policies/changelog/');
    const at = order(html, ['privacy-2.0', 'privacy-1.1', 'mail-1.0', 'privacy-1.0']);
    expect(at.every((i) => i > 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });

  it('a compare page shows the word diff and the facts diff', async () => {
    const html = await page('/policies/privacy/compare/1.0...1.1/');
    expect(html).toMatch(/<del>45<\/del><ins>30<\/ins>/);
    expect(text(html)).toContain('Retention of deleted-mail backups: 45 days → 30 days (after deletion)');
    expect(html).toContain('href="/policies/privacy/1.0/"');
    expect(html).toContain('href="/policies/privacy/1.1/"');
  });

  it('the compare index links every pre-rendered pair, without a script or a form', async () => {
    const html = await page('/policies/privacy/compare/');
    for (const pair of ['1.0...1.1', '1.0...2.0', '1.1...2.0']) expect(html).toContain(`href="/policies/privacy/compare/${pair}/"`);
    expect(html).not.toMatch(/<form/i);
  });
});

describe('safe and accessible by construction', () => {
  it('no policy page ships a script, an event handler or a third-party request', async () => {
    const files = await htmlFiles(path.join(site, 'policies'));
    expect(files.length).toBeGreaterThanOrEqual(PATHS.length - 1);
    for (const file of files) {
      const html = await readFile(file, 'utf8');
      expect(html, file).not.toMatch(/<script/i);
      expect(html, file).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
      expect(html, file).not.toMatch(/(src|href)="(https?:)?\/\/(?!lumen-mail\.example)/i);
      expect(html, file).toContain("default-src 'none'");
    }
  });

  it('hostile Markdown is escaped: no raw HTML, no javascript: or data: link', async () => {
    for (const url of ['/policies/privacy/', '/policies/privacy/1.1/', '/policies/privacy/changelog/', '/policies/privacy/compare/1.0...1.1/']) {
      const html = await page(url);
      expect(html, url).not.toMatch(/<script/i);
      expect(html, url).not.toMatch(/<img/i);
      expect(html, url).not.toMatch(/href="\s*(javascript|data|vbscript):/i);
    }
    const html = await page('/policies/privacy/1.1/');
    expect(html).toContain('&lt;script&gt;alert(&quot;body&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=&quot;x&quot; onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('[x](javascript:alert(1))');
    expect(html).toContain('<a href="https://lumen-mail.example/help">ok</a>');
  });

  it('every internal link on the policy pages points at a built file', async () => {
    const files = await htmlFiles(path.join(site, 'policies'));
    const broken: string[] = [];
    for (const file of files) {
      const here = `/${path.relative(site, path.dirname(file)).split(path.sep).join('/')}/`;
      for (const [, href] of (await readFile(file, 'utf8')).matchAll(/href="([^"]*)"/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(href!) || href!.startsWith('//')) continue;
        const target = new URL(href!.replace(/&amp;/g, '&'), `http://site${here}`);
        if (!existsSync(fileFor(target.pathname))) broken.push(`${here} → ${href}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('one h1 per page, no skipped heading level, landmarks and a language', async () => {
    for (const file of await htmlFiles(path.join(site, 'policies'))) {
      const html = await readFile(file, 'utf8');
      const levels = [...html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
      expect(levels[0], file).toBe(1);
      expect(
        levels.filter((l) => l === 1),
        file,
      ).toHaveLength(1);
      levels.forEach((l, i) => {
        if (i > 0) expect(l, `${file}: h${levels[i - 1]} then h${l}`).toBeLessThanOrEqual(levels[i - 1]! + 1);
      });
      expect(html, file).toMatch(/<html lang="en"/);
      expect(html.match(/<main id="main"/g), file).toHaveLength(1);
      expect(html, file).toContain('<nav class="site-nav" aria-label="Site">');
      expect(html, file).toContain('href="/policies/" aria-current="page"');
    }
  });
});

describe('policy page helpers', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => version({ version: `${i + 1}`, effective: `20${String(10 + i).padStart(2, '0')}-01-01` }));

  it(`pre-renders every pair up to ${ALL_PAIRS_MAX} versions, then neighbours and each against the one in force`, () => {
    expect(comparePairs(many(ALL_PAIRS_MAX), new Date(NOW))).toHaveLength((ALL_PAIRS_MAX * (ALL_PAIRS_MAX - 1)) / 2);
    const versions = many(30);
    const pairs = comparePairs(versions, new Date('2030-06-01T00:00:00Z'));
    const keys = new Set(pairs.map(([a, b]) => `${a.version}...${b.version}`));
    expect(keys.size).toBe(pairs.length);
    expect(pairs.length).toBeLessThanOrEqual(3 * versions.length);
    for (let i = 1; i < 30; i++) expect(keys.has(`${i}...${i + 1}`)).toBe(true);
    expect(keys.has('1...21')).toBe(true); // 21 is in force in 2030
    expect(keys.has('21...30')).toBe(true); // what will change
    expect(keys.has('1...30')).toBe(false); // in the browser only
    expect(pairs.length).toBeLessThanOrEqual(2 * versions.length);
    for (const [a, b] of pairs) expect(Number(a.version)).toBeLessThan(Number(b.version));
  });

  it('shifts body headings so that the highest is an h2, and keeps html:false', () => {
    expect(renderPolicyBody('# One\n\n## Two\n')).toBe('<h2>One</h2>\n<h3>Two</h3>\n');
    expect(renderPolicyBody('## One\n')).toBe('<h2>One</h2>\n');
    expect(renderPolicyBody('<b>x</b> [a](javascript:alert(1))')).toBe('<p>&lt;b&gt;x&lt;/b&gt; [a](javascript:alert(1))</p>\n');
  });

  it("wraps a policy's tables in a named, focusable region that scrolls sideways; text cannot open one", () => {
    const table = '| **Company** | What it <b>gets</b> |\n| --- | --- |\n| Basalt | all data |\n';
    const html = renderPolicyBody(`${table}\n${table}\nA &lt;table> or <table> in text.\n`);
    const regions = [...html.matchAll(/<div class="table-scroll" role="region" tabindex="0" aria-label="([^"]*)"><table>/g)].map((m) => m[1]);
    expect(regions).toEqual(['Table: Company, What it &#60;b&#62;gets&#60;/b&#62;', 'Table: Company, What it &#60;b&#62;gets&#60;/b&#62; (2)']);
    expect(html.match(/<\/table><\/div>/g)).toHaveLength(2);
    expect(html).toContain('<p>A &lt;table&gt; or &lt;table&gt; in text.</p>');
  });

  it('fact rows: an empty list is "none", a missing one "not stated", an unsafe contact URL no link', () => {
    const rows = factRows({ trackers: [], contact: { url: 'javascript:alert(1)' } });
    expect(rows.find((r) => r.label === 'Trackers')).toEqual({ label: 'Trackers', items: [] });
    expect(rows.find((r) => r.label === 'Cookies')?.missing).toBe('not stated');
    expect(rows.find((r) => r.label === 'Contact')?.items).toEqual([{ text: 'javascript:alert(1)' }]);
    expect(factRows(undefined)).toEqual([]);
  });
});
