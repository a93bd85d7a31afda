/**
 * The facts' exports as the shipped `candor build` writes them into a site
 * (docs/content.md#exports): DPV JSON-LD per version, the plain text, privacy.txt,
 * gpc.json and rel="privacy-policy"; and `candor policy labels` on the same repository.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandSafe } from '../helpers/jsonld.ts';
import { versionSource, type VersionSpec } from '../helpers/policy.ts';
import { candor } from '../helpers/candor-bin.ts';
import { makeProject, NOW, type TestProject } from '../helpers/project.ts';

const COOKIES = [
  { name: 'tm_sid', setBy: 'Test Mail', purpose: 'keeps you signed in', lifetime: 'session', httpOnly: true, secure: true, optional: false },
  { name: 'edge', setBy: 'Nimbus Edge (CDN)', party: 'third', domain: 'cdn.nimbus.example', purpose: 'routes requests', lifetime: '1 day' },
];
const FACTS = {
  controller: { name: 'Test Mail SA', country: 'BE' },
  dataCollected: [
    { what: 'Your e-mail address', why: 'to sign you in', category: 'EmailAddress' },
    { what: 'Connection logs', why: 'to stop abuse', category: 'IPAddress' },
  ],
  retention: [{ what: 'Connection logs', period: '30 days', after: 'the connection' }],
  disclosure: { stance: 'when required by law', law: 'Belgian law', sold: false },
  trackers: [],
  cookies: COOKIES,
  gpc: true,
  contact: { email: 'privacy@test-mail.example' },
};
const PRIVACY: VersionSpec[] = [
  {
    version: '1.0',
    effective: '2023-01-01',
    change: 'material',
    summary: 'First version.',
    facts: FACTS,
    body: '## 1. Who we are\n\nTest Mail is a mail service.\n',
  },
  // Upcoming at the build's clock (2023-07-24): the exports speak for the version in force.
  { version: '2.0', effective: '2023-09-01', published: '2023-07-20', change: 'material', summary: 'No more GPC.', facts: { ...FACTS, gpc: false } },
];

let p: TestProject;
let site: string;
const file = (rel: string) => readFile(path.join(site, rel), 'utf8');

beforeAll(async () => {
  p = await makeProject();
  const dir = path.join(p.root, 'content', 'policies', 'privacy');
  await mkdir(dir, { recursive: true });
  for (const spec of PRIVACY) await writeFile(path.join(dir, `${spec.version}.md`), versionSource(spec, 'Test Mail privacy policy'));
  // The shipped `candor build`, run from this repository (its node_modules), as the other site tests do.
  site = path.resolve('dist', 'test-sites', `exports-${process.pid}`);
  const r = await candor(['--root', p.root, '--now', NOW, 'build', '--out', site], { timeoutMs: 170_000 });
  expect(r.code, `${r.out}${r.err}`).toBe(0);
}, 180_000);

afterAll(async () => {
  await p?.cleanup();
  await rm(site ?? '', { recursive: true, force: true });
});

describe('the exports in a built site', () => {
  it('one DPV JSON-LD document per version, which a JSON-LD processor expands without loss', async () => {
    for (const v of ['1.0', '2.0']) {
      const doc = JSON.parse(await file(`policies/privacy/${v}.dpv.jsonld`)) as object;
      const expanded = await expandSafe(doc);
      expect(expanded[0]!['@id']).toBe(`https://test-mail.example/policies/privacy/${v}/`);
      expect(JSON.stringify(expanded)).toContain('https://w3id.org/dpv/pd#EmailAddress');
    }
  });

  it('the plain text of each version is its exact source', async () => {
    expect(await file('policies/privacy/1.0.txt')).toBe(await readFile(path.join(p.root, 'content', 'policies', 'privacy', '1.0.md'), 'utf8'));
  });

  it('privacy.txt speaks for the version in force, with every cookie in the draft fields', async () => {
    const lines = (await file('.well-known/privacy.txt')).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual([
      'Entity: Test Mail SA,BE',
      'Privacy-policy: https://test-mail.example/policies/privacy/',
      'Privacy-policy-text: https://test-mail.example/policies/privacy/1.0.txt',
      'Contact: mailto:privacy@test-mail.example',
      'Cookie: tm_sid,test-mail.example,session,first,required,httponly=yes,secure=yes',
      'Cookie: edge,cdn.nimbus.example,86400,third,unknown,httponly=unknown,secure=unknown',
    ]);
  });

  it('gpc.json says what the version in force says', async () => {
    expect(JSON.parse(await file('.well-known/gpc.json'))).toEqual({ gpc: true, lastUpdate: '2023-01-01' });
  });

  it('every page links the privacy policy with rel="privacy-policy"', async () => {
    for (const page of ['index.html', 'policies/index.html', 'policies/privacy/1.0/index.html', 'keys/index.html'].filter((f) =>
      existsSync(path.join(site, f)),
    ))
      expect(await file(page), page).toContain('<link rel="privacy-policy" href="/policies/privacy/">');
  });

  it('the manifest lists the exports, so a verifier can check them', async () => {
    const manifest = await file('manifest.json');
    for (const f of ['/.well-known/privacy.txt', '/.well-known/gpc.json', '/policies/privacy/1.0.dpv.jsonld']) expect(manifest).toContain(`"${f}"`);
  });
});

describe('candor policy labels, as installed', () => {
  it('answers both stores from the facts in force, and leaves the rest as questions', async () => {
    const r = await p.cli(['policy', 'labels']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('From the facts of privacy 1.0 (in force 2023-07-24).');
    expect(r.out).toContain('App Store: App Privacy\n\n  Contact Info › Email Address\n    - Your e-mail address (privacy 1.0)');
    expect(r.out).toContain('Google Play: Data safety');
    expect(r.out).toContain('    - No data is sold.');
    expect(r.out).toContain('Left for you to answer:');
  });

  it('--json for one store', async () => {
    const r = await p.cli(['policy', 'labels', '--store', 'google', '--json']);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out) as { labels: { store: string; types: { type: string }[] }[] };
    expect(json.labels.map((l) => l.store)).toEqual(['google']);
    expect(json.labels[0]!.types.map((t) => t.type)).toEqual(['Email address', 'Device or other IDs']);
  });

  it('an unknown store is a usage error with a hint, never a crash', async () => {
    const r = await p.cli(['policy', 'labels', '--store', 'fdroid']);
    expect(r.code).toBe(64);
    expect(r.err).toContain('--store');
    expect(r.err).toContain('docs/content.md#app-store-labels');
  });
});
