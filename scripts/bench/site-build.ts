/**
 * Site build speed and page weight (issue 5), called by scripts/bench.ts:
 *
 *   5. The Candor site built from a large generated project (scripts/bench/large-content.ts:
 *      10 years of daily heartbeats and their attestations, 200 policy versions, 20
 *      half-yearly reports), against a bare Astro build (same Astro, same Node, in this
 *      run) of as many trivial .html pages as Candor produced (target ≤ 1.5×). For
 *      scale, also a bare build with as many extra endpoint files as Candor writes
 *      besides pages (the archive, feeds, keys...), which the page count leaves out.
 *   6. The same at half the size, and whether the build time grows linearly.
 *   7. Gzip size of the demo's current privacy policy page plus any stylesheet it
 *      links (styles are inlined today), target ≤ 20 KB.
 *
 * Every build is a child process (`node scripts/build-site.ts` with CANDOR_ROOT,
 * CANDOR_SITE_OUT and CANDOR_NOW; the bare one `node -e` calling astro's build()), so no
 * build inherits another's memory, and each writes to a fresh output folder, so none
 * pays for deleting the last one. Candor and bare builds run in rounds (see
 * measureRounds). The first Candor build of each size is untimed: a warm-up with
 * Astro's per-page log, which tells where the time goes. Generated projects live in
 * os.tmpdir(); bare projects and outputs in dist/.bench/ (bare projects must resolve
 * astro from the repository's node_modules). All are removed at the end.
 */
