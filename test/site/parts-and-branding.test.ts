/**
 * Every part optional, the base path and branding (issue 13, items 4 to 6): real builds of
 * throwaway operator trees (policies only; policies and reports; a canary only;
 * everything; everything under /candor-demo/ with a logo, colours, footer links, a style
 * sheet and the operator's own header), then what a reader gets: the files, every link, the
 * feeds, the manifest, `candor check`, and `candor verify` against the site served under its path.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { spawnSync } from 'node:child_process';
import { serveStatic } from '../../scripts/serve.ts';
import { candor, cleanEnv, REPO } from '../helpers/candor-bin.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

/** Every demo policy and report is published by then; 3.0 is upcoming. */
const NOW = '2026-12-01T00:00:00Z';
const OUT = path.resolve('dist', 'test-sites', `parts-${process.pid}`);
const BASE = '/candor-demo/';

/** npm run build as it ships: scripts/build-site.ts in its own process, on the tree at `root`. */
function runBuild(root: string, out: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build-site.ts')], {
    cwd: REPO,
    env: cleanEnv({ CANDOR_ROOT: root, CANDOR_SITE_OUT: out, CANDOR_NOW: NOW }),
    encoding: 'utf8',
    timeout: 180_000,
  });
}

async function buildSite(opts: { root: string; out: string }): Promise<string> {
  const r = runBuild(opts.root, opts.out);
  if (r.status !== 0) throw new Error(`build of ${opts.root} into ${opts.out} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return opts.out;
}

interface Tree {
  root: string;
  site: string;
  cleanup(): Promise<void>;
}

const copyDemo = async (root: string, folders: string[]) => {
  for (const f of folders) await cp(path.join(REPO, 'content', f), path.join(root, 'content', f), { recursive: true });
  await rm(path.join(root, 'content', 'policies', 'README.md'), { force: true });
};

/** A tree without a canary or keys: service.yml and the demo's folders. */
async function plainTree(name: string, folders: string[], service: Record<string, unknown> = {}): Promise<Tree> {
  const root = await mkdtemp(path.join(os.tmpdir(), `candor-${name}-`));
  await mkdir(path.join(root, 'content'), { recursive: true });
  await writeFile(path.join(root, 'content', 'service.yml'), stringify({ name: 'Plain Mail', url: 'https://plain-mail.example', ...service }));
  await copyDemo(root, folders);
  const site = await buildSite({ root, out: path.join(OUT, name) });
  return { root, site, cleanup: () => rm(root, { recursive: true, force: true }) };
}

const HEADER = `---
const { service, nav, logo, home } = Astro.props;
---
<p class="operator-header"><a href={home}>{logo && <img src={logo.src} alt={logo.alt} />} {service.name}, by its operator</a></p>
<nav class="site-nav" aria-label="Site"><ul>{nav.map((i) => <li><a href={i.href} aria-current={i.active ? 'page' : undefined}>{i.label}</a></li>)}</ul></nav>
`;
const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><title>Test Mail</title><rect width="120" height="40" fill="#0b5394"/></svg>\n';
const STYLESHEET = '.operator-header { font-weight: bold; }\nbody { background-image: url("../brand/logo.svg"); background-size: 0 0; }\n';

/** makeProject's canary, the demo's policies and reports, and the branding of decision 0023. */
async function brandedProject(p: TestProject): Promise<void> {
  await copyDemo(p.root, ['policies', 'transparency']);
  await mkdir(path.join(p.root, 'content', 'branding'), { recursive: true });
  await writeFile(path.join(p.root, 'content', 'branding', 'logo.svg'), LOGO);
  await writeFile(path.join(p.root, 'content', 'branding', 'site.css'), STYLESHEET);
  await writeFile(path.join(p.root, 'content', 'branding', 'Header.astro'), HEADER);
  await writeFile(
    path.join(p.root, 'content', 'service.yml'),
    stringify({
      name: 'Test Mail',
      url: 'https://test-mail.example',
      base: BASE,
      branding: {
        logo: 'branding/logo.svg',
        colors: { accent: '#0b5394', background: '#fdfdf8' },
        links: [
          { label: 'Test Mail', url: 'https://test-mail.example/' },
          { label: 'Contact', url: 'mailto:hello@test-mail.example' },
          { label: 'Imprint', url: 'https://test-mail.example/imprint' },
        ],
        stylesheet: 'branding/site.css',
        ...(process.env['PARTS_NO_HEADER'] ? {} : { components: { header: 'branding/Header.astro' } }),
      },
    }),
  );
}

async function attest(p: TestProject): Promise<void> {
  await p.writeConfig((c) => {
    (c['freshness'] as Record<string, unknown>)['required'] = false;
  });
  const run = async (args: string[]) => {
    const r = await p.cli(args, { now: NOW });
    expect(r.code, `${args.join(' ')}: ${r.out}${r.err}`).toBe(0);
  };
  await run(['canary', 'attest', 'prepare']);
  for (const s of p.signers.slice(0, 2)) await run(['canary', 'attest', 'sign', '--key', p.keyFile(s)]);
  await run(['canary', 'attest', 'publish']);
  await run(['canary', 'heartbeat', '--no-freshness', '--key', p.keyFile(p.ci)]);
}

const read = (site: string, rel: string) => readFile(path.join(site, rel), 'utf8');
const navLabels = (html: string) =>
  [...(/<nav class="site-nav"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '').matchAll(/<a [^>]*>\s*([^<]+?)\s*<\/a>/g)].map((m) => m[1]);
const check = (root: string) => candor(['--root', root, '--now', NOW, 'check', '--json'], { cwd: root });

let savedNow: string | undefined;
const trees: Tree[] = [];
let policiesOnly: Tree;
let withReports: Tree;
let canaryOnly: { p: TestProject; site: string };
let everything: { p: TestProject; site: string };
let branded: { p: TestProject; site: string };

beforeAll(async () => {
  savedNow = process.env['CANDOR_NOW'];
  process.env['CANDOR_NOW'] = NOW;
  const p1 = await makeProject();
  canaryOnly = { p: p1, site: await buildSite({ root: p1.root, out: path.join(OUT, 'canary') }) };
  policiesOnly = await plainTree('policies', ['policies']);
  withReports = await plainTree('reports', ['policies', 'transparency']);
  trees.push(policiesOnly, withReports);
  const p2 = await makeProject();
  await copyDemo(p2.root, ['policies', 'transparency']);
  everything = { p: p2, site: await buildSite({ root: p2.root, out: path.join(OUT, 'everything') }) };
  const p3 = await makeProject();
  await brandedProject(p3);
  await attest(p3);
  branded = { p: p3, site: await buildSite({ root: p3.root, out: path.join(OUT, 'branded') }) };
}, 400_000);
afterAll(async () => {
  if (savedNow === undefined) delete process.env['CANDOR_NOW'];
  else process.env['CANDOR_NOW'] = savedNow;
  await Promise.all([...trees.map((t) => t.cleanup()), canaryOnly?.p.cleanup(), everything?.p.cleanup(), branded?.p.cleanup()]);
  await rm(OUT, { recursive: true, force: true });
});

describe('every part optional', () => {
  it('policies only: no canary, report or key page, link, feed entry or red box', async () => {
    const { site } = policiesOnly;
    for (const gone of ['canary', 'canary.json', 'archive', 'transparency', 'keys/index.html', 'canary.txt'])
      expect(existsSync(path.join(site, gone)), gone).toBe(false);
    expect(existsSync(path.join(site, 'policies', 'privacy', 'index.html'))).toBe(true);
    const home = await read(site, 'index.html');
    expect(navLabels(home)).toEqual(['Home', 'Policies']);
    expect(home).not.toMatch(/attestation|canary|All \d+ reports|\/transparency\/|\/keys\//i);
    expect(home).not.toContain('<script');
    expect(await read(site, 'feed.xml')).not.toMatch(/\/transparency\/20|\/archive\/attestation/);
    const manifest = JSON.parse(await read(site, 'manifest.json')) as { files: { path: string }[] };
    expect(manifest.files.some((f) => f.path.startsWith('/canary') || f.path.startsWith('/transparency'))).toBe(false);
    const r = await check(policiesOnly.root);
    expect(JSON.parse(r.out).problems.filter((x: { level: string }) => x.level !== 'note')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('policies and reports: the transparency part, still no canary', async () => {
    const { site } = withReports;
    expect(existsSync(path.join(site, 'transparency', 'index.html'))).toBe(true);
    expect(existsSync(path.join(site, 'canary'))).toBe(false);
    const home = await read(site, 'index.html');
    expect(navLabels(home)).toEqual(['Home', 'Policies', 'Transparency']);
    expect(home).not.toMatch(/attestation|Canary/);
    expect(await read(site, 'feed.xml')).toContain('/transparency/2026-h1/');
    const r = await check(withReports.root);
    // Unsigned reports are warned about, as for any service; nothing about a canary.
    expect(JSON.parse(r.out).problems.map((x: { code: string }) => x.code)).not.toContain('FILE_MISSING');
    expect(r.code, r.out).toBe(0);
  });

  it('a canary only: the canary configured without an attestation still warns, nothing of policies or reports', async () => {
    const home = await read(canaryOnly.site, 'index.html');
    expect(navLabels(home)).toEqual(['Home', 'Canary', 'Keys']);
    expect(home).toContain('No attestation has been published yet.');
    expect(home).not.toMatch(/\/policies\/|\/transparency\//);
    for (const gone of ['policies', 'transparency']) expect(existsSync(path.join(canaryOnly.site, gone)), gone).toBe(false);
  });

  it('everything: every part, as before', async () => {
    const home = await read(everything.site, 'index.html');
    expect(navLabels(home)).toEqual(['Home', 'Policies', 'Transparency', 'Canary', 'Keys']);
    expect(home).toContain('<a href="/canary/">');
    expect(home).toContain('All 5 reports');
  });

  it('an unlisted part is not published, and check says so', async () => {
    await writeFile(
      path.join(withReports.root, 'content', 'service.yml'),
      stringify({ name: 'Plain Mail', url: 'https://plain-mail.example', parts: ['policies'] }),
    );
    const r = await check(withReports.root);
    expect(JSON.parse(r.out).problems.map((x: { code: string }) => x.code)).toContain('PART_NOT_LISTED');
    const site = await buildSite({ root: withReports.root, out: path.join(OUT, 'unlisted') });
    expect(existsSync(path.join(site, 'transparency'))).toBe(false);
  }, 120_000);

  it('the build says a missing part in our words, with no stack trace (exit 65)', async () => {
    await writeFile(
      path.join(policiesOnly.root, 'content', 'service.yml'),
      stringify({ name: 'Plain Mail', url: 'https://plain-mail.example', parts: ['policies', 'canary'] }),
    );
    const built = runBuild(policiesOnly.root, path.join(OUT, 'refused'));
    expect(built.status).toBe(65);
    expect(built.stderr).toContain('error PART_MISSING: content/service.yml: parts: parts lists canary, but its content is missing');
    expect(built.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(OUT, 'refused'))).toBe(false);
  });
});

/** Every href and src of every HTML file of a build. */
async function allLinks(site: string): Promise<{ page: string; link: string }[]> {
  const pages = (await readdir(site, { recursive: true })).filter((f) => f.endsWith('.html'));
  const out: { page: string; link: string }[] = [];
  for (const page of pages) for (const m of (await read(site, page)).matchAll(/\s(?:href|src)="([^"]*)"/g)) out.push({ page, link: m[1]! });
  return out;
}

describe('under a base path, with the operator’s branding', () => {
  it('every link and asset is under the base, or leaves the site on purpose (footer links)', async () => {
    const links = await allLinks(branded.site);
    expect(links.length).toBeGreaterThan(500);
    // Policy text links to the service's own pages elsewhere (https:, mailto:); nothing else leaves the base.
    const stray = links.filter(({ link }) => !link.startsWith(BASE) && !link.startsWith('#') && !/^(https:\/\/|mailto:)/.test(link));
    expect(stray).toEqual([]);
  });

  it('feeds, canary.json and the canary page’s commands name the site under its path', async () => {
    const feed = await read(branded.site, 'feed.xml');
    const entries = [...feed.matchAll(/<link[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
    expect(entries.length).toBeGreaterThan(5);
    for (const e of entries) expect(e.startsWith(`https://test-mail.example${BASE}`), e).toBe(true);
    const status = JSON.parse(await read(branded.site, 'canary.json')) as { attestation: { url: string } };
    expect(status.attestation.url).toBe(`${BASE}canary.txt`);
    const canary = await read(branded.site, 'canary/index.html');
    expect(canary).toContain(`npx candor verify https://test-mail.example${BASE}`);
    expect(canary).toContain(`data-base="${BASE}"`);
  });

  it('copies the logo and the style sheet, links them from this origin, and lets the CSP allow only them', async () => {
    expect(await read(branded.site, 'brand/logo.svg')).toBe(LOGO);
    expect(await read(branded.site, 'brand/site.css')).toBe(STYLESHEET);
    const home = await read(branded.site, 'index.html');
    expect(home).toMatch(new RegExp(`<img src="${BASE}brand/logo\\.svg" alt="Test Mail"`));
    expect(home).toContain(`<link rel="stylesheet" href="${BASE}brand/site.css">`);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(home)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self'");
    expect(csp).not.toMatch(/https?:|\*/);
    expect(home).toContain('--accent: #0b5394; --background: #fdfdf8;');
  });

  it('the operator’s header replaces Candor’s; the footer carries their links', async () => {
    const home = await read(branded.site, 'index.html');
    expect(home).toContain('Test Mail, by its operator');
    expect(home).not.toContain('class="site-logo"');
    expect(navLabels(home)).toEqual(['Home', 'Policies', 'Transparency', 'Canary', 'Keys']);
    for (const l of ['<a href="https://test-mail.example/imprint">Imprint</a>', '<a href="mailto:hello@test-mail.example">Contact</a>'])
      expect(home).toContain(l);
  });

  it('check passes, and warns that the well-known files need the host root', async () => {
    const r = await check(branded.p.root);
    const codes = JSON.parse(r.out).problems.map((x: { code: string }) => x.code);
    expect(codes).toContain('BASE_NOT_ROOT');
    expect(r.code, r.out).toBe(0);
  });

  it('candor verify https://host/path/ works against the site served under that path', async () => {
    const served = await mkdtemp(path.join(os.tmpdir(), 'candor-served-'));
    await mkdir(path.join(served, 'x'), { recursive: true });
    await cp(branded.site, path.join(served, BASE.slice(1, -1)), { recursive: true });
    await rename(path.join(served, 'x'), path.join(served, 'not-the-site'));
    const server = await serveStatic(served, 0);
    try {
      const url = `http://127.0.0.1:${server.port}${BASE}`;
      expect((await fetch(new URL('canary.txt', url))).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${server.port}/canary.txt`)).status).toBe(404);
      const pins = branded.p.signers.map((s) => s.ref.fingerprint).join(',');
      const r = await candor(['verify', url, '--keys', pins, '--json', '--now', NOW]);
      expect(r.code, r.out + r.err).toBe(0);
      expect(JSON.parse(r.out).verdict).toBe('alive');
    } finally {
      await server.close();
      await rm(served, { recursive: true, force: true });
    }
  });
});
