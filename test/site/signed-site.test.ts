/**
 * The site's signed files: /.well-known/security.txt (cleartext-signed) and
 * /manifest.json (+ .asc), checked with gpg and sqop; /canary.json against canary.txt;
 * and scripts/sign-site.ts signing an unsigned build, as the publish workflow does.
 */
import path from 'node:path';
import { readFile, rm, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { writeFile } from 'node:fs/promises';
import { buildSite } from '../../scripts/build-site.ts';
import { readArchived } from '../../src/io/archive.ts';
import { siteFiles } from '../../src/io/site-finish.ts';
import { compareWithManifest, type Manifest } from '../../src/core/site/manifest.ts';
import { readSecurityTxtFields } from '../../src/core/site/security-txt.ts';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { makeProject, NOW, PASSPHRASE, type TestProject } from '../helpers/project.ts';
import { gpgStatus, GPG_DISTRUST, requireTool, run, runOk, sandbox, validSigners, type Sandbox } from '../helpers/tools.ts';

let p: TestProject;
let signed: string;
let unsigned: string;
let box: Sandbox;
const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const outSigned = path.resolve('dist', 'test-sites', `signed-${tag}`);
const outUnsigned = path.resolve('dist', 'test-sites', `unsigned-${tag}`);
const NODE = process.execPath;

beforeAll(async () => {
  p = await makeProject();
  await p.writeConfig((c) => {
    (c['freshness'] as Record<string, unknown>)['required'] = false;
  });
  const serviceFile = path.join(p.root, 'content', 'service.yml');
  await writeFile(
    serviceFile,
    stringify({ ...parse(await readFile(serviceFile, 'utf8')), security: { contact: ['mailto:security@test-mail.example'], expiresDays: 90 } }),
  );
  await p.cli(['canary', 'attest', 'prepare']);
  for (const s of p.signers.slice(0, 2)) await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(s)]);
  expect((await p.cli(['canary', 'attest', 'publish'])).code).toBe(0);
  expect((await p.cli(['canary', 'heartbeat', '--no-freshness', '--key', p.keyFile(p.ci)])).code).toBe(0);
  // The build's clock is the CLI's (CANDOR_NOW), so that dates in the site are exact.
  process.env['CANDOR_NOW'] = NOW;
  try {
    signed = await buildSite({ root: p.root, out: outSigned, key: p.ci.privateKey });
    unsigned = await buildSite({ root: p.root, out: outUnsigned });
  } finally {
    delete process.env['CANDOR_NOW'];
  }
  box = sandbox();
  await runOk('gpg', ['--batch', '--import', box.file('ci.asc', p.ci.publicArmored)], { env: box.env }).catch(() => undefined);
}, 240_000);
afterAll(async () => {
  await rm(outSigned, { recursive: true, force: true });
  await rm(outUnsigned, { recursive: true, force: true });
  await box?.remove();
  await p?.cleanup();
});

const read = (site: string, rel: string) => readFile(path.join(site, rel), 'utf8');

describe('security.txt', () => {
  it('is cleartext-signed by the automation key: gpg shows VALIDSIG for it and nothing to distrust', async (ctx) => {
    requireTool(ctx, 'gpg');
    const text = await read(signed, '.well-known/security.txt');
    expect(text.startsWith('-----BEGIN PGP SIGNED MESSAGE-----\n')).toBe(true);
    const r = await run('gpg', ['--batch', '--status-fd', '1', '--verify', box.file('security.txt', text)], { env: box.env });
    const status = gpgStatus(r.stdout);
    expect(validSigners(status)).toEqual([p.ci.ref.fingerprint]);
    expect(status.filter((s) => GPG_DISTRUST.includes(s[0]!))).toEqual([]);
    const fields = readSecurityTxtFields(text);
    expect(fields.get('contact')).toEqual(['mailto:security@test-mail.example']);
    expect(fields.get('canonical')).toEqual(['https://test-mail.example/.well-known/security.txt']);
    const expires = Date.parse(fields.get('expires')![0]!);
    expect(expires).toBe(Date.parse(NOW) + 90 * 86_400_000);
  });

  it('an unsigned build publishes it unsigned (RFC 9116 allows it), and no manifest signature', async () => {
    expect((await read(unsigned, '.well-known/security.txt')).startsWith('# How to report')).toBe(true);
    await expect(stat(path.join(unsigned, 'manifest.json.asc'))).rejects.toThrow();
    expect(JSON.parse(await read(unsigned, 'manifest.json')).signer).toBeNull();
  });
});

