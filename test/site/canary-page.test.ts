/**
 * The /canary/ page of the built site, for a throwaway project with a published
 * attestation and heartbeat, built once.
 */
import { readableInstant } from '../../src/core/dates.ts';
import path from 'node:path';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../scripts/build-site.ts';
import { readArchived } from '../../src/io/archive.ts';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

let p: TestProject;
let site: string;
const out = path.resolve('dist', 'test-sites', `canary-page-${process.pid}`);
const read = (rel: string) => readFile(path.join(site, rel), 'utf8');

beforeAll(async () => {
  p = await makeProject();
  await p.writeConfig((c) => {
    (c['freshness'] as Record<string, unknown>)['required'] = false;
  });
  await p.cli(['canary', 'attest', 'prepare']);
  for (const s of p.signers.slice(0, 2)) await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(s)]);
  expect((await p.cli(['canary', 'attest', 'publish'])).code).toBe(0);
  expect((await p.cli(['canary', 'heartbeat', '--no-freshness', '--key', p.keyFile(p.ci)])).code).toBe(0);
  site = await buildSite({ root: p.root, out });
}, 180_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await p?.cleanup();
});

describe('the canary page', () => {
  it('exists, runs only its one script file from this origin, and has one h1 and the main landmark', async () => {
    expect((await stat(path.join(site, 'canary/index.html'))).isFile()).toBe(true);
    const html = await read('canary/index.html');
    expect(html.match(/<script[^>]*>/gi)).toEqual(['<script type="module" src="/assets/canary-page.js">']);
    expect(html).toMatch(/<script[^>]*><\/script>/);
    expect(html).toContain("script-src 'self'; connect-src 'self';");
    expect((await stat(path.join(site, 'assets/canary-page.js'))).size).toBeGreaterThan(0);
    expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect((html.match(/<h1[\s>]/g) ?? []).length).toBe(1);
    expect(html).toContain('<main id="main"');
  });

  it('shows the attestation, heartbeat, statements, signers and the verify command with the pins', async () => {
    const html = await read('canary/index.html');
    const { data } = await readArchived<AttestationData>(path.join(site, 'canary.txt'), site);
    expect(html).toContain(`<dt>Sequence</dt><dd>${data.sequence}</dd>`);
    expect(html).toContain(`<time datetime="${data.expires}">${readableInstant(data.expires)}</time>`);
    expect(data.statements.length).toBeGreaterThan(0);
    for (const st of data.statements) expect(html).toContain(`<code>${st.id}</code>`);
    const fprs = p.signers.map((s) => s.ref.fingerprint);
    for (const f of fprs) expect(html).toContain(`${f.slice(0, 4)} ${f.slice(4, 8)}`);
    expect(html).toContain(`--keys ${fprs.join(',')}`);
    expect(html).toMatch(/npx candor verify https?:\/\/\S+\/ --keys/);
    expect(html).toContain('gpg --status-fd 1 --verify canary.txt');
    expect(html).toContain('--signatures 2 canary.txt');
    expect(html).toContain('Heartbeat');
    expect(html).toContain('href="/canary.txt"');
    expect(html).toContain('href="/heartbeat.txt"');
    expect(html).toContain('href="/archive/attestation-000001.txt"');
    expect(html).toMatch(/Built <time[^>]*>[^<]+<\/time>; check the expiry dates/);
  });

  it('shows the verdict of the build-time check: this 2023 canary is STALE today, with its reasons', async () => {
    const html = await read('canary/index.html');
    expect(html).toContain('<strong data-verdict-at-build="stale">STALE: the canary was not renewed in time.</strong>');
    expect(html).toMatch(/<div class="status bad" data-canary-status>/);
    expect(html).toContain('<code>ATTESTATION_EXPIRED</code>');
    const status = JSON.parse(await read('canary.json'));
    expect(status.checkedAtBuild.verdict).toBe('stale');
    expect(status.checkedAtBuild.reasons).toContain('ATTESTATION_EXPIRED');
  });

  it('an attestation whose signature was tampered with is shown as INVALID, not as its claims', async () => {
    const file = path.join(p.root, 'content', 'canary', 'archive', 'attestation-000001.txt');
    const genuine = await readFile(file, 'utf8');
    const { data } = await readArchived<AttestationData>(file, p.root);
    const statement = data.statements[0]!.text;
    const forged = genuine.replaceAll(statement, statement.replace(/^(\S+)/, '$1 not'));
    expect(forged).not.toBe(genuine);
    await writeFile(file, forged);
    const out2 = `${out}-tampered`;
    try {
      const tampered = await buildSite({ root: p.root, out: out2 });
      const html = await readFile(path.join(tampered, 'canary/index.html'), 'utf8');
      expect(html).toContain('data-verdict-at-build="invalid"');
      expect(html).toMatch(/<code>(SIGNATURE_BAD|HUMAN_TEXT_MISMATCH)<\/code>/);
      expect(JSON.parse(await readFile(path.join(tampered, 'canary.json'), 'utf8')).checkedAtBuild.verdict).toBe('invalid');
    } finally {
      await writeFile(file, genuine);
      await rm(out2, { recursive: true, force: true });
    }
  }, 120_000);

  it('says that neither file is timestamped when no proof is beside it, and serves no proof', async () => {
    const html = await read('canary/index.html');
    expect(html.match(/data-timestamp="[a-z]+"/g)).toEqual(['data-timestamp="none"', 'data-timestamp="none"']);
    expect(html).toContain('Not timestamped.');
    const status = JSON.parse(await read('canary/status.json'));
    expect(status.timestamps).toEqual({ minimumBits: '170fffff', testFloor: false, attestation: { status: 'none' }, heartbeat: { status: 'none' } });
    await expect(stat(path.join(site, 'canary.txt.ots'))).rejects.toThrow(/ENOENT/);
  });

  it('is linked from the site navigation', async () => {
    const home = await read('index.html');
    expect(home).toMatch(/<nav[^>]*>[\s\S]*href="\/canary\/"[\s\S]*<\/nav>/);
  });
});
