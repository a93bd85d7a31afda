/**
 * The site of an operator's content root: `candor build` (static site), `candor preview`
 * (serve a built one on 127.0.0.1), `candor dev` (Astro's dev server, reloading on content
 * edits) and `candor sign-site` (security.txt and manifest.json, signed in their own step
 * so that the key is never in the build's environment). All take the content root from
 * --root, else $CANDOR_ROOT, else the current folder; Candor's own Astro project (the
 * package's astro.config.mjs and src/site/) renders it.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { CandorError, ContentError, UsageError, type ErrorDetails } from '../../core/errors.ts';
import { readSigningKey } from '../../io/keyring.ts';
import { PACKAGE_ROOT } from '../../io/package-root.ts';
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { keySourceOptions, toKeySource } from './attest.ts';

/** The content root must be a folder with content/ in it: a typo in --root is said, never built as an empty site. */
export async function requireRoot(ctx: Context): Promise<string> {
  const root = ctx.project.root;
  const [folder, content] = await Promise.all([stat(root).catch(() => undefined), stat(ctx.project.content).catch(() => undefined)]);
  if (!folder?.isDirectory() || !content?.isDirectory())
    throw new UsageError('ROOT_MISSING', 'not a content root', {
      file: root,
      field: '--root',
      expected: 'a folder holding content/ (and keys/), such as one made by candor init',
      received: !folder ? 'no such folder' : !folder.isDirectory() ? 'a file' : 'a folder without content/',
      hint: 'Pass --root DIR or set CANDOR_ROOT to your repository; see README.md#adopting-candor-for-your-service.',
    });
  return root;
}

/** A path as the user would type it: relative under the current folder, else absolute. */
export function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === '' ? '.' : rel.startsWith('..') ? file : rel;
}

/**
 * Vite loads the site's modules itself, so a content error thrown while a page renders is
 * an instance of the site's copy of our error classes, not of the CLI's: said as what it
 * is (a ContentError with its code and every problem), never as a crash.
 */
function fromSite(error: unknown): unknown {
  if (error instanceof CandorError || !(error instanceof Error)) return error;
  const e = error as Error & { code?: unknown; summary?: unknown; details?: unknown; also?: unknown };
  if (typeof e.code !== 'string' || typeof e.summary !== 'string' || typeof e.details !== 'object' || !Array.isArray(e.also)) return error;
  return new ContentError(e.code as ContentError['code'], e.summary, e.details as ErrorDetails, e.also as CandorError[]);
}

/** --out, else $CANDOR_SITE_OUT, else dist/site under the content root. */
function outDir(ctx: Context, out: string | undefined): string {
  return path.resolve(out ?? ctx.env['CANDOR_SITE_OUT'] ?? path.join(ctx.project.root, 'dist', 'site'));
}

async function requireBuilt(site: string): Promise<void> {
  const index = await stat(path.join(site, 'index.html')).catch(() => undefined);
  if (!index?.isFile())
    throw new UsageError('SITE_NOT_BUILT', 'no built site here', {
      file: site,
      expected: 'a folder made by candor build (with index.html)',
      received: 'no index.html',
      hint: 'Run candor build first (or pass the folder it wrote: --out DIR); see README.md#cli-reference.',
    });
}

/**
 * The path the site was built for (service.yml `base`), served as a project site's host
 * serves it: a site built for /lumen/ links to /lumen/…, so it must answer there. A folder
 * without content/service.yml (a site built elsewhere, --out) is served at the root.
 */
async function previewBase(ctx: Context): Promise<string> {
  const file = path.join(ctx.project.content, 'service.yml');
  if (!(await stat(file).catch(() => undefined))?.isFile()) return '/';
  const [{ readServiceConfig }, { siteBase }] = await Promise.all([import('../../io/site-options.ts'), import('../../core/site/base-path.ts')]);
  return siteBase(await readServiceConfig(ctx.project));
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new UsageError('USAGE', 'not a port', { field: '--port', expected: 'a whole number from 0 (any free port) to 65535', received: value });
  return port;
}

