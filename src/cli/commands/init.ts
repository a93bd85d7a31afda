/**
 * candor init [DIR]: a new operator repository that depends on the installed Candor and
 * passes `candor check` at once: content/ (a commented service.yml, a first policy, the
 * reports folder and the canary when chosen), keys/, the workflows the chosen parts need,
 * a package.json pinning this Candor version, a .gitignore and a short README with the
 * routine. It asks for what the flags do not say (defaults in brackets), or asks nothing
 * with --yes. `candor init --add reports|canary` adds a part to an existing repository
 * and touches nothing that is already there.
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { UsageError } from '../../core/errors.ts';
import { firstReportDue } from '../../core/report/period.ts';
import { describeKey, fingerprintOf, readKeys } from '../../core/pgp/keys.ts';
import { readText, writeFileAtomic } from '../../io/files.ts';
import { PACKAGE_ROOT, type PackageInfo } from '../../io/package-root.ts';
import { projectAt } from '../../io/project.ts';
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { shown } from './site.ts';
import { logOrigin } from '../../core/tlog/log.ts';
import { formatSignerKey, formatVerifierKey, signerFromSeed } from '../../core/tlog/note.ts';
import { operatorReadme, policyFile, reportsReadme, serviceFile, statementsFile, canaryFile, KEYS_README, GITIGNORE } from './init-files.ts';

export const PARTS = ['policies', 'reports', 'canary'] as const;
export type Part = (typeof PARTS)[number];

interface InitFlags {
  yes?: boolean;
  name?: string;
  url?: string;
  parts?: string;
  signer?: string[];
  ciKey?: string;
  threshold?: string;
  add?: string;
  logKeyOut?: string;
}

export interface Signer {
  name: string;
  fingerprint: string;
  armored: string;
}

export interface Answers {
  name: string;
  url: string;
  parts: Part[];
  signers: Signer[];
  ci?: Signer;
  threshold: number;
  version: string;
  today: string;
  /** The canary log's key (--log-key-out): its verifier key for canary.yml, its signer key for the file outside the repository. */
  log?: { vkey: string; signer: string; out: string };
}

/** One line of stdin per question; the default when the answer is empty or stdin has ended. */
function asker(ctx: Context, yes: boolean) {
  const rl = yes ? undefined : createInterface({ input: process.stdin, terminal: false });
  const lines = rl?.[Symbol.asyncIterator]();
  return {
    async ask(question: string, fallback: string): Promise<string> {
      if (!lines) return fallback;
      process.stdout.write(`${question}${fallback ? ` [${fallback}]` : ''}: `);
      const next = await lines.next();
      const answer = next.done ? '' : String(next.value).trim();
      if (next.done) process.stdout.write('\n');
      return answer || fallback;
    },
    close: () => rl?.close(),
    ctx,
  };
}

function parseParts(value: string, field: string): Part[] {
  const names = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const wrong = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  if (wrong.length > 0 || names.length === 0)
    throw new UsageError('USAGE', 'not a part Candor publishes', {
      field,
      expected: `a comma-separated list of ${PARTS.join(', ')}`,
      received: value,
      hint: 'See README.md#adopting-candor-for-your-service.',
    });
  return PARTS.filter((p) => names.includes(p));
}

function parseUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol))
    throw new UsageError('USAGE', 'not a web address', {
      field: '--url',
      expected: 'the address the site will have, e.g. https://privacy.example.org',
      received: value,
    });
  return url.href.replace(/\/$/, '');
}

/** A public key file: its first key, refused when it holds a private key. */
async function readSigner(file: string, field: string): Promise<Signer> {
  const text = await readText(file);
  const [key] = await readKeys(text, file);
  if (!key || key.isPrivate() || text.includes('PRIVATE KEY BLOCK'))
    throw new UsageError('USAGE', 'not a public key', {
      file,
      field,
      expected: 'an armored OpenPGP public key (never the private key)',
      received: key?.isPrivate() ? 'a private key' : 'no key',
      hint: 'Export it with gpg --armor --export FINGERPRINT, or make one with candor keys generate; see docs/content.md#keys.',
    });
  const info = await describeKey(key);
  const name = (info.userIDs[0] ?? fingerprintOf(key)).replace(/\s*<[^>]*>\s*$/, '').replace(/\s*\([^)]*\)\s*$/, '');
  return { name, fingerprint: fingerprintOf(key), armored: key.armor().replace(/\r\n/g, '\n') };
}

