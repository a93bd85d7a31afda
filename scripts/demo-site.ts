// The demo service's site, built with a throwaway key set: what `npm start` serves and
// what the browser tests crawl. Keys are made once per folder (git-ignored) and reused;
// content/ is copied, an attestation is signed by two "people", a heartbeat by the "CI"
// key, the reports are signed, and the site is built and signed (security.txt, manifest.json).
import path from 'node:path';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { spawn } from 'node:child_process';
import { generateSigningKey } from '../src/core/pgp/keys.ts';
import { readSigningKey } from '../src/io/keyring.ts';
import { formatVerifierKey, parseSignerKey } from '../src/core/tlog/note.ts';
import { buildSite } from './build-site.ts';

const repo = path.resolve(import.meta.dirname, '..');
const CANDOR = path.join(repo, 'bin', 'candor.mjs');
const ROLES = ['Demo signer Ada', 'Demo signer Bruno', 'Demo CI heartbeat'] as const;

export interface DemoKey {
  name: string;
  fingerprint: string;
  file: string;
  publicKey: string;
}

export interface DemoSite {
  /** The built site. */
  site: string;
  /** The demo project (content/, keys/) the site was built from. */
  project: string;
  /** Two attestation signers, then the heartbeat key. Private key files stay in `<dir>/private`. */
  keys: DemoKey[];
  passphraseFile: string;
  /** The attestation signers' fingerprints: what a verifier pins. */
  pins: string[];
  /** The canary log's signer key file (PRIVATE+KEY+…) and its verifier key, as canary.yml names it. */
  logKey: { file: string; vkey: string };
}

async function demoKeys(secrets: string, passphraseFile: string): Promise<DemoKey[]> {
  await mkdir(secrets, { recursive: true, mode: 0o700 });
  if (!existsSync(passphraseFile)) await writeFile(passphraseFile, `demo-${crypto.randomUUID()}\n`, { mode: 0o600 });
  const passphrase = (await readFile(passphraseFile, 'utf8')).trim();
  const keys: DemoKey[] = [];
  for (const name of ROLES) {
    const file = path.join(secrets, `${name.replace(/\W+/g, '-').toLowerCase()}.asc`);
    const pubFile = `${file}.pub`;
    if (!existsSync(file)) {
      const k = await generateSigningKey({ name: `${name} (THROWAWAY DEMO KEY)`, passphrase, expiresInDays: 365, now: new Date() });
      await writeFile(file, k.privateKey, { mode: 0o600 });
      await writeFile(pubFile, `${k.fingerprint}\n${k.publicKey}`);
    }
    const [fingerprint, ...rest] = (await readFile(pubFile, 'utf8')).split('\n');
    keys.push({ name, fingerprint: fingerprint!, file, publicKey: rest.join('\n') });
  }
  return keys;
}

async function demoProject(project: string, keys: DemoKey[], online: boolean): Promise<void> {
  await rm(project, { recursive: true, force: true });
  await cp(path.join(repo, 'content'), path.join(project, 'content'), { recursive: true });
  await mkdir(path.join(project, 'keys'), { recursive: true });
  for (const k of keys) await writeFile(path.join(project, 'keys', `${k.fingerprint}.asc`), k.publicKey);
  const configFile = path.join(project, 'content', 'canary', 'canary.yml');
  const config = parseDocument(await readFile(configFile, 'utf8'));
  const ref = (k: DemoKey) => ({ name: k.name, fingerprint: k.fingerprint });
  config.setIn(['signers'], { threshold: 2, keys: [ref(keys[0]!), ref(keys[1]!)] });
  config.setIn(['heartbeat', 'keys'], [ref(keys[2]!)]);
  config.setIn(['panicKeys'], []);
  // The demo runs offline unless asked: no explorer is reachable from a sandbox.
  config.setIn(['freshness', 'required'], online);
  await writeFile(configFile, config.toString());
}

/** Builds the demo site under `dir` (default .candor-demo/): keys, project and site. */
export async function makeDemoSite(opts: { dir?: string; online?: boolean; quiet?: boolean } = {}): Promise<DemoSite> {
  const dir = path.resolve(opts.dir ?? path.join(repo, '.candor-demo'));
  const secrets = path.join(dir, 'private');
  const project = path.join(dir, 'project');
  const passphraseFile = path.join(secrets, 'passphrase');
  const online = opts.online ?? false;
  // The CLI as an operator runs it (bin/candor.mjs in its own process), not its functions.
  const cli = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [CANDOR, '--root', project, ...args], {
        stdio: ['ignore', opts.quiet ? 'ignore' : 'inherit', opts.quiet ? 'pipe' : 'inherit'],
      });
      let err = '';
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        err += d;
      });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`candor ${args.join(' ')} failed with exit code ${code}${err ? `: ${err.trim()}` : ''}`)),
      );
    });
  const keys = await demoKeys(secrets, passphraseFile);
  await demoProject(project, keys, online);
  // The canary log's key, made once by the command operators run (candor keys log), named in canary.yml.
  const logKeyFile = path.join(secrets, 'log.key');
  if (!existsSync(logKeyFile)) await cli(['keys', 'log', '--out', logKeyFile]);
  const signer = parseSignerKey((await readFile(logKeyFile, 'utf8')).trim());
  if (typeof signer === 'string') throw new Error(`${logKeyFile}: not a log signer key (${signer})`);
  const vkey = formatVerifierKey(signer);
  const configFile = path.join(project, 'content', 'canary', 'canary.yml');
  const config = parseDocument(await readFile(configFile, 'utf8'));
  config.setIn(['log'], { key: vkey });
  await writeFile(configFile, config.toString());
  const pass = ['--passphrase-file', passphraseFile];
  const reports = (await readdir(path.join(project, 'content', 'transparency'))).filter((n) => /^\d{4}.*\.md$/.test(n));
  for (const id of reports.map((n) => n.slice(0, -3))) await cli(['report', 'sign', id, '--key', keys[0]!.file, ...pass]);
  await cli(['canary', 'attest', 'prepare']);
  await cli(['canary', 'attest', 'sign', '--key', keys[0]!.file, ...pass]);
  await cli(['canary', 'attest', 'sign', '--key', keys[1]!.file, ...pass]);
  await cli(['canary', 'attest', 'publish']);
  await cli(['canary', 'heartbeat', '--key', keys[2]!.file, ...pass, ...(online ? [] : ['--no-freshness'])]);
  // As the publish job does after the heartbeat: every archived document into the log.
  await cli(['canary', 'log', 'append', '--key-file', logKeyFile]);
  // The "CI" key also signs security.txt and manifest.json, as in the publish workflow.
  const key = await readSigningKey({ keyFile: keys[2]!.file, passphraseFile }, {});
  const site = await buildSite({ root: project, out: path.join(dir, 'site'), key });
  return { site, project, keys, passphraseFile, pins: [keys[0]!.fingerprint, keys[1]!.fingerprint], logKey: { file: logKeyFile, vkey } };
}
