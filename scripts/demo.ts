// npm start: the demo service's site with a throwaway key set, served on localhost.
// First run: makes demo keys in .candor-demo/ (git-ignored), then, on every run, copies
// content/ there, issues and signs an attestation (two "people") and a heartbeat (the
// "CI" key), builds the site and serves it, printing the URL and the verify command.
import path from 'node:path';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { run } from '../src/cli/main.ts';
import { generateSigningKey } from '../src/core/pgp/keys.ts';
import { buildSite } from './build-site.ts';
import { serveStatic } from './serve.ts';

const repo = path.resolve(import.meta.dirname, '..');
const demo = path.join(repo, '.candor-demo');
const secrets = path.join(demo, 'private');
const project = path.join(demo, 'project');
const ROLES = ['Demo signer Ada', 'Demo signer Bruno', 'Demo CI heartbeat'] as const;
const io = { out: (s: string) => console.log(s), err: (s: string) => console.error(s) };

async function demoKeys(): Promise<{ name: string; fingerprint: string; file: string; publicKey: string }[]> {
  await mkdir(secrets, { recursive: true, mode: 0o700 });
  const passphraseFile = path.join(secrets, 'passphrase');
  if (!existsSync(passphraseFile)) await writeFile(passphraseFile, `demo-${crypto.randomUUID()}\n`, { mode: 0o600 });
  const passphrase = (await readFile(passphraseFile, 'utf8')).trim();
  const keys = [];
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

async function demoProject(keys: Awaited<ReturnType<typeof demoKeys>>, online: boolean): Promise<void> {
  await rm(project, { recursive: true, force: true });
  await cp(path.join(repo, 'content'), path.join(project, 'content'), { recursive: true });
  await mkdir(path.join(project, 'keys'), { recursive: true });
  for (const k of keys) await writeFile(path.join(project, 'keys', `${k.fingerprint}.asc`), k.publicKey);
  const configFile = path.join(project, 'content', 'canary', 'canary.yml');
  const config = parseDocument(await readFile(configFile, 'utf8'));
  const ref = (k: (typeof keys)[number]) => ({ name: k.name, fingerprint: k.fingerprint });
  config.setIn(['signers'], { threshold: 2, keys: [ref(keys[0]!), ref(keys[1]!)] });
  config.setIn(['heartbeat', 'keys'], [ref(keys[2]!)]);
  config.setIn(['panicKeys'], []);
  // The demo runs offline unless asked: no explorer is reachable from a sandbox.
  config.setIn(['freshness', 'required'], online);
  await writeFile(configFile, config.toString());
}

async function cli(args: string[]): Promise<void> {
  const code = await run(['--root', project, ...args], process.env, io);
  if (code !== 0) throw new Error(`candor ${args.join(' ')} failed with exit code ${code}`);
}

const online = process.argv.includes('--online');
const keys = await demoKeys();
await demoProject(keys, online);
const pass = ['--passphrase-file', path.join(secrets, 'passphrase')];
for (const id of (await readdir(path.join(project, 'content', 'transparency'))).filter((n) => /^\d{4}.*\.md$/.test(n)).map((n) => n.slice(0, -3))) {
  await cli(['report', 'sign', id, '--key', keys[0]!.file, ...pass]);
}
await cli(['canary', 'attest', 'prepare']);
await cli(['canary', 'attest', 'sign', '--key', keys[0]!.file, ...pass]);
await cli(['canary', 'attest', 'sign', '--key', keys[1]!.file, ...pass]);
await cli(['canary', 'attest', 'publish']);
await cli(['canary', 'heartbeat', '--key', keys[2]!.file, ...pass, ...(online ? [] : ['--no-freshness'])]);
const out = await buildSite({ root: project, out: path.join(demo, 'site') });
const port = Number(process.env['PORT'] ?? 4321);
const server = await serveStatic(out, port);
const url = `http://localhost:${server.port}/`;
console.log(`\nThe demo site for Lumen Mail is at ${url}`);
console.log(`Verify its canary (pinning the two demo signers):\n  npx candor verify ${url} --keys ${keys[0]!.fingerprint},${keys[1]!.fingerprint}`);
console.log('Press Ctrl+C to stop.');
if (process.argv.includes('--once')) await server.close();