async function candorVersion(): Promise<string> {
  const info = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageInfo;
  return info.version;
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined)) !== undefined;
}

/** A log key for the canary's log (decision 0031): cheap to make, so init makes it when asked; the signer key never goes into the repository. */
async function newLogKey(out: string, root: string, url: string): Promise<NonNullable<Answers['log']>> {
  const file = path.resolve(out);
  if (!path.relative(root, file).startsWith('..'))
    throw new UsageError('USAGE', 'refusing to write a private key into the new repository', {
      field: '--log-key-out',
      expected: 'a path outside the repository, e.g. ~/private/canary-log.key',
      received: out,
    });
  if (await exists(file))
    throw new UsageError('USAGE', 'the file exists', { field: '--log-key-out', received: out, hint: 'Choose a new file; candor never overwrites a key.' });
  const key = signerFromSeed(logOrigin(url), crypto.getRandomValues(new Uint8Array(32)));
  return { vkey: formatVerifierKey(key), signer: formatSignerKey(key), out: file };
}

async function gather(flags: InitFlags, dir: string, ctx: Context, only?: Part): Promise<Answers> {
  const q = asker(ctx, flags.yes === true || only !== undefined);
  try {
    const name = only ? '' : (flags.name ?? (await q.ask("The service's name", titleOf(path.basename(dir)))));
    const url = only ? 'https://example.org' : parseUrl(flags.url ?? (await q.ask("The site's address", 'https://example.org')));
    const parts = only ? [only] : parseParts(flags.parts ?? (await q.ask(`Parts to publish (${PARTS.join(', ')})`, 'policies,reports')), '--parts');
    const signers: Signer[] = [];
    let ci: Signer | undefined;
    let threshold = 1;
    if (parts.includes('canary')) {
      const files = flags.signer?.length ? flags.signer : (await q.ask("The signers' public key files, comma-separated", '')).split(',').filter(Boolean);
      for (const f of files) signers.push(await readSigner(f.trim(), '--signer'));
      const ciFile = flags.ciKey ?? (await q.ask("The CI heartbeat key's public key file", ''));
      if (signers.length === 0 || !ciFile)
        throw new UsageError('USAGE', 'a canary needs its keys', {
          field: signers.length === 0 ? '--signer' : '--ci-key',
          expected: 'the public key file of each person who signs attestations (--signer FILE, repeated) and of the CI heartbeat key (--ci-key FILE)',
          received: 'nothing',
          hint: 'Each signer makes a key with candor keys generate --name NAME --out ~/private/NAME.asc (the public key goes to keys/); see README.md#adopting-candor-for-your-service.',
        });
      ci = await readSigner(ciFile, '--ci-key');
      const fallback = String(Math.min(2, signers.length));
      const given = flags.threshold ?? (await q.ask(`Signatures needed on each attestation (1 to ${signers.length})`, fallback));
      threshold = Number(given);
      if (!Number.isInteger(threshold) || threshold < 1 || threshold > signers.length)
        throw new UsageError('USAGE', 'not a threshold', { field: '--threshold', expected: `a whole number from 1 to ${signers.length}`, received: given });
    }
    const log = parts.includes('canary') && flags.logKeyOut ? await newLogKey(flags.logKeyOut, dir, url) : undefined;
    return {
      name,
      url,
      parts,
      signers,
      threshold,
      version: await candorVersion(),
      today: ctx.now.toISOString().slice(0, 10),
      ...(ci ? { ci } : {}),
      ...(log ? { log } : {}),
    };
  } finally {
    q.close();
  }
}

const titleOf = (folder: string): string =>
  folder
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ') || 'My Service';

/** Writes `text` to `rel` under `root` unless a file is there: init never overwrites. Returns whether it wrote. */
async function place(root: string, rel: string, text: string, written: string[]): Promise<void> {
  const file = path.join(root, rel);
  if (await exists(file)) return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  written.push(rel);
}

/** The workflows each part needs; pr-check and pr-comment review every change, publish builds and deploys. */
export function workflowsFor(parts: Part[]): string[] {
  return ['publish.yml', 'pr-check.yml', 'pr-comment.yml', ...(parts.includes('canary') ? ['watchdog.yml'] : [])];
}

