#!/usr/bin/env node
// The installed `candor` command. In this repository it runs the TypeScript source as it
// is, through Node's own type stripping (decision 0008). Node strips no types under
// node_modules/, so an installed package runs the JavaScript that `tsc` emitted file by
// file into lib/ at `npm pack` (decision 0020); test/shipped/ installs the packed tarball
// and runs exactly that. The compile cache makes repeated runs start fast.
import module from 'node:module';

// The minimum lives in one place, package.json's `engines` (npm warns with it on install):
// `>=MAJOR.MINOR`, read here with syntax any Node since 12 runs, so an old Node gets this
// message rather than a syntax or type-stripping error.
const engine = module.createRequire(import.meta.url)('../package.json').engines.node;
const [needMajor, needMinor] = /^>=(\d+)\.(\d+)$/.exec(engine).slice(1).map(Number);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  process.stderr.write(
    `error NODE_TOO_OLD: candor needs Node ${needMajor}.${needMinor} or later (it runs TypeScript directly); this is Node ${process.versions.node}.\n  hint: run it as \`npx candor\` in a project that depends on the npm package \`node\` (this repository does), or install Node 24.\n`,
  );
  process.exit(69);
}
module.enableCompileCache?.();
const installed = new URL('.', import.meta.url).pathname.split('/').includes('node_modules');
const { run } = await import(installed ? '../lib/src/cli/main.js' : '../src/cli/main.ts');
const io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };
process.exitCode = await run(process.argv.slice(2), process.env, io);
