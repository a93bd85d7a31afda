/**
 * The transparency, keys, feeds and Web Key Directory parts of the built site, for a
 * throwaway project (two reports, one signed; a policy; an attestation), built once.
 */
import path from 'node:path';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../scripts/build-site.ts';
import { wkdHash } from '../../src/core/wkd.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { versionSource } from '../helpers/policy.ts';
import { FIXTURE_SPECS, reportSource } from '../helpers/report.ts';

const NOW = '2026-03-01T12:00:00Z';
let p: TestProject;
let site: string;
const read = (rel: string) => readFile(path.join(site, rel), 'utf8');
const exists = (rel: string) =>
  stat(path.join(site, rel)).then(
    (s) => s.isFile(),
    () => false,
  );

beforeAll(async () => {
  p = await makeProject();
  // The test keys have addresses at example.org: make that the service's domain.
  await writeFile(path.join(p.root, 'content', 'service.yml'), 'name: Test Mail\nurl: https://example.org\n');
  const reports = path.join(p.root, 'content', 'transparency');
  await mkdir(reports, { recursive: true });
  const [h1, h2] = FIXTURE_SPECS as [(typeof FIXTURE_SPECS)[0], (typeof FIXTURE_SPECS)[0]];
  await writeFile(path.join(reports, '2025-h1.md'), reportSource(h1));
  await writeFile(path.join(reports, '2025-h2.md'), reportSource({ ...h2, body: `${h2.body}\nRaw HTML stays text: <img src=x onerror=alert(1)>\n` }));
  expect((await p.cli(['report', 'sign', '2025-h1', '--key', p.keyFile(p.signers[0]!)], { now: NOW })).code).toBe(0);
  await mkdir(path.join(p.root, 'content', 'policies', 'privacy'), { recursive: true });
  await writeFile(
    path.join(p.root, 'content', 'policies', 'privacy', '1.0.md'),
    versionSource({ version: '1.0', effective: '2025-01-01', change: 'material', summary: 'First published version.' }),
  );
  await p.writeConfig((c) => {
    (c['freshness'] as Record<string, unknown>)['required'] = false;
  });
  await p.cli(['canary', 'attest', 'prepare']);
  for (const s of p.signers.slice(0, 2)) await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(s)]);
  expect((await p.cli(['canary', 'attest', 'publish'])).code).toBe(0);
  const before = process.env['CANDOR_NOW'];
  process.env['CANDOR_NOW'] = NOW;
  try {
    site = await buildSite({ root: p.root, out: path.join(p.secrets, 'site') });
  } finally {
    if (before === undefined) delete process.env['CANDOR_NOW'];
    else process.env['CANDOR_NOW'] = before;
  }
}, 180_000);
afterAll(async () => {
  await p?.cleanup();
});

describe('stable paths', () => {
  it('serves every part at the path verifiers, readers and mail clients rely on', async () => {
    const ada = await wkdHash('ada');
    for (const rel of [
      'transparency/index.html',
      'transparency/2025-h1/index.html',
      'transparency/2025-h2/index.html',
      'transparency/2025-h1.json',
      'transparency/2025-h1.json.asc',
      'transparency/requests.csv',
      'transparency/schema.json',
      'keys/index.html',
      `keys/${p.signers[0]!.ref.fingerprint}.asc`,
      'feed.xml',
      'rss.xml',
      'feed.json',
      '.well-known/openpgpkey/policy',
      `.well-known/openpgpkey/hu/${ada}`,
      '.well-known/openpgpkey/example.org/policy',
      `.well-known/openpgpkey/example.org/hu/${ada}`,
    ])
      expect(await exists(rel), rel).toBe(true);
  });

  it('runs no script on these pages', async () => {
    for (const rel of ['transparency/index.html', 'transparency/2025-h1/index.html', 'transparency/2025-h2/index.html', 'keys/index.html']) {
      const html = await read(rel);
      expect(html, rel).not.toMatch(/<script/i);
      expect(html, rel).not.toMatch(/<[^>]*\son[a-z]+=/i);
    }
  });
});