/**
 * Candor's own workflows (they run the installed package's commands, as an operator's
 * must), with the triggers an operator's repository has, and a header naming the Candor
 * version that wrote them: package.json pins it, and `npm ci` installs exactly that.
 */
async function workflowText(name: string, version: string): Promise<string> {
  const doc = parseDocument(await readFile(path.join(PACKAGE_ROOT, '.github', 'workflows', name), 'utf8'));
  const paths = doc.getIn(['on', 'push', 'paths']);
  if (paths !== undefined) doc.setIn(['on', 'push', 'paths'], ['content/**', 'keys/**', 'package.json', 'package-lock.json', `.github/workflows/${name}`]);
  const pullPaths = doc.getIn(['on', 'pull_request', 'paths']);
  if (pullPaths !== undefined) doc.setIn(['on', 'pull_request', 'paths'], ['content/**', 'keys/**']);
  return `# Written by candor init (Candor ${version}); package.json pins candor ${version}, which npm ci installs.\n${doc.toString({ lineWidth: 0 })}`;
}

async function writeParts(root: string, a: Answers, parts: Part[], written: string[]): Promise<void> {
  if (parts.includes('policies')) await place(root, 'content/policies/privacy/1.0.md', policyFile(a), written);
  if (parts.includes('reports')) await place(root, 'content/transparency/README.md', reportsReadme(a), written);
  if (parts.includes('canary')) {
    for (const k of [...a.signers, ...(a.ci ? [a.ci] : [])]) await place(root, `keys/${k.fingerprint}.asc`, k.armored, written);
    if (a.log) {
      await writeFileAtomic(a.log.out, `${a.log.signer}\n`, { mode: 0o600 });
      written.push(`${a.log.out} (outside the repository: the canary log's signer key, for the CANDOR_LOG_KEY secret)`);
    }
    await place(root, 'content/canary/canary.yml', canaryFile(a), written);
    await place(root, 'content/canary/statements.yml', statementsFile(a), written);
  }
  for (const w of workflowsFor(a.parts)) await place(root, `.github/workflows/${w}`, await workflowText(w, a.version), written);
}

async function init(dir: string, flags: InitFlags, ctx: Context): Promise<string[]> {
  const root = path.resolve(dir);
  // What `git init` and `npm install candor` leave: the usual way in (npx candor init then runs the installed Candor).
  const entries = (await readdir(root).catch(() => [] as string[])).filter((n) => !INSTALLED.includes(n));
  if (entries.length > 0)
    throw new UsageError('INIT_TARGET_NOT_EMPTY', 'the folder is not empty', {
      file: root,
      expected: 'a new or empty folder (.git, package.json and node_modules/ from npm install candor are fine)',
      received: entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : ''),
      hint: 'Pick a new folder, or add a part to this repository with candor init --add reports|canary; see README.md#adopting-candor-for-your-service.',
    });
  const a = await gather(flags, root, ctx);
  const written: string[] = [];
  await mkdir(root, { recursive: true });
  await place(root, 'content/service.yml', serviceFile(a), written);
  await place(root, 'keys/README.md', KEYS_README, written);
  await writeParts(root, a, a.parts, written);
  if (await exists(path.join(root, 'package.json'))) await mergePackageJson(root, a, written);
  else await place(root, 'package.json', packageJson(root, a), written);
  await place(root, '.gitignore', GITIGNORE, written);
  await place(root, 'README.md', operatorReadme(a), written);
  return written;
}

const INSTALLED = ['.git', 'node_modules', 'package.json', 'package-lock.json'];
const SCRIPTS = { check: 'candor check', build: 'candor build', preview: 'candor preview', dev: 'candor dev' };

/**
 * A package.json that `npm install candor` made: Candor pinned to this exact version (a
 * range would let an upgrade arrive unreviewed) unless it names a file, a git URL or a
 * tag, and the scripts added where free; every other field stays as it is.
 */
async function mergePackageJson(root: string, a: Answers, written: string[]): Promise<void> {
  const file = path.join(root, 'package.json');
  const pkg = JSON.parse(await readFile(file, 'utf8')) as { dependencies?: Record<string, string>; scripts?: Record<string, string> };
  const spec = pkg.dependencies?.['candor'];
  const pinned = spec === undefined || /^[\^~]?\d+\.\d+\.\d+$/.test(spec) ? a.version : spec;
  const next = { ...pkg, scripts: { ...SCRIPTS, ...pkg.scripts }, dependencies: { ...pkg.dependencies, candor: pinned } };
  if (JSON.stringify(next) === JSON.stringify(pkg)) return;
  await writeFile(file, `${JSON.stringify(next, null, 2)}\n`);
  written.push('package.json (candor pinned, scripts)');
}

