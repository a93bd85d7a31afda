#!/usr/bin/env node
// The installed `candor` command. It runs the TypeScript source as it is, through Node's
// own type stripping: no bundle or build step stands between what the tests run and what
// users and workflows run (decision 0008). The compile cache makes repeated runs start fast.
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`error NODE_TOO_OLD: candor needs Node 22.18 or later (it runs TypeScript directly); this is Node ${process.versions.node}.\n  hint: run it as \`npx candor\` in a project that depends on the npm package \`node\` (this repository does), or install Node 24.\n`);
  process.exit(69);
}
module.enableCompileCache?.();
const { run } = await import('../src/cli/main.ts');
const io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };
process.exitCode = await run(process.argv.slice(2), process.env, io);
