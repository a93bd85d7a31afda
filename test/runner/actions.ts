/**
 * Local stand-ins for the `uses:` steps, each for one pinned commit of one action. The
 * inputs and their defaults are the real ones, recorded from each action's action.yml at
 * that commit (actions.json); an unknown action, an unknown commit, an unknown input, or
 * an input whose effect a stand-in does not model fails the job loudly.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { git } from './git.ts';
import { NotModelled, type Permissions } from './workflow.ts';

interface ActionSpec {
  name: string;
  version: string;
  inputs: Record<string, string | null>;
  outputs: string[];
}
export const ACTIONS = JSON.parse(readFileSync(new URL('./actions.json', import.meta.url), 'utf8')) as Record<string, ActionSpec>;

/** What a stand-in sees of the job it runs in (test/runner/runner.ts provides it). */
export interface StepRuntime {
  inputs: Record<string, string>;
  workspace: string;
  temp: string;
  /** The github context of the run. */
  github: { repository: string; ref: string; sha: string; server_url: string; run_id: string; token: string };
  /** The job's own token's grant. */
  permissions: Permissions;
  /** The project's Node (the tested checkout's node_modules/node). */
  nodeBin: string;
  testedCheckout: string;
  addPath(dir: string): void;
  setOutput(name: string, value: string): void;
  log(line: string): void;
  /** This run's artifacts, and any run's (by id), for the artifact actions. */
  artifacts: ArtifactStore;
  /** Whether a token (the download-artifact github-token input) has a permission on the repository. */
  tokenCan(token: string, scope: string, level: 'read' | 'write'): boolean;
  /** Replaces what the Pages site serves; returns its URL. */
  deployPages(tarFile: string): Promise<string>;
  runId: number;
}

export interface ArtifactStore {
  put(runId: number, name: string, from: string, opts: { hidden: boolean }): Promise<number>;
  dir(runId: number, name: string): string | undefined;
}

export type StandIn = (rt: StepRuntime) => Promise<void>;

const truthy = (v: string | undefined): boolean => (v ?? '').toLowerCase() === 'true';

function refuse(action: string, what: string): never {
  throw new NotModelled(`${action}: the local stand-in does not model ${what}`);
}

/** Inputs that must keep their defaults, because the stand-in does not model them. */
function keepDefaults(action: string, rt: StepRuntime, names: string[]): void {
  const spec = Object.values(ACTIONS).find((a) => a.name === action)!;
  for (const name of names) {
    const given = rt.inputs[name];
    const fallback = spec.inputs[name];
    if (given !== undefined && given !== (fallback ?? '') && !(fallback === 'null' && given === '')) refuse(action, `${name}: ${given}`);
  }
}

/** actions/checkout v5: init, fetch what the ref needs (depth 1 unless fetch-depth: 0), check out, keep or drop the auth header. */
const checkout: StandIn = async (rt) => {
  keepDefaults('actions/checkout', rt, [
    'ssh-key',
    'ssh-known-hosts',
    'sparse-checkout',
    'filter',
    'lfs',
    'submodules',
    'fetch-tags',
    'github-server-url',
    'clean',
    'path',
  ]);
  const repository = rt.inputs['repository'] || rt.github.repository;
  let ref = rt.inputs['ref'] ?? '';
  let commit = '';
  if (!ref) {
    if (repository === rt.github.repository) [ref, commit] = [rt.github.ref, rt.github.sha];
    else ref = 'refs/heads/main';
  } else if (/^[0-9a-f]{40}$/i.test(ref)) [ref, commit] = ['', ref];
  const depth = Math.floor(Number(rt.inputs['fetch-depth'] || '1'));
  const dir = rt.workspace;
  const server = rt.github.server_url;
  const cmd = (args: string[]) => git(args, { cwd: dir });
  await cmd(['init', '--quiet']);
  await cmd(['remote', 'add', 'origin', `${server}/${repository}`]);
  const header = `http.${server}/.extraheader`;
  const token = rt.inputs['token'] ?? '';
  if (token) await cmd(['config', '--local', header, `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`]);
  const upper = ref.toUpperCase();
  const branch = upper.startsWith('REFS/HEADS/') ? ref.slice('refs/heads/'.length) : undefined;
  const pull = upper.startsWith('REFS/PULL/') ? ref.slice('refs/pull/'.length) : undefined;
  if (!branch && !pull && ref) refuse('actions/checkout', `ref: ${ref} (only branches, pull refs and SHAs)`);
  if (depth <= 0) {
    const specs = ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*', ...(pull ? [`+${commit || ref}:refs/remotes/pull/${pull}`] : [])];
    await cmd(['-c', 'protocol.version=2', 'fetch', '--quiet', '--prune', '--no-recurse-submodules', 'origin', ...specs]);
  }
  const spec = commit
    ? branch
      ? `+${commit}:refs/remotes/origin/${branch}`
      : pull
        ? `+${commit}:refs/remotes/pull/${pull}`
        : commit
    : branch
      ? `+${ref}:refs/remotes/origin/${branch}`
      : `+${ref}:refs/remotes/pull/${pull}`;
  if (depth > 0)
    await cmd(['-c', 'protocol.version=2', 'fetch', '--quiet', '--no-tags', '--prune', '--no-recurse-submodules', `--depth=${depth}`, 'origin', spec]);
  else if (commit && !branch && !pull) await cmd(['-c', 'protocol.version=2', 'fetch', '--quiet', '--no-tags', 'origin', spec]);
  if (branch) await cmd(['checkout', '--quiet', '--force', '-B', branch, `refs/remotes/origin/${branch}`]);
  else await cmd(['checkout', '--quiet', '--force', pull ? `refs/remotes/pull/${pull}` : commit]);
  if (!truthy(rt.inputs['persist-credentials'])) await cmd(['config', '--local', '--unset-all', header]).catch(() => undefined);
  const head = await cmd(['rev-parse', 'HEAD']);
  rt.setOutput('commit', head);
  rt.setOutput('ref', ref);
  rt.log(
    `checkout: ${repository} at ${head.slice(0, 12)} (${ref || commit}), depth ${depth <= 0 ? 'all' : depth}, credentials ${truthy(rt.inputs['persist-credentials']) ? 'kept in .git/config' : 'removed'}`,
  );
};