import { mkdir, readFile, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { currentVersion } from '../../src/core/policy/changelog.ts';
import { projectAt } from '../../src/io/project.ts';
import { readPolicies } from '../../src/io/read-policies.ts';
import { largeProject, type ContentSize, type LargeProject } from './large-content.ts';
import { fmtMs, fmtRatio, measureRounds, runProcess, table, type Measurement } from './measure.ts';
import type { BenchWorld } from './world.ts';

export const TARGET_BUILD = 1.5;
/** "Linear" when doubling the content at most ~2.2× the time. */
export const LINEAR_MAX = 2.2;
export const TARGET_GZIP_BYTES = 20_000;

export const FULL: ContentSize = { heartbeats: 3_650, policyVersions: 200, reports: 20 };
export const HALF: ContentSize = { heartbeats: 1_825, policyVersions: 100, reports: 10 };

const NODE = process.execPath;
const ASTRO = import.meta.resolve('astro');
const ENV = { ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' };

export interface RouteGroup {
  /** The route with its varying segments replaced by [*] (e.g. /archive/[*]). */
  route: string;
  files: number;
  ms: number;
}

/** Phases of one build, from Astro's info log and the process's wall time. */
export interface Phases {
  /** The whole child process. */
  wallMs: number;
  /** Astro's "N page(s) built in": everything after start-up and config loading. */
  astroMs: number;
  /** Vite bundling ("[vite] ✓ built in", summed). */
  viteMs: number;
  /** "generating static routes … Completed in": getStaticPaths, rendering and writing. */
  routesMs: number;
  /** Sum of the per-file times (render + write) within routesMs. */
  filesMs: number;
}

export interface SizeBench {
  label: 'full' | 'half';
  content: Omit<LargeProject, 'root'>;
  htmlPages: number;
  otherFiles: number;
  outputBytes: number;
  candor: Measurement;
  bare: Measurement;
  bareWithFiles: Measurement;
  /** From the warm-up build's log: render + write time per route, slowest first. */
  routes: RouteGroup[];
  /** The warm-up builds' phases, Candor's and the bare one's. */
  phases: Phases;
  barePhases: Phases;
}

export interface PolicyPageWeight {
  page: string;
  version: string;
  html: { bytes: number; gzip9: number; gzip6: number; inlineCss: number };
  stylesheets: { href: string; bytes: number; gzip9: number; gzip6: number }[];
  gzip9: number;
  gzip6: number;
}

export interface SiteBench {
  full: SizeBench;
  half: SizeBench;
  /** full / half median times (the verdict), and the same from the fastest runs (less load noise). */
  growth: { candor: number; bare: number; linear: boolean; candorFastest: number; bareFastest: number };
  policyPage: PolicyPageWeight;
  seconds: number;
}

// ---------------------------------------------------------------- builds

interface BuildEnv {
  root: string;
  now?: string;
}

/** `node scripts/build-site.ts`, exactly as `npm run build` with a project root. */
function candorBuild(repo: string, project: BuildEnv, out: string): void {
  runProcess(NODE, [path.join(repo, 'scripts', 'build-site.ts')], {
    env: { ...ENV, CANDOR_ROOT: project.root, CANDOR_SITE_OUT: out, ...(project.now ? { CANDOR_NOW: project.now } : {}) },
  });
}

/** astro's build() in a fresh process; logLevel 'info' prints each file with its time. */
function astroBuild(root: string, out: string, logLevel: 'warn' | 'info', env: Record<string, string> = {}): string {
  const script = `const { build } = await import(${JSON.stringify(ASTRO)}); await build({ root: ${JSON.stringify(root)}, outDir: ${JSON.stringify(out)}, logLevel: ${JSON.stringify(logLevel)} });`;
  const result = runProcess(NODE, ['--input-type=module', '-e', script], { env: { ...ENV, ...env } });
  return result.stdout + result.stderr;
}

const toMs = (value: string, unit: string) => Number(value) * (unit === 's' ? 1000 : 1);
// eslint-disable-next-line no-control-regex
const plain = (log: string) => log.replace(/\x1b\[[0-9;]*m/g, '');

function phases(log: string, wallMs: number): Phases {
  const text = plain(log);
  const one = (re: RegExp) => {
    const m = re.exec(text);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  return {
    wallMs,
    astroMs: one(/page\(s\) built in ([\d.]+)(ms|s)/),
    viteMs: [...text.matchAll(/\[vite\] ✓ built in ([\d.]+)(ms|s)/g)].reduce((sum, m) => sum + toMs(m[1]!, m[2]!), 0),
    routesMs: one(/generating static routes[\s\S]*?✓ Completed in ([\d.]+)(ms|s)/),
    filesMs: routeTimes(text).totalMs,
  };
}

/** Astro's per-file log lines ("├─ /archive/x.txt (+2ms)"), grouped by route. */
function routeTimes(log: string): { groups: RouteGroup[]; totalMs: number } {
  const groups = new Map<string, RouteGroup>();
  let totalMs = 0;
  for (const m of plain(log).matchAll(/[├└]─\s+(\S+)\s+\(\+([\d.]+)(ms|s)\)/g)) {
    const ms = toMs(m[2]!, m[3]!);
    totalMs += ms;
    const route = m[1]!
      .replace(/^\/policies\/(?!changelog\/)[^/]+\//, '/policies/[policy]/')
      .split('/')
      .map((seg) => (/\d/.test(seg) && seg !== 'index.html' ? '[*]' : seg))
      .join('/');
    const g = groups.get(route) ?? { route, files: 0, ms: 0 };
    g.files++;
    g.ms += ms;
    groups.set(route, g);
  }
  return { groups: [...groups.values()].sort((a, b) => b.ms - a.ms), totalMs };
}

async function countFiles(dir: string): Promise<{ html: number; other: number; bytes: number }> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
  let bytes = 0;
  for (const f of files) bytes += (await stat(path.join(f.parentPath, f.name))).size;
  const html = files.filter((f) => f.name.endsWith('.html')).length;
  return { html, other: files.length - html, bytes };
}

/** A bare Astro project: `pages` trivial pages from one [n].astro, and `endpoints` one-line text files. */
async function bareProject(dir: string, pages: number, endpoints: number): Promise<void> {
  const pagesDir = path.join(dir, 'src', 'pages');
  await mkdir(pagesDir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), '{ "name": "candor-bench-bare", "private": true, "type": "module" }\n');
  await writeFile(
    path.join(pagesDir, '[n].astro'),
    `---
export function getStaticPaths() {
  return Array.from({ length: ${pages} }, (_, i) => ({ params: { n: String(i + 1) } }));
}
const { n } = Astro.params;
---
<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>Page {n}</title></head><body><h1>Page {n}</h1><p>A trivial page.</p></body></html>
`,
  );
  if (endpoints > 0) {
    await writeFile(
      path.join(pagesDir, '[file].txt.ts'),
      `export function getStaticPaths() {
  return Array.from({ length: ${endpoints} }, (_, i) => ({ params: { file: \`file-\${i + 1}\` } }));
}
export const GET = ({ params }: { params: { file: string } }) => new Response(\`File \${params.file}\\n\`);
`,
    );
  }
}

// ---------------------------------------------------------------- 5 and 6

async function benchSize(label: 'full' | 'half', size: ContentSize, ctx: Context): Promise<SizeBench> {
  const work = path.join(ctx.work, label);
  const projectRoot = path.join(ctx.tmp, label);
  ctx.log(`   ${label}: generating ${size.heartbeats} heartbeats, ${size.policyVersions} policy versions, ${size.reports} reports...`);
  const project = await largeProject(ctx.repo, ctx.world, projectRoot, size);
  const { root: _root, ...content } = project;

  ctx.log(`   ${label}: warm-up build with Astro's per-file log...`);
  const warmOut = path.join(work, 'warmup');
  let started = performance.now();
  const log = astroBuild(ctx.repo, warmOut, 'info', { CANDOR_ROOT: project.root, CANDOR_NOW: project.now });
  const candorPhases = phases(log, performance.now() - started);
  const { groups } = routeTimes(log);
  const files = await countFiles(warmOut);
  await rm(warmOut, { recursive: true, force: true });
  if (files.html === 0) throw new Error(`the ${label} Candor build produced no .html file`);

  const barePages = path.join(work, 'bare-pages');
  const bareFiles = path.join(work, 'bare-files');
  await bareProject(barePages, files.html, 0);
  await bareProject(bareFiles, files.html, files.other);
  started = performance.now();
  const barePhases = phases(astroBuild(barePages, path.join(work, 'bare-warmup'), 'info'), performance.now() - started);
  ctx.log(`   ${label}: timing ${ctx.runs} rounds of Candor, bare (${files.html} pages), bare (+${files.other} files)...`);

  let n = 0;
  const out = (what: string) => path.join(work, `${what}-${++n}`);
  const [candor, bare, bareWithFiles] = (await measureRounds(
    [
      { label: `candor build-site (${label} content)`, fn: () => candorBuild(ctx.repo, project, out('candor')) },
      { label: `bare Astro, ${files.html} trivial pages`, fn: () => astroBuild(barePages, out('bare'), 'warn') },
      { label: `  bare Astro, same + ${files.other} endpoint files`, fn: () => astroBuild(bareFiles, out('bare-files'), 'warn') },
    ],
    ctx.runs,
    { warmup: 0 },
  )) as [Measurement, Measurement, Measurement];
  await rm(work, { recursive: true, force: true });
  await rm(projectRoot, { recursive: true, force: true });
  return {
    label,
    content,
    htmlPages: files.html,
    otherFiles: files.other,
    outputBytes: files.bytes,
    candor,
    bare,
    bareWithFiles,
    routes: groups,
    phases: candorPhases,
    barePhases,
  };
}

// ---------------------------------------------------------------- 7

const gz = (data: Uint8Array | string, level: number) => gzipSync(data, { level }).length;

async function policyPageWeight(ctx: Context): Promise<PolicyPageWeight> {
  const out = path.join(ctx.work, 'demo');
  ctx.log('   building the demo content (content/) for the policy page weight...');
  candorBuild(ctx.repo, { root: ctx.repo }, out);
  const page = 'policies/privacy/index.html';
  const html = await readFile(path.join(out, page));
  const text = html.toString('utf8');
  const inlineCss = [...text.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].reduce((sum, m) => sum + Buffer.byteLength(m[1]!), 0);
  const stylesheets: PolicyPageWeight['stylesheets'] = [];
  for (const [tag] of text.matchAll(/<link\b[^>]*>/gi)) {
    if (!/\brel=["']?stylesheet\b/i.test(tag)) continue;
    const href = /\bhref=["']?([^"'\s>]+)/i.exec(tag)?.[1];
    if (!href) continue;
    if (/^[a-z]+:|^\/\//i.test(href)) throw new Error(`${page} links an external stylesheet (${href}): its weight cannot be measured offline`);
    const clean = href.replace(/[?#].*$/, '');
    const file = clean.startsWith('/') ? path.join(out, clean) : path.join(out, path.dirname(page), clean);
    const css = await readFile(file);
    stylesheets.push({ href, bytes: css.length, gzip9: gz(css, 9), gzip6: gz(css, 6) });
  }
  const versions = (await readPolicies(projectAt(ctx.repo))).policies.get('privacy') ?? [];
  const version = currentVersion(versions, new Date())?.version ?? '?';
  await rm(out, { recursive: true, force: true });
  const h = { bytes: html.length, gzip9: gz(html, 9), gzip6: gz(html, 6), inlineCss };
  return {
    page,
    version,
    html: h,
    stylesheets,
    gzip9: h.gzip9 + stylesheets.reduce((s, c) => s + c.gzip9, 0),
    gzip6: h.gzip6 + stylesheets.reduce((s, c) => s + c.gzip6, 0),
  };
}

// ---------------------------------------------------------------- entry

interface Context {
  repo: string;
  world: BenchWorld;
  log: (line: string) => void;
  runs: number;
  /** Generated projects. */
  tmp: string;
  /** Bare projects and build outputs (inside the repository, for node_modules resolution). */
  work: string;
}

export async function benchSite(opts: { repo: string; world: BenchWorld; log: (line: string) => void; runs?: number }): Promise<SiteBench> {
  const started = performance.now();
  const ctx: Context = {
    ...opts,
    runs: opts.runs ?? 3,
    tmp: path.join(os.tmpdir(), `candor-bench-site-${process.pid}`),
    work: path.join(opts.repo, 'dist', '.bench', `site-${process.pid}`),
  };
  try {
    // The demo build first: it also warms the disk cache for Astro and the sources.
    const policyPage = await policyPageWeight(ctx);
    const half = await benchSize('half', HALF, ctx);
    const full = await benchSize('full', FULL, ctx);
    const candor = full.candor.ms / half.candor.ms;
    return {
      full,
      half,
      policyPage,
      seconds: (performance.now() - started) / 1000,
      growth: {
        candor,
        bare: full.bare.ms / half.bare.ms,
        linear: candor <= LINEAR_MAX,
        candorFastest: full.candor.min / half.candor.min,
        bareFastest: full.bare.min / half.bare.min,
      },
    };
  } finally {
    await rm(ctx.tmp, { recursive: true, force: true });
    await rm(ctx.work, { recursive: true, force: true });
    await rmdir(path.dirname(ctx.work)).catch(() => undefined); // dist/.bench, when no other run uses it
  }
}

// ---------------------------------------------------------------- report

const status = (met: boolean) => (met ? 'met' : 'MISSED');
const HEADER = ['measurement', 'median', 'min–max', 'runs', 'ratio', 'target'];
const row = (m: Measurement, ratio: string, target = ''): string[] => [m.label, fmtMs(m.ms), `${fmtMs(m.min)}–${fmtMs(m.max)}`, String(m.runs), ratio, target];
const num = (n: number) => n.toLocaleString('en-GB');
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

function describeContent(s: SizeBench): string {
  const c = s.content;
  const policies = Object.entries(c.policies)
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
  const versions = Object.values(c.policies).reduce((a, b) => a + b, 0);
  return (
    `   content: ${num(c.heartbeats)} heartbeats + ${c.attestations} attestations, ${versions} policy versions (${policies}), ${c.reports} half-yearly reports, ${kb(c.markdownBytes)} of Markdown; clock ${c.now}\n` +
    `   output: ${num(s.htmlPages)} .html pages + ${num(s.otherFiles)} other files, ${(s.outputBytes / 1e6).toFixed(1)} MB`
  );
}

function sizeTable(s: SizeBench): string {
  const r = s.candor.ms / s.bare.ms;
  return table(HEADER, [
    row(s.bare, '1.00× (baseline)'),
    row(s.candor, `${fmtRatio(r)} bare`, `≤ ${TARGET_BUILD}× ${status(r <= TARGET_BUILD)}`),
    row(s.bareWithFiles, `candor = ${fmtRatio(s.candor.ms / s.bareWithFiles.ms)} this`, 'info'),
  ]);
}

function routeTable(s: SizeBench, top = 8): string {
  const rows = s.routes.slice(0, top).map((g) => [g.route, num(g.files), fmtMs(g.ms), `${(g.ms / g.files).toFixed(1)} ms`]);
  const rest = s.routes.slice(top);
  if (rest.length > 0) {
    const files = rest.reduce((a, g) => a + g.files, 0);
    const ms = rest.reduce((a, g) => a + g.ms, 0);
    rows.push([`${rest.length} other routes`, num(files), fmtMs(ms), `${(ms / files).toFixed(1)} ms`]);
  }
  const files = s.htmlPages + s.otherFiles;
  rows.push(['all files (render + write)', num(files), fmtMs(s.phases.filesMs), `${(s.phases.filesMs / files).toFixed(1)} ms`]);
  rows.push([
    `for scale: bare Astro, ${num(s.htmlPages)} trivial pages`,
    num(s.htmlPages),
    fmtMs(s.barePhases.filesMs),
    `${(s.barePhases.filesMs / s.htmlPages).toFixed(1)} ms`,
  ]);
  return table(['route (warm-up build, Astro per-file log)', 'files', 'total', 'per file'], rows);
}

/** Where the wall time of the warm-up builds went, Candor's against the bare one's. */
function phaseTable(s: SizeBench): string {
  const cells = (p: Phases) => {
    const startup = p.wallMs - p.astroMs;
    const other = p.astroMs - p.viteMs - p.routesMs;
    return [startup, p.viteMs, p.routesMs - p.filesMs, p.filesMs, other, p.wallMs].map((ms) => (Number.isNaN(ms) ? '?' : fmtMs(ms)));
  };
  return table(
    ['warm-up build', 'start-up + config', 'Vite bundling', 'getStaticPaths etc.', 'files (render + write)', 'other', 'wall'],
    [
      ['candor', ...cells(s.phases)],
      [`bare, ${num(s.htmlPages)} pages`, ...cells(s.barePhases)],
    ],
  );
}

export function printSite(s: SiteBench): void {
  console.log(
    `\n5. Site build, large content: candor build-site vs a bare Astro build of as many trivial pages (child processes, ${s.full.candor.runs} rounds)`,
  );
  console.log(describeContent(s.full));
  console.log(sizeTable(s.full));
  console.log("   where the time goes (untimed warm-up builds, from Astro's log):");
  console.log(phaseTable(s.full).replace(/^/gm, '   '));
  console.log(routeTable(s.full).replace(/^/gm, '   '));

  console.log(`\n6. Site build, half the content`);
  console.log(describeContent(s.half));
  console.log(sizeTable(s.half));
  console.log(phaseTable(s.half).replace(/^/gm, '   '));
  console.log(
    `   growth, full / half: candor ${fmtRatio(s.growth.candor)} (${fmtMs(s.full.candor.ms)} / ${fmtMs(s.half.candor.ms)}), bare ${fmtRatio(s.growth.bare)} (${fmtMs(s.full.bare.ms)} / ${fmtMs(s.half.bare.ms)}), pages ${fmtRatio(s.full.htmlPages / s.half.htmlPages)}: ${s.growth.linear ? 'linear' : 'NOT linear'} (≤ ${LINEAR_MAX}× for twice the content)`,
  );
  console.log(
    `   from the fastest runs: candor ${fmtRatio(s.growth.candorFastest)}, bare ${fmtRatio(s.growth.bareFastest)}; start-up, config and bundling do not grow, so whole builds grow less than their per-file work:`,
  );
  const perRoute = s.full.routes.slice(0, 4).map((g) => {
    const h = s.half.routes.find((x) => x.route === g.route);
    return h ? `${g.route} ${fmtRatio(g.ms / h.ms)} time for ${fmtRatio(g.files / h.files)} files` : `${g.route}: not in the half build`;
  });
  console.log(
    `   per-file work only (render + write, warm-up builds), full / half: candor ${fmtRatio(s.full.phases.filesMs / s.half.phases.filesMs)}, bare ${fmtRatio(s.full.barePhases.filesMs / s.half.barePhases.filesMs)}`,
  );
  console.log(`   slowest routes, full / half: ${perRoute.join('; ')}`);

  const p = s.policyPage;
  console.log(`\n7. Policy page weight: /${p.page} of the demo content (privacy ${p.version}, current today), HTML + the stylesheets it links`);
  const rows = [[`${p.page} (${p.html.inlineCss} bytes of inline CSS)`, num(p.html.bytes), num(p.html.gzip9), num(p.html.gzip6)]];
  for (const c of p.stylesheets) rows.push([`  ${c.href}`, num(c.bytes), num(c.gzip9), num(c.gzip6)]);
  rows.push([
    p.stylesheets.length === 0 ? 'total (no linked stylesheet)' : 'total',
    num(p.html.bytes + p.stylesheets.reduce((a, c) => a + c.bytes, 0)),
    num(p.gzip9),
    num(p.gzip6),
  ]);
  console.log(table(['file', 'bytes', 'gzip -9', 'gzip -6'], rows));
  console.log(`   gzip -9 ${kb(p.gzip9)} (target ≤ ${kb(TARGET_GZIP_BYTES)}) ${status(p.gzip9 <= TARGET_GZIP_BYTES)}; gzip -6 ${kb(p.gzip6)}`);
  console.log(`   site bench took ${s.seconds.toFixed(0)} s`);
}

function sizeJson(s: SizeBench) {
  return {
    content: s.content,
    htmlPages: s.htmlPages,
    otherFiles: s.otherFiles,
    outputBytes: s.outputBytes,
    candorMs: s.candor.ms,
    bareMs: s.bare.ms,
    bareWithFilesMs: s.bareWithFiles.ms,
    runs: s.candor.runs,
    ratio: s.candor.ms / s.bare.ms,
    ratioToBareWithFiles: s.candor.ms / s.bareWithFiles.ms,
    target: TARGET_BUILD,
    met: s.candor.ms / s.bare.ms <= TARGET_BUILD,
    routesMs: Object.fromEntries(s.routes.map((g) => [g.route, { files: g.files, ms: Math.round(g.ms) }])),
    warmupPhases: { candor: s.phases, bare: s.barePhases },
  };
}

export function siteJson(s: SiteBench) {
  return {
    full: sizeJson(s.full),
    half: sizeJson(s.half),
    growth: { ...s.growth, limit: LINEAR_MAX },
    policyPage: { ...s.policyPage, target: TARGET_GZIP_BYTES, met: s.policyPage.gzip9 <= TARGET_GZIP_BYTES },
    seconds: Math.round(s.seconds),
  };
}
