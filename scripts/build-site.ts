// npm run build: the static site from content/ (or $CANDOR_ROOT) into dist/site
// (or $CANDOR_SITE_OUT). Astro writes to a temporary folder first; the output is
// swapped in only when the whole build succeeded, so a failure never leaves a half-built site.
import path from 'node:path';
import { copyFile, cp, link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { build } from 'astro';
import { build as bundle } from 'esbuild';
import type * as openpgp from 'openpgp';
import { parseNow } from '../src/cli/context.ts';
import { projectAt } from '../src/io/project.ts';
import { listArchive } from '../src/io/archive.ts';
import { HEADERS_SUFFIX, OTS_SUFFIX } from '../src/io/timestamps.ts';
import { readCanaryContent } from '../src/io/read-content.ts';
import { readSiteOptions } from '../src/io/site-options.ts';
import { siteConfig } from '../src/site/integration.ts';
import { readSigningKey } from '../src/io/keyring.ts';
import { finishSite, type FinishResult } from '../src/io/site-finish.ts';
import { scanSite } from '../src/io/secret-files.ts';
import { ContentError, isCandorError } from '../src/core/errors.ts';
import { PACKAGE_ROOT } from '../src/io/package-root.ts';

// Candor's own folder (astro.config.mjs, src/site/): this checkout, or node_modules/candor.
const repo = PACKAGE_ROOT;
let builds = 0;

/** rename(), or copy and delete when the two paths are on different file systems. */
async function move(from: string, to: string): Promise<void> {
  await rename(from, to).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EXDEV') throw error;
    await cp(from, to, { recursive: true });
    await rm(from, { recursive: true, force: true });
  });
}

/**
 * The site's only scripts, in /assets/: canary-page.js (status after the build, the
 * verify button) and compare-page.js (any two versions of a long policy history); split
 * from them and loaded only when asked, the verifier with openpgp.js and the policy diff. Bundled here rather than by Astro so that no script is ever inlined
 * (the CSP allows scripts from this origin only) and the split is explicit.
 */