/** Until SIGINT or SIGTERM: a server command runs until it is stopped. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export function siteCommands(program: Command, ctx: () => Context, done: (code: number) => void): void {
  program
    .command('build')
    .description('build the static site of the content root into dist/site (signed when CANDOR_SIGNING_KEY is set)')
    .option('--out <dir>', 'where to write the site (default: ROOT/dist/site, or $CANDOR_SITE_OUT)')
    .action(async (flags: { out?: string }) => {
      const c = ctx();
      const root = await requireRoot(c);
      const { buildSite } = await import('../../../scripts/build-site.ts');
      const key = c.env['CANDOR_SIGNING_KEY'] ? await readSigningKey({}, c.env) : undefined;
      process.env['CANDOR_NOW'] = c.now.toISOString();
      const out = await buildSite({ root, out: outDir(c, flags.out), ...(key ? { key } : {}) }).catch((error: unknown) => {
        throw fromSite(error);
      });
      c.io.out(`Built ${shown(out)}${key ? ' (security.txt and manifest.json signed)' : ''}`);
      done(EXIT.ok);
    });

  program
    .command('preview')
    .description("serve a built site on 127.0.0.1, under service.yml's base, and print its URL (Ctrl+C stops it)")
    .option('--out <dir>', 'the built site (default: ROOT/dist/site, or $CANDOR_SITE_OUT)')
    .option('--port <n>', 'the port; 0 takes any free one', '4321')
    .action(async (flags: { out?: string; port: string }) => {
      const c = ctx();
      const port = parsePort(flags.port);
      const site = outDir(c, flags.out);
      await requireBuilt(site);
      const base = await previewBase(c);
      const { serveStatic } = await import('../../../scripts/serve.ts');
      const server = await serveStatic(site, port, base);
      c.io.out(`Serving ${shown(site)} at http://127.0.0.1:${server.port}${base}`);
      await untilStopped();
      await server.close();
      done(EXIT.ok);
    });

  program
    .command('dev')
    .description("Astro's dev server on the content root, reloading the page when content/ or keys/ change")
    .option('--port <n>', 'the port; 0 takes any free one', '4321')
    .action(async (flags: { port: string }) => {
      const c = ctx();
      const port = parsePort(flags.port);
      const root = await requireRoot(c);
      // The pages read the content root from the environment (src/site/data.ts).
      process.env['CANDOR_ROOT'] = root;
      process.env['CANDOR_NOW'] = c.now.toISOString();
      const [{ dev }, { readSiteOptions }, { siteConfig }] = await Promise.all([
        import('astro'),
        import('../../io/site-options.ts'),
        import('../../site/integration.ts'),
      ]);
      // The same base, part routes and component overrides as `candor build`.
      const options = await readSiteOptions(c.project);
      const site = await siteConfig(options, c.project);
      const { pinBaseUrl } = await import('../../../scripts/build-site.ts');
      pinBaseUrl(options.base);
      const server = await dev({
        root: PACKAGE_ROOT,
        logLevel: 'warn',
        server: { host: '127.0.0.1', port },
        ...site,
        vite: { ...site.vite, plugins: [reloadOnContent(root)] },
      });
      c.io.out(`Candor dev server for ${root} at http://127.0.0.1:${server.address.port}/ (Ctrl+C stops it)`);
      await untilStopped();
      await server.stop();
      done(EXIT.ok);
    });

  keySourceOptions(
    program
      .command('sign-site')
      .argument('[site]', 'the built site (default: ROOT/dist/site, or $CANDOR_SITE_OUT)')
      .description('sign a built site: security.txt (cleartext) and manifest.json (detached), with the CI key'),
  ).action(async (site: string | undefined, flags: Parameters<typeof toKeySource>[0]) => {
    const c = ctx();
    const out = outDir(c, site);
    await requireBuilt(out);
    const { finishBuiltSite } = await import('../../../scripts/build-site.ts');
    const key = await readSigningKey(toKeySource(flags), c.env);
    process.env['CANDOR_NOW'] = c.now.toISOString();
    const result = await finishBuiltSite(out, { key, root: c.project.root });
    c.io.out(`Signed ${shown(out)}: manifest.json lists ${result.files} files${result.securityTxt ? ', security.txt signed' : ''} (key ${result.signer})`);
    done(EXIT.ok);
  });
}

/**
 * The pages read content/ and keys/ with the file system, outside Vite's module graph, so
 * Vite cannot know an edit matters: this watches the content root, drops every rendered
 * module (data.ts caches the content per build) and reloads the browser.
 */
function reloadOnContent(root: string) {
  return {
    name: 'candor-reload-on-content',
    configureServer(server: {
      watcher: { add(paths: string[]): void; on(event: string, fn: (file: string) => void): void };
      environments: Record<string, { moduleGraph: { invalidateAll(): void } }>;
      ws: { send(payload: { type: 'full-reload' }): void };
    }) {
      const watched = [path.join(root, 'content'), path.join(root, 'keys')];
      server.watcher.add(watched);
      const changed = (file: string) => {
        if (!watched.some((dir) => file === dir || file.startsWith(`${dir}${path.sep}`))) return;
        for (const env of Object.values(server.environments)) env.moduleGraph.invalidateAll();
        server.ws.send({ type: 'full-reload' });
      };
      for (const event of ['add', 'change', 'unlink']) server.watcher.on(event, changed);
    },
  };
}