describe('manifest.json', () => {
  it('lists every published file with its true hash, and nothing else', async () => {
    const manifest = JSON.parse(await read(signed, 'manifest.json')) as Manifest;
    expect(manifest.signer).toBe(p.ci.ref.fingerprint);
    const paths = manifest.files.map((f) => f.path);
    for (const must of [
      '/canary.txt',
      '/heartbeat.txt',
      '/canary.json',
      '/.well-known/security.txt',
      '/canary/index.html',
      '/assets/canary-page.js',
      '/feed.xml',
      '/index.html',
    ])
      expect(paths).toContain(must);
    expect(paths).not.toContain('/manifest.json');
    const copy = new Map((await siteFiles(signed)).map((f) => [f.path, f.sha256]));
    expect(compareWithManifest(manifest, copy)).toEqual([]);
  });

  it('its detached signature verifies with gpg and with sqop, over the exact bytes', async (ctx) => {
    requireTool(ctx, 'gpg', 'sqop');
    const manifest = box.file('manifest.json', await read(signed, 'manifest.json'));
    const asc = box.file('manifest.json.asc', await read(signed, 'manifest.json.asc'));
    const r = await run('gpg', ['--batch', '--status-fd', '1', '--verify', asc, manifest], { env: box.env });
    expect(validSigners(gpgStatus(r.stdout))).toEqual([p.ci.ref.fingerprint]);
    const cert = box.file('ci.pub', p.ci.publicArmored);
    const sq = await run('sqop', ['verify', asc, cert], { input: await readFile(manifest, 'utf8'), env: box.env });
    expect(sq.code, sq.stderr).toBe(0);
    expect(sq.stdout.toUpperCase()).toContain(p.ci.ref.fingerprint);
  });

  it('the site holds no private key material: no armored private key, no line of the CI secret key', async () => {
    const armoredPrivate = /-----BEGIN PGP PRIVATE KEY BLOCK-----\r?\n(?:[^\n]*: [^\n]*\n)*\r?\n[A-Za-z0-9+/=]{40,}/;
    const publicLines = new Set(p.ci.publicArmored.split('\n'));
    const secretLines = p.ci.privateArmored.split('\n').filter((l) => /^[A-Za-z0-9+/]{60,}$/.test(l) && !publicLines.has(l));
    expect(secretLines.length).toBeGreaterThan(3);
    const hits: string[] = [];
    for (const f of await siteFiles(signed)) {
      const text = await readFile(path.join(signed, f.path), 'latin1');
      if (armoredPrivate.test(text) || secretLines.some((l) => text.includes(l))) hits.push(f.path);
    }
    expect(hits).toEqual([]);
  });
});

describe('canary.json', () => {
  it('names the published canary.txt and heartbeat.txt by the hashes of their signed texts', async () => {
    const status = JSON.parse(await read(signed, 'canary.json'));
    const att = await readArchived<AttestationData>(path.join(signed, 'canary.txt'), signed);
    const hb = await readArchived(path.join(signed, 'heartbeat.txt'), signed);
    expect(status.attestation).toMatchObject({ url: '/canary.txt', hash: att.hash, sequence: att.data.sequence, expires: att.data.expires });
    // Built at the canary's own time (CANDOR_NOW): in force when built.
    expect(status.built).toBe(NOW);
    expect(status.attestation.expiredAtBuild).toBe(false);
    expect(status.heartbeat).toMatchObject({ url: '/heartbeat.txt', hash: hb.hash });
    expect(status.attestation.statements).toEqual(att.data.statements);
    expect(status.trust).toBe('two-layer');
  });
});

describe('scripts/sign-site.ts', () => {
  const sign = (site: string, key: string, env: NodeJS.ProcessEnv = {}) =>
    run(NODE, ['scripts/sign-site.ts', site, '--root', p.root, '--key', key], { env: { CANDOR_PASSPHRASE: PASSPHRASE, ...env }, timeoutMs: 60_000 });

  it('signs an unsigned build: security.txt and the manifest, whose list then matches the site', async (ctx) => {
    requireTool(ctx, 'gpg');
    const r = await sign(unsigned, p.keyFile(p.ci));
    expect(r.code, r.stderr).toBe(0);
    const asc = box.file('m2.asc', await read(unsigned, 'manifest.json.asc'));
    const v = await run('gpg', ['--batch', '--status-fd', '1', '--verify', asc, box.file('m2.json', await read(unsigned, 'manifest.json'))], { env: box.env });
    expect(validSigners(gpgStatus(v.stdout))).toEqual([p.ci.ref.fingerprint]);
    const manifest = JSON.parse(await read(unsigned, 'manifest.json')) as Manifest;
    expect(compareWithManifest(manifest, new Map((await siteFiles(unsigned)).map((f) => [f.path, f.sha256])))).toEqual([]);
  });

  it('refuses a key that is not a heartbeat key (SIGNER_NOT_IN_POLICY, exit 65)', async () => {
    const r = await sign(unsigned, p.keyFile(p.signers[0]!));
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('SIGNER_NOT_IN_POLICY');
  });

  it('a refused key changes nothing in the site: security.txt and the manifest keep their bytes', async () => {
    const before = await Promise.all(['.well-known/security.txt', 'manifest.json', 'manifest.json.asc'].map((f) => read(signed, f)));
    const r = await sign(signed, p.keyFile(p.signers[1]!));
    expect(r.code).toBe(65);
    expect(await Promise.all(['.well-known/security.txt', 'manifest.json', 'manifest.json.asc'].map((f) => read(signed, f)))).toEqual(before);
  });

  it('a folder that is not a built site: INPUT_UNREADABLE, exit 65, names the folder', async () => {
    const missing = path.join(outSigned, 'no-such-site');
    const r = await sign(missing, p.keyFile(p.ci));
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('INPUT_UNREADABLE');
    expect(r.stderr).toContain('no-such-site');
  });

  it('a wrong passphrase is exit 77, and neither key nor passphrase is printed', async () => {
    const r = await sign(unsigned, p.keyFile(p.ci), { CANDOR_PASSPHRASE: 'not it' });
    expect(r.code).toBe(77);
    expect(r.stderr).toContain('PASSPHRASE_WRONG');
    expect(r.stderr + r.stdout).not.toMatch(/PRIVATE KEY|not it/);
  });
});