/** actions/setup-node v6: the project's Node on PATH, with npm and npx (the npm wrapper is the dependency cache). */
const setupNode: StandIn = async (rt) => {
  keepDefaults('actions/setup-node', rt, [
    'node-version-file',
    'architecture',
    'check-latest',
    'registry-url',
    'scope',
    'cache',
    'mirror',
    'mirror-token',
    'always-auth',
  ]);
  const wanted = rt.inputs['node-version'] ?? '';
  const version = (await run(rt.nodeBin, ['--version'])).trim();
  if (!wanted || !version.startsWith(`v${wanted.split('.')[0]}.`))
    refuse('actions/setup-node', `node-version: ${wanted || '(none)'} (the project's Node is ${version})`);
  const bin = path.join(rt.temp, '..', 'toolcache', 'node', version, 'bin');
  await mkdir(bin, { recursive: true });
  await symlink(rt.nodeBin, path.join(bin, 'node'));
  await writeFile(path.join(bin, 'npm'), npmWrapper(rt.testedCheckout), { mode: 0o755 });
  await writeFile(path.join(bin, 'npx'), '#!/bin/sh\nexec /usr/bin/npx "$@"\n', { mode: 0o755 });
  rt.addPath(bin);
  rt.setOutput('node-version', version);
  rt.setOutput('cache-hit', 'false');
};

/**
 * `npm ci` cannot run a thousand times (45 s each). When the clone's lockfile is byte for
 * byte the tested checkout's, the tested checkout's node_modules is linked in entry by
 * entry (a dependency cache: the same files npm ci would install); any other lockfile is
 * installed by real npm ci, offline (npm's cache); any npm ci option but --no-audit/--no-fund
 * fails loudly. Everything else is real npm.
 */
function npmWrapper(tested: string): string {
  // The cache of the machine's npm, which holds what this checkout's own npm ci fetched (a job's HOME is new).
  const npmCache = process.env['npm_config_cache'] ?? path.join(os.homedir(), '.npm');
  return `#!/bin/bash
set -euo pipefail
if [ "\${1:-}" != ci ]; then exec /usr/bin/npm "$@"; fi
shift
for arg in "$@"; do
  case "$arg" in --no-audit|--no-fund) ;; *) echo "local runner: npm ci $arg is not modelled by the dependency cache" >&2; exit 1;; esac
done
if ! cmp -s package-lock.json '${tested}/package-lock.json'; then
  # Another project's lockfile (a watch repository's, test/helpers/packed.ts lockTo): real npm
  # ci, offline, from npm's cache; what the cache lacks fails as npm fails.
  echo "local runner: npm ci: another lockfile than the tested checkout's: npm ci --offline"
  exec /usr/bin/npm ci --offline --no-audit --no-fund --loglevel error --cache '${npmCache}'
fi
rm -rf node_modules
mkdir node_modules
ln -s '${tested}'/node_modules/* node_modules/
# The bins as npm links them: relative links, copied as links, so that a project's own bin
# (this repository's prepare script links it, decision 0026) is this checkout's, not the tested one's.
mkdir node_modules/.bin
cp -P '${tested}'/node_modules/.bin/* node_modules/.bin/
echo "local runner: npm ci: node_modules linked from the tested checkout (identical package-lock.json)"
`;
}

