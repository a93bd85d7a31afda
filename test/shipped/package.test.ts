/**
 * Candor as operators get it (issue 13): `npm pack` of this checkout, installed offline
 * into a new operator repository, where the installed `npx candor init` makes three
 * repositories (policies only; policies and reports; everything), and `npx candor check`,
 * `build`, `preview`, `dev` and `init --add` run in them as installed: lib/ emitted by tsc,
 * under node_modules/, never this checkout's source. One `npm ci` (the slow part): the
 * two other repositories link its node_modules/, as a monorepo's would. Then headless
 * Chromium crawls each build (test/helpers/crawl.ts), and a fourth build of the same
 * content under a base path with a logo and colours, served by `npx candor preview`.
 */
import { spawn, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBrowser, startBrowser, type BrowserHandle } from '../helpers/browser.ts';
import { REPO } from '../helpers/candor-bin.ts';
import { axeSite, crawlFindings, crawlSite, noFindings, serveBuiltSite, type Crawl, type Served } from '../helpers/crawl.ts';
import { installOffline, lockTo, npmEnv, packCandor, type Packed } from '../helpers/packed.ts';
import { makeKey } from '../helpers/world.ts';

const exec = promisify(execFile);
const NOW = '2026-12-01T09:00:00Z';
const VERSION = (JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

let tmp: string;
let packed: Packed;
let installSeconds: number;
const repo = { policies: '', reports: '', all: '' };

interface Result {
  code: number;
  out: string;
  err: string;
}

/** `npx candor …` in `cwd`, as an operator types it. */
async function npx(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await exec('npx', ['candor', ...args], { cwd, env: npmEnv({ CANDOR_NOW: NOW, ...env }), maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 70, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

async function ok(cwd: string, args: string[]): Promise<Result> {
  const r = await npx(cwd, args);
  expect(r.code, `npx candor ${args.join(' ')}\n${r.out}${r.err}`).toBe(0);
  return r;
}

/** A long-running `npx candor …` in its own process group; resolves once `ready` matches its output. */
function server(cwd: string, args: string[], ready: RegExp): Promise<{ match: RegExpExecArray; stop: () => void }> {
  const child = spawn('npx', ['candor', ...args], { cwd, env: npmEnv({ CANDOR_NOW: NOW }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`npx candor ${args.join(' ')} never said ${ready}: ${out}`));
    }, 120_000);
    const seen = (d: Buffer) => {
      out += d.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ match, stop });
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npx candor ${args.join(' ')} exited ${code}: ${out}`));
    });
  });
}

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const site = (root: string, ...rel: string[]) => path.join(root, 'dist', 'site', ...rel);
const reportsSite = () => path.join(tmp, 'reports-site');

async function treeHashes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    const file = path.join(e.parentPath, e.name);
    if (e.isFile() && !file.includes(`${path.sep}node_modules${path.sep}`) && !file.includes(`${path.sep}dist${path.sep}`))
      out.set(
        path.relative(root, file),
        createHash('sha256')
          .update(await readFile(file))
          .digest('hex'),
      );
  }
  return out;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'candor-shipped-'));
  packed = await packCandor();
  // The usual way in: a new folder, npm install candor, npx candor init.
  repo.policies = path.join(tmp, 'policies-only');
  await mkdir(repo.policies);
  await writeFile(path.join(repo.policies, 'package.json'), '{ "name": "policies-only", "private": true, "dependencies": { "candor": "" } }\n');
  await lockTo(repo.policies, packed.tarball);
  installSeconds = await installOffline(repo.policies);
  console.log(`npm pack: ${(packed.bytes / 1024).toFixed(0)} kB in ${packed.seconds.toFixed(0)} s; npm ci --offline: ${installSeconds.toFixed(0)} s`);
  const keys = path.join(tmp, 'public-keys');
  await mkdir(keys);
  const people = await Promise.all(['Ada Moreau', 'Bruno Keller', 'Lumen CI'].map((n) => makeKey(n)));
  const files = await Promise.all(
    people.map(async (k, i) => {
      const file = path.join(keys, `${i}.asc`);
      await writeFile(file, k.publicArmored);
      return file;
    }),
  );
  await ok(repo.policies, ['init', '--yes', '--name', 'Policies Only', '--url', 'https://policies.example', '--parts', 'policies']);
  repo.reports = path.join(tmp, 'with-reports');
  repo.all = path.join(tmp, 'everything');
  await ok(repo.policies, ['init', repo.reports, '--yes', '--name', 'With Reports', '--url', 'https://reports.example', '--parts', 'policies,reports']);
  await ok(repo.policies, [
    'init',
    repo.all,
    '--yes',
    '--name',
    'Everything Mail',
    '--url',
    'https://everything.example',
    '--parts',
    'policies,reports,canary',
    '--signer',
    files[0]!,
    '--signer',
    files[1]!,
    '--ci-key',
    files[2]!,
    '--threshold',
    '2',
  ]);
  for (const r of [repo.reports, repo.all]) await symlink(path.join(repo.policies, 'node_modules'), path.join(r, 'node_modules'));
}, 900_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
  if (packed) await rm(path.dirname(packed.tarball), { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the emitted CLI, the site project and the workflows; not the demo, the tests or a private key', async () => {
    const { stdout } = await exec('tar', ['-tzf', packed.tarball], { maxBuffer: 16 * 1024 * 1024 });
    const files = stdout.split('\n').filter(Boolean);
    for (const f of [
      'package/bin/candor.mjs',
      'package/lib/src/cli/main.js',
      'package/lib/src/cli/commands/init.js',
      'package/lib/scripts/build-site.js',
      'package/src/site/pages/index.astro',
      'package/astro.config.mjs',
      'package/.github/workflows/publish.yml',
      'package/docs/content.md',
    ])
      expect(files, f).toContain(f);
    expect(files.filter((f) => /^package\/(content|keys|test|scripts)\//.test(f))).toEqual([]);
    // Every relative import of the emitted JavaScript was rewritten to .js.
    const main = (await exec('tar', ['-xzOf', packed.tarball, 'package/lib/src/cli/main.js'])).stdout;
    expect(main).toMatch(/import\(["']\.\/commands\/check\.js["']\)/);
    expect(main).not.toMatch(/from ["']\.[^"']*\.ts["']/);
  });

  it('installs with a working npx candor that runs lib/ from node_modules/', async () => {
    const r = await ok(repo.policies, ['--version']);
    expect(r.out.trim()).toBe(VERSION);
    expect(existsSync(path.join(repo.policies, 'node_modules', 'candor', 'lib', 'src', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(path.join(repo.policies, 'node_modules', 'candor', 'test'))).toBe(false);
    expect(installSeconds).toBeGreaterThan(0);
  });
});

describe('candor init, as installed', () => {
  it('writes only the parts chosen, and the workflows they need, pinned to this version', async () => {
    expect(existsSync(path.join(repo.policies, 'content', 'policies', 'privacy', '1.0.md'))).toBe(true);
    expect(existsSync(path.join(repo.policies, 'content', 'transparency'))).toBe(false);
    expect(existsSync(path.join(repo.policies, 'content', 'canary'))).toBe(false);
    expect(existsSync(path.join(repo.reports, 'content', 'transparency', 'README.md'))).toBe(true);
    expect(existsSync(path.join(repo.all, 'content', 'canary', 'canary.yml'))).toBe(true);
    expect((await readdir(path.join(repo.all, 'keys'))).filter((f) => f.endsWith('.asc'))).toHaveLength(3);
    expect((await readdir(path.join(repo.policies, '.github', 'workflows'))).sort()).toEqual(['pr-check.yml', 'pr-comment.yml', 'publish.yml']);
    expect((await readdir(path.join(repo.all, '.github', 'workflows'))).sort()).toEqual(['pr-check.yml', 'pr-comment.yml', 'publish.yml', 'watchdog.yml']);
    const publish = await readFile(path.join(repo.all, '.github', 'workflows', 'publish.yml'), 'utf8');
    expect(publish).toContain(`Candor ${VERSION}`);
    // The installed bin on PATH after npm ci, then plain `candor` (decision 0026): never npx in a workflow.
    expect(publish).toContain('run: echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"');
    expect(publish).toContain('run: candor build');
    expect(publish).not.toMatch(/\bnpx\b/);
    // Only the installed package's commands, and the operator repository's own triggers.
    expect(publish.split('\n').filter((l) => /^\s*(- )?run: /.test(l) && /scripts\/|bin\/candor/.test(l))).toEqual([]);
    expect(publish).not.toMatch(/'(src|scripts|bin)\/\*\*'/);
    for (const r of [repo.reports, repo.all]) {
      const pkg = JSON.parse(await readFile(path.join(r, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect(pkg.dependencies).toEqual({ candor: VERSION });
    }
    // npm install candor's package.json keeps its own spec (here the tarball), gets the scripts.
    const first = JSON.parse(await readFile(path.join(repo.policies, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: object };
    expect(first.dependencies['candor']).toMatch(/^file:/);
    expect(first.scripts).toMatchObject({ check: 'candor check', build: 'candor build' });
    const readme = await readFile(path.join(repo.all, 'README.md'), 'utf8');
    for (const s of ['policy new', 'report new', 'canary attest prepare', 'CANDOR_SIGNING_KEY', 'CANDOR_PASSPHRASE']) expect(readme).toContain(s);
    expect(await readFile(path.join(repo.policies, 'README.md'), 'utf8')).not.toContain('canary attest');
  });

  it('each repository passes npx candor check at once (with reports chosen and none yet, a note says so)', async () => {
    expect((await ok(repo.policies, ['check'])).out).toContain('All content checks passed.');
    for (const r of [repo.reports, repo.all]) expect((await ok(r, ['check'])).out.trim()).toMatch(/^NOTE REPORTS_NONE_YET: content\/transparency: /);
  }, 120_000);
});

describe('candor build, as installed', () => {
  it('everything: policy, transparency and canary pages', async () => {
    // The transparency section appears with the first report (decision 0022): start one, as an operator does.
    await ok(repo.all, ['report', 'new', '2026-h2']);
    const r = await ok(repo.all, ['build']);
    expect(r.out).toContain('Built dist/site');
    for (const f of [
      'index.html',
      'policies/privacy/index.html',
      'policies/privacy/1.0/index.html',
      'transparency/index.html',
      'canary/index.html',
      'manifest.json',
    ])
      expect(existsSync(site(repo.all, f)), f).toBe(true);
    expect(await readFile(site(repo.all, 'index.html'), 'utf8')).toContain('Everything Mail');
  }, 180_000);

  it('policies only: policy pages, and no page for reports or a canary', async () => {
    await ok(repo.policies, ['build']);
    expect(existsSync(site(repo.policies, 'policies', 'privacy', 'index.html'))).toBe(true);
    for (const f of ['transparency/index.html', 'canary/index.html', 'canary.txt']) expect(existsSync(site(repo.policies, f)), f).toBe(false);
    expect(await readFile(site(repo.policies, 'index.html'), 'utf8')).not.toMatch(/href="\/(canary|transparency)\/?"/);
  }, 180_000);

  it('policies and reports, straight from init: a transparency page saying no report yet, no canary page, --out honoured', async () => {
    const out = reportsSite();
    await ok(repo.reports, ['build', '--out', out]);
    // init on 2026-12-01 promised the first report (2026-h2) a month after the half-year.
    expect(await readFile(path.join(out, 'transparency', 'index.html'), 'utf8')).toMatch(
      /No report has been published yet\.\s+The first is due by <time datetime="2027-01-31"[^>]*>2027-01-31<\/time>\./,
    );
    const home = await readFile(path.join(out, 'index.html'), 'utf8');
    expect(home).toContain('No transparency report has been published yet.');
    expect(home).toMatch(/<a href="\/transparency\/"[^>]*>\s*Transparency\s*<\/a>/);
    expect(home).not.toMatch(/All 0 reports/);
    expect(existsSync(path.join(out, 'canary', 'index.html'))).toBe(false);
  }, 180_000);
});

describe('candor preview and dev, as installed', () => {
  it('preview serves the built site on 127.0.0.1 and prints its URL', async () => {
    const s = await server(repo.all, ['preview', '--port', '0'], /at (http:\/\/127\.0\.0\.1:\d+\/)/);
    try {
      const page = await fetch(s.match[1]!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Everything Mail');
      expect((await fetch(new URL('policies/privacy/', s.match[1]))).status).toBe(200);
    } finally {
      s.stop();
    }
  }, 150_000);

  it('dev renders the content root and shows an edit of content/ on the next request', async () => {
    const port = await freePort();
    const s = await server(repo.all, ['dev', '--port', String(port)], /at (http:\/\/127\.0\.0\.1:\d+\/)/);
    const service = path.join(repo.all, 'content', 'service.yml');
    const before = await readFile(service, 'utf8');
    try {
      expect(await (await fetch(s.match[1]!)).text()).toContain('Everything Mail');
      await writeFile(service, before.replace('name: Everything Mail', 'name: Renamed Mail'));
      let text = '';
      for (let i = 0; i < 40 && !text.includes('Renamed Mail'); i++) {
        await new Promise((r) => setTimeout(r, 500));
        text = await (await fetch(s.match[1]!)).text();
      }
      expect(text).toContain('Renamed Mail');
    } finally {
      s.stop();
      await writeFile(service, before);
    }
  }, 180_000);
});

describe('candor init --add, as installed', () => {
  it('adds the canary to the reports repository and touches nothing that was there', async () => {
    const before = await treeHashes(repo.reports);
    const keys = path.join(tmp, 'public-keys');
    const r = await ok(repo.reports, ['init', '--add', 'canary', '--signer', path.join(keys, '0.asc'), '--ci-key', path.join(keys, '2.asc')]);
    expect(r.out).toContain('content/canary/canary.yml');
    const after = await treeHashes(repo.reports);
    for (const [file, hash] of before) expect(after.get(file), file).toBe(hash);
    expect([...after.keys()].filter((f) => !before.has(f)).sort()).toEqual(
      expect.arrayContaining(['.github/workflows/watchdog.yml', 'content/canary/canary.yml', 'content/canary/statements.yml']),
    );
    // No report yet: a note, and nothing else.
    expect((await ok(repo.reports, ['check'])).out.split('\n').filter((l) => /^(ERROR|WARNING|NOTE) /.test(l))).toEqual([
      expect.stringMatching(/^NOTE REPORTS_NONE_YET: content\/transparency: /),
    ]);
  }, 120_000);
});

// ------------------------------------------------------------------ the crawl

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="32" viewBox="0 0 96 32"><title>Lumen</title><rect width="96" height="32" fill="#7a2e8c"/></svg>\n';
const ACCENT = '#7a2e8c';
const BACKGROUND = '#fffdf7';

/**
 * The everything repository again, as an operator would move it to a GitHub Pages project
 * site: base /lumen/, a logo and accent colours. Its own folder (content/ and keys/ copied,
 * node_modules/ linked), built and then served by `npx candor preview`.
 */
async function lumenRepository(): Promise<string> {
  const root = path.join(tmp, 'lumen');
  await mkdir(root);
  for (const f of ['content', 'keys', 'package.json']) await cp(path.join(repo.all, f), path.join(root, f), { recursive: true });
  await symlink(path.join(repo.policies, 'node_modules'), path.join(root, 'node_modules'));
  await mkdir(path.join(root, 'content', 'branding'));
  await writeFile(path.join(root, 'content', 'branding', 'logo.svg'), LOGO);
  const service = path.join(root, 'content', 'service.yml');
  await writeFile(
    service,
    `${await readFile(service, 'utf8')}base: /lumen/\nbranding:\n  logo: branding/logo.svg\n  colors: { accent: "${ACCENT}", background: "${BACKGROUND}" }\n`,
  );
  return root;
}

describe('headless Chromium on every build, as installed', () => {
  let browser: BrowserHandle;
  let lumen: string;
  let preview: { stop: () => void } | undefined;
  const served: { name: string; site: Served & { close?: () => Promise<void> } }[] = [];
  const crawls = new Map<string, Crawl>();

  beforeAll(async () => {
    [browser, lumen] = await Promise.all([startBrowser(), lumenRepository()]);
    if (!browser.browser) return; // beforeEach says why: skipped locally, a failure in CI
    await ok(lumen, ['build']);
    const s = await server(lumen, ['preview', '--port', '0'], /at (http:\/\/127\.0\.0\.1:\d+)(\/lumen\/)\n/);
    preview = s;
    const [origin, base] = [s.match[1]!, s.match[2]!];
    served.push(
      { name: 'policies only', site: await serveBuiltSite(site(repo.policies), '/') },
      { name: 'policies and reports', site: await serveBuiltSite(reportsSite(), '/') },
      { name: 'everything', site: await serveBuiltSite(site(repo.all), '/') },
      {
        name: 'everything under /lumen/, branded',
        site: { site: site(lumen), origin, base, url: (p) => new URL(`${base}${p.replace(/^\//, '')}`, origin).href },
      },
    );
    for (const { name, site: s } of served) {
      const c = await crawlSite(browser.browser, s);
      crawls.set(name, c);
      console.log(`crawl of ${name}: ${c.ids.size} pages, ${c.status.size} URLs, ${c.requests.local.length} requests, all on 127.0.0.1`);
    }
  }, 600_000);
  beforeEach((ctx) => requireBrowser(ctx, browser));
  afterAll(async () => {
    preview?.stop();
    for (const s of served) await s.site.close?.();
    await browser?.close();
  });

  it('each site: no request leaves the machine, no cookie, no console error, no broken link, no link out of the base, no inline script', () => {
    expect(crawls.size).toBe(4);
    for (const [name, c] of crawls) {
      expect(crawlFindings(c), name).toEqual(noFindings(c));
      // Every page of the build was visited, and more than the pages (feeds, keys, JSON).
      expect(c.ids.size, name).toBeGreaterThanOrEqual(4);
      expect(c.status.size, name).toBeGreaterThan(c.ids.size);
    }
  });

  it('the site under /lumen/ is crawled there, through candor preview, with its logo and colours', async () => {
    const c = crawls.get('everything under /lumen/, branded')!;
    const { origin } = served[3]!.site;
    expect([...c.status.keys()].filter((u) => !u.startsWith(`${origin}/lumen/`))).toEqual([]);
    expect(c.status.get(`${origin}/lumen/brand/logo.svg`)).toBe(200);
    expect(c.status.get(`${origin}/lumen/canary/`)).toBe(200);
    expect((await fetch(`${origin}/canary/`)).status).toBe(404);
    const bare = await fetch(`${origin}/lumen`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/lumen/']);
    const home = await readFile(site(lumen, 'index.html'), 'utf8');
    expect(home).toContain(`--accent: ${ACCENT}; --background: ${BACKGROUND};`);
    expect(home).toMatch(/<img src="\/lumen\/brand\/logo\.svg" alt="Everything Mail"/);
  });

  it('axe-core finds no WCAG 2.x A/AA or best-practice violation on any page of any of them', async () => {
    for (const { name, site: s } of served) {
      const { pages, report } = await axeSite(browser.browser!, s);
      expect(pages.length, name).toBeGreaterThanOrEqual(4);
      expect(report, name).toEqual([]);
    }
  }, 300_000);
});
