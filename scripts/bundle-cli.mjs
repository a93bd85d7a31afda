// Bundles the CLI so that `candor verify` starts quickly (npm run bench, decision 0005):
// ES modules in dist/cli/, one entry for the CLI and one for the archive's Ed25519
// worker thread, sharing chunks, so that each command loads only the code it uses
// (main.ts imports a command's module when that command runs). The worker is found
// beside the code that starts it, so every output stays in one flat folder.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist/cli';

/**
 * commander imports node:child_process (for executable subcommands, which candor does
 * not use) and with it net, stream and more: milliseconds on every start. This loads
 * it on first use instead, so commander behaves the same.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      loader: 'js',
      contents: "import { createRequire } from 'node:module'; let m; const load = () => (m ??= createRequire(import.meta.url)('node:child_process')); export default new Proxy({}, { get: (_, name) => load()[name] });",
    }));
  },
};

rmSync(OUT, { recursive: true, force: true });
// The single-file bundle of earlier versions: gone, so that nothing runs stale code.
for (const old of ['dist/candor.mjs', 'dist/candor.mjs.LEGAL.txt']) rmSync(old, { force: true });

await build({
  entryPoints: { candor: 'src/cli/main.ts', 'ed25519-worker': 'src/io/ed25519-worker.ts' },
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  legalComments: 'linked',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  plugins: [lazyChildProcess],
  logLevel: 'warning',
});