/** actions/upload-artifact v7: copies the path into this run's artifact store. */
const uploadArtifact: StandIn = async (rt) => {
  keepDefaults('actions/upload-artifact', rt, ['overwrite', 'archive']);
  const source = path.resolve(rt.workspace, rt.inputs['path'] ?? '');
  const name = rt.inputs['name'] || 'artifact';
  const missing = !existsSync(source) || (await readdir(source).catch(() => ['file'])).length === 0;
  if (missing) {
    const mode = rt.inputs['if-no-files-found'] || 'warn';
    if (mode === 'error') throw new Error(`upload-artifact: no files were found with the provided path: ${rt.inputs['path']}`);
    return rt.log(`upload-artifact: no files found at ${rt.inputs['path']} (${mode})`);
  }
  const count = await rt.artifacts.put(rt.runId, name, source, { hidden: truthy(rt.inputs['include-hidden-files']) });
  rt.setOutput('artifact-id', String(rt.runId * 100 + count));
  rt.log(`upload-artifact: ${name}: ${count} file(s)`);
};

/** actions/download-artifact v7: by name, from this run or (with a token that may read actions) from another. */
const downloadArtifact: StandIn = async (rt) => {
  keepDefaults('actions/download-artifact', rt, ['artifact-ids', 'pattern', 'merge-multiple']);
  const name = rt.inputs['name'];
  if (!name) refuse('actions/download-artifact', 'downloading every artifact (no name)');
  const runId = Number(rt.inputs['run-id'] || rt.github.run_id);
  if (runId !== Number(rt.github.run_id)) {
    const token = rt.inputs['github-token'] ?? '';
    if (!token) throw new Error('download-artifact: github-token is required to download from another run');
    if (!rt.tokenCan(token, 'actions', 'read')) throw new Error('download-artifact: Resource not accessible by integration (the token needs actions: read)');
  }
  const from = rt.artifacts.dir(runId, name);
  if (!from) throw new Error(`download-artifact: Artifact not found for name: ${name} (run ${runId})`);
  const to = path.resolve(rt.workspace, rt.inputs['path'] || '.');
  await mkdir(to, { recursive: true });
  await cp(from, to, { recursive: true });
  rt.setOutput('download-path', to);
};

/** actions/upload-pages-artifact v5 (composite): its own tar command, then upload-artifact of the tar. */
const uploadPagesArtifact: StandIn = async (rt) => {
  const source = rt.inputs['path'] || '_site/';
  const tar = path.join(rt.temp, 'artifact.tar');
  const hidden = rt.inputs['include-hidden-files'] === 'true';
  await run('tar', [
    '--dereference',
    '--hard-dereference',
    '--directory',
    path.resolve(rt.workspace, source),
    '-cf',
    tar,
    '--exclude=.git',
    '--exclude=.github',
    ...(hidden ? [] : ['--exclude=.[^/]*']),
    '.',
  ]);
  const dir = path.join(rt.temp, 'pages-artifact');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  await cp(tar, path.join(dir, 'artifact.tar'));
  await rt.artifacts.put(rt.runId, rt.inputs['name'] || 'github-pages', dir, { hidden: false });
  rt.setOutput('artifact_id', createHash('sha256').update(readFileSync(tar)).digest('hex').slice(0, 12));
};

/** actions/deploy-pages v5: needs pages: write and id-token: write (OIDC), then the site serves the artifact. */
const deployPages: StandIn = async (rt) => {
  keepDefaults('actions/deploy-pages', rt, ['preview']);
  if (rt.permissions['id-token'] !== 'write')
    throw new Error('deploy-pages: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable (the job needs id-token: write)');
  if (rt.permissions['pages'] !== 'write') throw new Error('deploy-pages: Failed to create deployment (status: 403): the job needs pages: write');
  const dir = rt.artifacts.dir(rt.runId, rt.inputs['artifact_name'] || 'github-pages');
  if (!dir) throw new Error('deploy-pages: No artifacts named "github-pages" were found for this workflow run');
  const url = await rt.deployPages(path.join(dir, 'artifact.tar'));
  rt.setOutput('page_url', url);
  rt.log(`deploy-pages: ${url}`);
};

const STAND_INS: Record<string, StandIn> = {
  'actions/checkout': checkout,
  'actions/setup-node': setupNode,
  'actions/upload-artifact': uploadArtifact,
  'actions/download-artifact': downloadArtifact,
  'actions/upload-pages-artifact': uploadPagesArtifact,
  'actions/deploy-pages': deployPages,
};

/** The stand-in for `uses:`, and the action's inputs with their defaults; throws for anything unknown. */
export function resolveAction(uses: string): { spec: ActionSpec; standIn: StandIn } {
  const spec = ACTIONS[uses];
  if (!spec) {
    const name = uses.split('@')[0]!;
    const known = Object.keys(ACTIONS).filter((k) => k.startsWith(`${name}@`));
    throw new NotModelled(
      known.length > 0
        ? `uses: ${uses}: the local runner has no stand-in for this commit of ${name} (it knows ${known.map((k) => `${k.split('@')[1]} = ${ACTIONS[k]!.version}`).join(', ')})`
        : `uses: ${uses}: the local runner has no stand-in for this action`,
    );
  }
  return { spec, standIn: STAND_INS[spec.name]! };
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')}: exit ${code}: ${err.trim()}`))));
  });
}
