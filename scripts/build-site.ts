// npm run build: the static site from content/ (or $CANDOR_ROOT) into dist/site
// (or $CANDOR_SITE_OUT). Astro writes to a temporary folder first; the output is
// swapped in only when the whole build succeeded, so a failure never leaves a half-built site.
import path from 'node:path';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { build } from 'astro';

const repo = path.resolve(import.meta.dirname, '..');
let builds = 0;

/** rename(), or copy and delete when the two paths are on different file systems. */
async function move(from: string, to: string): Promise<void> {
  await rename(from, to).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EXDEV') throw error;
    await cp(from, to, { recursive: true });
    await rm(from, { recursive: true, force: true });
  });
}

export async function buildSite(opts: { root?: string; out?: string } = {}): Promise<string> {
  const out = path.resolve(opts.out ?? process.env['CANDOR_SITE_OUT'] ?? 'dist/site');
  // Always stage inside the project, one folder per build: when outDir is elsewhere, Astro
  // stages pre-rendered chunks in a shared .astro/ folder, and parallel builds collide.
  const temp = path.join(repo, 'dist', '.builds', `${process.pid}-${++builds}`);
  if (opts.root) process.env['CANDOR_ROOT'] = path.resolve(opts.root);
  await rm(temp, { recursive: true, force: true });
  await mkdir(path.dirname(temp), { recursive: true });
  try {
    await build({ root: repo, outDir: temp, logLevel: 'warn' });
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
  const out = await buildSite();
  console.log(`Built ${path.relative(process.cwd(), out)}`);
}