describe('the report page', () => {
  it('has the tables and accessible charts with their data', async () => {
    const html = await read('transparency/2025-h1/index.html');
    expect(html).toContain('<main id="main"');
    expect((html.match(/<table/g) ?? []).length).toBeGreaterThanOrEqual(6);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBe(2);
    for (const svg of svgs) {
      expect(svg).toMatch(/role="img"/);
      expect(svg).toMatch(/<title[^>]*>[^<]+<\/title>/);
      expect(svg).toMatch(/<desc[^>]*>[^<]+<\/desc>/);
    }
    expect(html).toContain('Requests received by country');
    expect(html).toContain('suppressed (fewer than 5)');
    expect(html).toContain('15–19');
    expect(html).toContain('National security letters');
    expect(html).toContain('0–249');
    expect(html).toContain('Informal requests by email');
    expect(html).toContain('href="/transparency/2025-h1.json.asc"');
    expect(html).toContain('gpg --verify 2025-h1.json.asc 2025-h1.json');
  });

  it('renders the narrative with markdown-it and keeps raw HTML as text; shows corrections', async () => {
    const html = await read('transparency/2025-h2/index.html');
    expect(html).toMatch(/<h2>Notable cases<\/h2>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('One French request was counted twice.');
    expect(html).toContain('This report has not been signed.');
  });

  it('the list is newest first, with totals over time', async () => {
    const html = await read('transparency/index.html');
    expect(html.indexOf('/transparency/2025-h2/')).toBeLessThan(html.indexOf('/transparency/2025-h1/'));
    expect(html).toContain('Totals per reporting period');
    expect((html.match(/<svg[^>]*role="img"/g) ?? []).length).toBe(2);
  });
});

describe('the keys page', () => {
  it('lists each key with its grouped fingerprint, role and download', async () => {
    const html = await read('keys/index.html');
    const fpr = p.signers[0]!.ref.fingerprint;
    expect(html).toContain(`${fpr.slice(0, 4)} ${fpr.slice(4, 8)}`);
    expect(html).toContain(`href="/keys/${fpr}.asc"`);
    expect(html).toContain('Attestation signer');
    expect(html).toContain('Heartbeat key');
  });
});

describe('feeds', () => {
  const parser = new XMLParser({ ignoreAttributes: false });

  it('Atom and RSS parse, with stable tag: ids for the policy, the reports and the attestation', async () => {
    const atom = await read('feed.xml');
    const rss = await read('rss.xml');
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(XMLValidator.validate(rss)).toBe(true);
    const ids = parser.parse(atom).feed.entry.map((e: { id: string }) => e.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'tag:example.org,2024:policy/privacy/1.0',
        'tag:example.org,2024:transparency/2025-h1',
        'tag:example.org,2024:transparency/2025-h2',
        'tag:example.org,2024:canary/attestation/1',
      ]),
    );
    expect(parser.parse(rss).rss.channel.item.map((i: { guid: { '#text': string } }) => i.guid['#text'])).toEqual(ids);
  });

  it('JSON Feed 1.1 has the required structure', async () => {
    const feed = JSON.parse(await read('feed.json'));
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(typeof feed.title).toBe('string');
    expect(feed.feed_url).toBe('https://example.org/feed.json');
    expect(feed.items.length).toBe(4);
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string');
      expect(item.url).toMatch(/^https:\/\/example\.org\//);
      expect(typeof (item.content_html ?? item.content_text)).toBe('string');
      expect(Number.isNaN(Date.parse(item.date_published))).toBe(false);
    }
  });
});

describe('Web Key Directory', () => {
  it('serves each signer key, binary, under the hash of its local part', async () => {
    for (const s of [...p.signers, p.ci]) {
      const local = (/<([^@>]+)@/.exec((await openpgp.readKey({ armoredKey: s.publicArmored })).getUserIDs()[0]!) ?? [])[1]!;
      const bytes = await readFile(path.join(site, '.well-known', 'openpgpkey', 'hu', await wkdHash(local)));
      expect(bytes.subarray(0, 10).toString('latin1')).not.toContain('-----');
      const keys = await openpgp.readKeys({ binaryKeys: new Uint8Array(bytes) });
      expect(keys.map((k) => k.getFingerprint().toUpperCase())).toContain(s.ref.fingerprint);
      expect(keys.every((k) => !k.isPrivate())).toBe(true);
    }
    expect(await read('.well-known/openpgpkey/policy')).toBe('');
  });
});
