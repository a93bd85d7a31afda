/**
 * Candor as an operator gets it: `npm pack` of this checkout (prepack emits lib/ with tsc,
 * decision 0020), installed with npm into a throwaway operator repository, offline.
 *
 * npm's cache holds the dependency tarballs the checkout's `npm ci` fetched, but not the
 * registry's metadata that resolving ranges needs; so the operator repository gets a
 * package-lock.json that places the packed tarball and, for its dependencies, the very
 * entries (versions, tarball URLs, integrity) of this checkout's lockfile: the tree the
 * rest of the suite runs on, and what a fresh resolution on the day would give. Then
 * `npm ci --offline` installs it as npm does, scripts and bins included.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { cleanEnv, REPO } from './candor-bin.ts';

const exec = promisify(execFile);

/** npm and npx on the project's Node (the one running the tests), as a workflow's setup-node gives them. */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = cleanEnv(extra);
  return { ...env, PATH: `${path.dirname(process.execPath)}:${env['PATH'] ?? ''}`, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
}

export interface Packed {
  tarball: string;
  bytes: number;
  seconds: number;
}

/** `npm pack` of this checkout into a temporary folder (prepack runs, as it does for a publish). */
export async function packCandor(): Promise<Packed> {
  const dest = await mkdtemp(path.join(os.tmpdir(), 'candor-pack-'));
  const started = performance.now();
  await exec('npm', ['pack', '--silent', '--pack-destination', dest], { cwd: REPO, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 });
  const [name] = (await readdir(dest)).filter((n) => n.endsWith('.tgz'));
  if (!name) throw new Error(`npm pack wrote no tarball into ${dest}`);
  const tarball = path.join(dest, name);
  return { tarball, bytes: (await readFile(tarball)).length, seconds: (performance.now() - started) / 1000 };
}

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

/** Points the operator's package.json at the tarball and writes the lockfile described above. */
export async function lockTo(dir: string, tarball: string): Promise<void> {
  const ours = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(await readFile(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const op = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
  const spec = `file:${path.relative(dir, tarball)}`;
  op.dependencies['candor'] = spec;
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(op, null, 2)}\n`);
  const integrity = `sha512-${createHash('sha512')
    .update(await readFile(tarball))
    .digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: op.name, dependencies: { candor: spec } },
    'node_modules/candor': {
      version: ours['version'],
      resolved: spec,
      integrity,
      license: ours['license'],
      dependencies: ours['dependencies'],
      bin: ours['bin'],
      engines: ours['engines'],
    },
  };
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || entry.dev) continue;
    const { devOptional, ...rest } = entry;
    packages[where] = devOptional ? { ...rest, optional: true } : rest;
  }
  await writeFile(path.join(dir, 'package-lock.json'), `${JSON.stringify({ name: op.name, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}

/** `npm ci --offline` in `dir`; resolves to the seconds it took. */
export async function installOffline(dir: string): Promise<number> {
  const started = performance.now();
  await exec('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel', 'error'], { cwd: dir, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 });
  return (performance.now() - started) / 1000;
}