async function bundleClient(out: string): Promise<void> {
  await bundle({
    entryPoints: {
      'canary-page': path.join(repo, 'src/site/client/canary-page.ts'),
      'compare-page': path.join(repo, 'src/site/client/compare-page.ts'),
    },
    outdir: path.join(out, 'assets'),
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
}

/** Each archived file with its OpenTimestamps proof and header bundle, when they are beside it (docs/timestamps.md). */
async function archiveFiles(dir: string): Promise<string[]> {
  const names = [...(await listArchive(dir, 'attestation')), ...(await listArchive(dir, 'heartbeat'))];
  const present = new Set(await readdir(dir).catch(() => []));
  return names.flatMap((n) => [n, ...[OTS_SUFFIX, HEADERS_SUFFIX].map((s) => n + s).filter((p) => present.has(p))]);
}

/**
 * /archive/<kind>-NNNNNN.txt, with its .ots and .ots-headers: the archived files, byte for
 * byte. Placed after the Astro build rather than rendered by it: ten years of heartbeats
 * are 3,650 files, and an endpoint, or even a copy, per file cost seconds on a slow disk
 * (npm run bench). A hard link where the file system allows it: archive files are never
 * modified in place (candor writes new ones, atomically, and replaces a proof by rename
 * when it upgrades it), and every writer of the built site replaces files by rename,
 * which never reaches the archive. Otherwise a copy.
 */
async function placeArchive(root: string, out: string): Promise<void> {
  const { archive } = projectAt(root);
  const names = await archiveFiles(archive);
  await mkdir(path.join(out, 'archive'), { recursive: true });
  await Promise.all(
    names.map(async (n) => {
      const [from, to] = [path.join(archive, n), path.join(out, 'archive', n)];
      await link(from, to).catch(() => copyFile(from, to));
    }),
  );
}

/** The site is public: a private key that reached it (through a document, say) stops the build, and nothing is swapped in. */
async function refuseSecrets(site: string): Promise<void> {
  const found = (await scanSite(site)).filter((f) => f.kind !== 'too-large');
  if (found.length === 0) return;
  throw new ContentError('PRIVATE_KEY_IN_REPO', 'private key material in the built site', {
    file: found.map((f) => f.file).join(', '),
    expected: 'public material only',
    received: found.map((f) => f.kind).join(', '),
    hint: 'Find where it came from (candor check names the file in the repository), remove it, and treat the key as compromised.',
  });
}

/** The build's clock: $CANDOR_NOW (as for the CLI and the pages, src/site/data.ts) or the system time. */
export const siteNow = (): Date => parseNow(process.env['CANDOR_NOW'], new Date());

/** security.txt and manifest.json for a built site, signed when `key` is given (src/io/site-finish.ts). */
export async function finishBuiltSite(out: string, opts: { root?: string; key?: openpgp.PrivateKey } = {}): Promise<FinishResult> {
  const project = projectAt(path.resolve(opts.root ?? process.env['CANDOR_ROOT'] ?? '.'));
  const options = await readSiteOptions(project);
  const content = options.parts.has('canary') ? await readCanaryContent(project) : { service: options.service };
  return finishSite(out, { content, now: siteNow(), ...(opts.key ? { key: opts.key } : {}) });
}

/**
 * In a server-side render, Vite lets a BASE_URL in the environment win over the configured
 * base in `import.meta.env.BASE_URL` (src/site/url.ts reads it). Vitest sets BASE_URL=/ for its
 * workers and children, and a CI job may set it for its own reasons: the base is the one
 * service.yml gives, whatever the environment says.
 */
export function pinBaseUrl(base: string): void {
  process.env['BASE_URL'] = base;
}

export async function buildSite(opts: { root?: string; out?: string; key?: openpgp.PrivateKey } = {}): Promise<string> {
  const out = path.resolve(opts.out ?? process.env['CANDOR_SITE_OUT'] ?? 'dist/site');
  // Always stage inside the project, one folder per build: when outDir is elsewhere, Astro
  // stages pre-rendered chunks in a shared .astro/ folder, and parallel builds collide.
  const temp = path.join(repo, 'dist', '.builds', `${process.pid}-${++builds}`);
  if (opts.root) process.env['CANDOR_ROOT'] = path.resolve(opts.root);
  const root = path.resolve(opts.root ?? process.env['CANDOR_ROOT'] ?? '.');
  // service.yml first: a missing part or branding file is said in our words before Astro starts.
  const project = projectAt(root);
  const options = await readSiteOptions(project);
  pinBaseUrl(options.base);
  await rm(temp, { recursive: true, force: true });
  await mkdir(path.dirname(temp), { recursive: true });
  try {
    await build({ root: repo, outDir: temp, logLevel: 'warn', ...(await siteConfig(options, project)) });
    await bundleClient(temp);
    if (options.parts.has('canary')) await placeArchive(root, temp);
    await finishBuiltSite(temp, { ...(opts.root ? { root: opts.root } : {}), ...(opts.key ? { key: opts.key } : {}) });
    await refuseSecrets(temp);
    await rm(`${out}.old`, { recursive: true, force: true });
    await mkdir(path.dirname(out), { recursive: true });
    await rename(out, `${out}.old`).catch(() => undefined);
    await move(temp, out);
    await rm(`${out}.old`, { recursive: true, force: true });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.main) {
  // Signed when the automation key is in the environment; the publish workflow signs in a
  // separate step instead (scripts/sign-site.ts), so that the key is absent while Astro runs.
  const key = process.env['CANDOR_SIGNING_KEY'] ? await readSigningKey({}, process.env) : undefined;
  try {
    const out = await buildSite(key ? { key } : {});
    console.log(`Built ${path.relative(process.cwd(), out)}${key ? ' (security.txt and manifest.json signed)' : ''}`);
  } catch (error) {
    // A user's mistake is said in our words (exit 65); anything else is a bug (exit 70, with its stack).
    if (isCandorError(error)) console.error(`error ${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
    else console.error('internal error (a bug in Candor):', error);
    process.exitCode = isCandorError(error) ? 65 : 70;
  }
}
