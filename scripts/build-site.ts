// npm run build: the static site from content/ (or $CANDOR_ROOT) into dist/site
// (or $CANDOR_SITE_OUT). Astro writes to a temporary folder first; the output is
// swapped in only when the whole build succeeded, so a failure never leaves a half-built site.
import path from 'node:path';
import { rename, rm } from 'node:fs/promises';
import { build } from 'astro';

export async function buildSite(opts: { root?: string; out?: string } = {}): Promise<string> {
  const out = path.resolve(opts.out ?? process.env['CANDOR_SITE_OUT'] ?? 'dist/site');
  const temp = `${out}.building-${process.pid}`;
  if (opts.root) process.env['CANDOR_ROOT'] = path.resolve(opts.root);
  await rm(temp, { recursive: true, force: true });
  await build({ root: path.resolve(import.meta.dirname, '..'), outDir: temp, logLevel: 'warn' });
  await rm(`${out}.old`, { recursive: true, force: true });
  await rename(out, `${out}.old`).catch(() => undefined);
  await rename(temp, out);
  await rm(`${out}.old`, { recursive: true, force: true });
  return out;
}

if (import.meta.main) {
  const out = await buildSite();
  console.log(`Built ${path.relative(process.cwd(), out)}`);
}