function packageJson(root: string, a: Answers): string {
  const name = path
    .basename(root)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const pkg = {
    name: name || 'privacy-site',
    private: true,
    description: `${a.name}: privacy policy${a.parts.includes('reports') ? ', transparency reports' : ''}${a.parts.includes('canary') ? ', warrant canary' : ''}, published with Candor`,
    type: 'module',
    scripts: SCRIPTS,
    dependencies: { candor: a.version },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** The parts a repository already has, from its folders. */
async function partsOf(root: string): Promise<Part[]> {
  const p = projectAt(root);
  const has = await Promise.all([path.join(p.content, 'policies'), path.join(p.content, 'transparency'), p.canary].map(exists));
  return PARTS.filter((_, i) => has[i]);
}

async function add(dir: string, part: Part, flags: InitFlags, ctx: Context): Promise<string[]> {
  const root = path.resolve(dir);
  if (!(await exists(path.join(root, 'content', 'service.yml'))))
    throw new UsageError('ROOT_MISSING', 'not a content root', {
      file: root,
      expected: 'a repository made by candor init (with content/service.yml)',
      received: 'no content/service.yml',
      hint: 'Run candor init first; see README.md#adopting-candor-for-your-service.',
    });
  const present = await partsOf(root);
  if (present.includes(part))
    throw new UsageError('INIT_PART_PRESENT', 'this part is already there', {
      file: root,
      field: '--add',
      expected: `a part the repository does not publish yet (it has ${present.join(', ')})`,
      received: part,
    });
  const service = parseDocument(await readFile(path.join(root, 'content', 'service.yml'), 'utf8')).toJS() as { name?: unknown; url?: unknown } | null;
  const a = { ...(await gather(flags, root, ctx, part)), name: typeof service?.name === 'string' ? service.name : titleOf(path.basename(root)) };
  const all = [...present, part];
  const written: string[] = [];
  await writeParts(root, { ...a, parts: all }, [part], written);
  return written;
}

export function initCommand(program: Command, ctx: () => Context, done: (code: number) => void): void {
  program
    .command('init')
    .description('make a new operator repository that passes candor check at once (or --add a part to one)')
    .argument('[dir]', 'the folder to create (default: .)', '.')
    .option('-y, --yes', 'ask nothing: take the flags and the defaults')
    .option('--name <name>', "the service's public name")
    .option('--url <url>', "the site's address")
    .option('--parts <list>', `what the service publishes: ${PARTS.join(',')} (default: policies,reports)`)
    .option('--signer <file>', "a signer's public key file (repeat for each signer; with canary)", (v: string, all: string[] = []) => [...all, v])
    .option('--ci-key <file>', "the CI heartbeat key's public key file (with canary)")
    .option('--log-key-out <file>', "make the canary log's key: its signer key (the CANDOR_LOG_KEY secret) to this file, outside the repository")
    .option('--threshold <n>', 'signatures needed on each attestation (default: 2, or 1 with one signer)')
    .option('--add <part>', 'add reports or canary to an existing repository; touches nothing that is there')
    .action(async (dir: string, flags: InitFlags) => {
      const c = ctx();
      const target = dir === '.' && c.project.root !== path.resolve('.') ? c.project.root : dir;
      const written = flags.add ? await add(target, parseParts(flags.add, '--add')[0]!, flags, c) : await init(target, flags, c);
      c.io.out(`Wrote ${written.length} files in ${shown(path.resolve(target))}:\n${written.map((f) => `  ${f}`).join('\n')}`);
      if (!flags.add) c.io.out(`\nNext: cd ${shown(path.resolve(target))} && npm install && npx candor check && npx candor build`);
      // --add never edits service.yml: the promise of a first report is the operator's to add.
      else if (flags.add === 'reports')
        c.io.out(
          `\nThe transparency page says that no report is published yet. To say by when the first is due, add to content/service.yml:\ntransparency:\n  firstReportDue: "${firstReportDue(c.now.toISOString().slice(0, 10))}"`,
        );
      done(EXIT.ok);
    });
}
