/**
 * A reader's view: the built site serves the canary at its stable paths, and
 * `candor verify URL` (the real bin, in its own process) judges it.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../scripts/build-site.ts';
import { serveStatic } from '../../scripts/serve.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/candor.mjs');
let p: TestProject;
let site: string;
let server: { port: number; close(): Promise<void> };
let url: string;

async function candor(args: string[]): Promise<{ code: number; out: string }> {
  return exec(process.execPath, [BIN, ...args], { env: { ...process.env, CANDOR_NOW: '2023-07-24T08:00:00Z' } }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );
}

beforeAll(async () => {
  p = await makeProject();
  await p.writeConfig((c) => {
    (c['freshness'] as Record<string, unknown>)['required'] = false;
  });
  await p.cli(['canary', 'attest', 'prepare']);
  for (const s of p.signers.slice(0, 2)) await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(s)]);
  await p.cli(['canary', 'attest', 'publish']);
  await p.cli(['canary', 'heartbeat', '--no-freshness', '--key', p.keyFile(p.ci)]);
  site = await buildSite({ root: p.root, out: path.join(p.secrets, 'site') });
  server = await serveStatic(site, 0);
  url = `http://127.0.0.1:${server.port}/`;
}, 120_000);
afterAll(async () => {
  await server?.close();
  await p.cleanup();
});

describe('the published site', () => {
  it('serves canary.txt, heartbeat.txt, keys and documents at stable paths', async () => {
    for (const file of [
      'canary.txt',
      'heartbeat.txt',
      `keys/${p.signers[0]!.ref.fingerprint}.asc`,
      'documents/service.yml',
      'archive/attestation-000001.txt',
    ]) {
      expect((await fetch(new URL(file, url))).status, file).toBe(200);
    }
    const html = await (await fetch(url)).text();
    expect(html).toContain('Attestation 1');
    // The home page's one script comes from this origin: no inline code.
    expect(html.match(/<script[^>]*>/gi)).toEqual(['<script type="module" src="/assets/canary-page.js">']);
  });

  it('verifies alive by URL with pinned fingerprints (exit 0)', async () => {
    const pins = p.signers.map((s) => s.ref.fingerprint).join(',');
    const result = await candor(['verify', url, '--keys', pins, '--json']);
    expect(result.code, result.out).toBe(0);
    expect(JSON.parse(result.out).verdict).toBe('alive');
  });

  it('without pins it is invalid: a site cannot vouch for its own keys (exit 3)', async () => {
    const result = await candor(['verify', url, '--json']);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.out).reasons.map((r: { code: string }) => r.code)).toContain('KEY_UNPINNED');
  });

  it('catches a published document that no longer matches the signed hash', async () => {
    const doc = path.join(site, 'documents', 'service.yml');
    const original = await readFile(doc, 'utf8');
    await writeFile(doc, `${original}# edited after signing\n`);
    try {
      const result = await candor(['verify', url, '--keys', p.signers.map((s) => s.ref.fingerprint).join(','), '--json']);
      expect(result.code).toBe(3);
      expect(JSON.parse(result.out).reasons.map((r: { code: string }) => r.code)).toContain('DOCUMENT_HASH_MISMATCH');
    } finally {
      await writeFile(doc, original);
    }
  });
});
