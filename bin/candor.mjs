#!/usr/bin/env node
// Starts the bundled CLI (dist/cli/candor.mjs, built by `npm install`/`npm test`), or the
// TypeScript source when no bundle exists. The compile cache makes repeated runs start fast.
import module from 'node:module';
import { existsSync } from 'node:fs';

module.enableCompileCache?.();
const bundle = new URL('../dist/cli/candor.mjs', import.meta.url);
const { run } = await import(existsSync(bundle) ? bundle.href : new URL('../src/cli/main.ts', import.meta.url).href);
const io = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };
process.exitCode = await run(process.argv.slice(2), process.env, io);
