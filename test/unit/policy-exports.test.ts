/**
 * The facts in others' formats (src/core/policy/exports/): DPV JSON-LD that a JSON-LD
 * processor expands without dropping a term, privacy.txt's fields, gpc.json, and the
 * app-store labels with their field lists.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSafe } from '../helpers/jsonld.ts';
import { dpvDocument, isoDuration } from '../../src/core/policy/exports/dpv.ts';
import { APPLE, GOOGLE } from '../../src/core/policy/exports/store-labels-data.ts';
import { renderLabels, storeLabels } from '../../src/core/policy/exports/store-labels.ts';
import { composeGpcJson, composePrivacyTxt, cookieLine, cookieSeconds, mainPolicy } from '../../src/core/policy/exports/well-known.ts';
import { materialFactChanges } from '../../src/core/policy/materiality.ts';
import type { PolicyVersion } from '../../src/core/policy/model.ts';
import { parsePolicyVersion } from '../../src/core/policy/parse.ts';
import { version } from '../helpers/policy.ts';

const SITE = 'https://lumen-mail.example/';

/** Every policy version of the demo and of the seed trees: the shapes real facts have. */
async function allVersions(): Promise<PolicyVersion[]> {
  const roots = [path.resolve('content'), ...['no-cookies', 'numbered', 'supplement'].map((s) => path.resolve('test/fixtures/seeds', s, 'content'))];
  const out: PolicyVersion[] = [];
  for (const root of roots)
    for (const policy of (await readdir(path.join(root, 'policies'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name))
      for (const f of (await readdir(path.join(root, 'policies', policy))).filter((n) => n.endsWith('.md') && n !== 'README.md'))
        out.push(parsePolicyVersion(await readFile(path.join(root, 'policies', policy, f), 'utf8'), `policies/${policy}/${f}`));
  return out;
}

const expand = expandSafe;

describe('DPV JSON-LD', () => {
  it('every version of the demo and the seeds expands in safe mode: no term is dropped', async () => {
    const versions = await allVersions();
    expect(versions.length).toBeGreaterThan(10);
    for (const v of versions) {
      const doc = dpvDocument(v, { siteUrl: SITE, url: `${SITE}policies/${v.policy}/${v.version}/` });
      const expanded = await expand(doc).catch((e: Error) => {
        throw new Error(`${v.path}: ${e.message}`);
      });
      expect(expanded, v.path).toHaveLength(1);
      expect(expanded[0]!['@type']).toEqual(['https://w3id.org/dpv#PrivacyNotice']);
    }
  });

  it('names DPV concepts where the facts do: a category, a length, a country', async () => {
    const v = version({
      version: '1.0',
      effective: '2026-01-01',
      facts: {
        controller: { name: 'Lumen Mail S.à r.l.', country: 'LU' },
        dataCollected: [{ what: 'Your IP address', why: 'to stop abuse', category: 'IPAddress' }],
        retention: [{ what: 'Connection logs', period: '30 days', after: 'the connection', then: [{ period: '1 year', requiredBy: 'Luxembourg law' }] }],
        thirdParties: [{ name: 'Gravatar', operator: 'Automattic Inc.', role: 'avatars', receives: ['a SHA-256 of the sender address'], country: 'US' }],
        gpc: true,
      },
    });
    const [notice] = await expand(dpvDocument(v, { siteUrl: SITE, url: `${SITE}policies/privacy/1.0/` }));
    const text = JSON.stringify(notice);
    expect(text).toContain('"@id":"https://w3id.org/dpv/pd#IPAddress"');
    expect(text).toContain('"@id":"https://w3id.org/dpv/loc#US"');
    expect(text).toContain('"@id":"https://w3id.org/dpv/loc#LU"');
    expect(text).toContain('{"@type":"http://www.w3.org/2001/XMLSchema#duration","@value":"P30D"}');
    expect(text).toContain('{"@type":"http://www.w3.org/2001/XMLSchema#duration","@value":"P1Y"}');
    expect(text).toContain('https://lumen-mail.example/schemas/policy-facts.json#honoursGlobalPrivacyControl');
    expect(text).toContain('https://w3id.org/dpv#ThirdParty');
  });

  it('writes ISO 8601 durations only for a fixed length', () => {
    expect(['45 days', '12 months', '2 years', '3 weeks', '6 hours', 'session', 'until the account is closed', 'not stated'].map(isoDuration)).toEqual([
      'P45D',
      'P12M',
      'P2Y',
      'P3W',
      'PT6H',
      undefined,
      undefined,
      undefined,
    ]);
  });
});

const cookie = (c: Record<string, unknown>) => ({ setBy: 'Lumen Mail', purpose: 'keeps you signed in', lifetime: 'session', ...c }) as never;

describe('privacy.txt', () => {
  it('gives a cookie the draft seven fields, unknown where the facts are silent', () => {
    const site = { host: 'lumen-mail.example', name: 'Lumen Mail' };
    expect(cookieLine(cookie({ name: 'sid', httpOnly: true, secure: true, optional: false }), site)).toBe(
      'sid,lumen-mail.example,session,first,required,httponly=yes,secure=yes',
    );
    expect(cookieLine(cookie({ name: 'cdn, edge', setBy: 'Nimbus Edge', lifetime: '1 day', party: 'third', domain: 'cdn.example' }), site)).toBe(
      'cdn  edge,cdn.example,86400,third,unknown,httponly=unknown,secure=unknown',
    );
    expect(cookieLine(cookie({ category: 'load-balancer cookies', setBy: 'a host', lifetime: 'not stated' }), site)).toBe(
      'load-balancer cookies,unknown,unknown,unknown,unknown,httponly=unknown,secure=unknown',
    );
    expect(['session', '1 year', 'until you sign out'].map(cookieSeconds)).toEqual(['session', '31557600', 'unknown']);
  });

  it('speaks for the privacy policy, lists the cookies of every policy in force once', () => {
    const privacy = version({
      version: '2.0',
      effective: '2026-01-01',
      facts: {
        controller: { name: 'Lumen Mail S.à r.l.', country: 'Luxembourg' },
        contact: { email: 'privacy@lumen-mail.example' },
        cookies: [cookie({ name: 'sid' })],
      },
    });
    const cookies = version(
      { version: '1.0', effective: '2026-01-01', facts: { cookies: [cookie({ name: 'sid' }), cookie({ name: 'lang', lifetime: '1 year' })] } },
      'cookies',
    );
    const text = composePrivacyTxt({
      service: { name: 'Lumen Mail', url: SITE },
      policy: { version: privacy, page: `${SITE}policies/privacy/`, text: `${SITE}policies/privacy/2.0.txt` },
      inForce: [privacy, cookies],
    })!;
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'Entity: Lumen Mail S.à r.l.,LU',
      `Privacy-policy: ${SITE}policies/privacy/`,
      `Privacy-policy-text: ${SITE}policies/privacy/2.0.txt`,
      'Contact: mailto:privacy@lumen-mail.example',
      'Cookie: sid,lumen-mail.example,session,first,unknown,httponly=unknown,secure=unknown',
      'Cookie: lang,lumen-mail.example,31557600,first,unknown,httponly=unknown,secure=unknown',
      '',
    ]);
    expect(composePrivacyTxt({ service: { name: 'x', url: SITE }, policy: undefined, inForce: [] })).toBeUndefined();
    expect(mainPolicy([{ id: 'mail' }, { id: 'cookies' }])).toEqual({ id: 'cookies' });
    expect(mainPolicy([{ id: 'mail' }, { id: 'privacy' }])).toEqual({ id: 'privacy' });
  });
});

describe('gpc.json', () => {
  const v = (n: string, published: string, gpc?: boolean) => version({ version: n, effective: published, published, facts: gpc === undefined ? {} : { gpc } });

  it('exists only when a policy in force states the fact; the newest statement decides', () => {
    expect(composeGpcJson([v('1.0', '2026-01-01')])).toBeUndefined();
    expect(JSON.parse(composeGpcJson([v('1.0', '2026-01-01', true)])!)).toEqual({ gpc: true, lastUpdate: '2026-01-01' });
    expect(JSON.parse(composeGpcJson([v('1.0', '2026-01-01', true), v('1.1', '2026-03-01', false)])!)).toEqual({ gpc: false, lastUpdate: '2026-03-01' });
  });

  it('taking back Global Privacy Control is a material change; adding it is not', () => {
    expect(materialFactChanges({ gpc: true }, { gpc: false })).toEqual(['Global Privacy Control no longer honoured']);
    expect(materialFactChanges({ gpc: true }, {})).toEqual(['Global Privacy Control no longer honoured']);
    expect(materialFactChanges({}, { gpc: true })).toEqual([]);
  });
});

describe('app-store labels', () => {
  it.each([APPLE, GOOGLE])('$title: each DPV concept is one data type, every type has a category', (form) => {
    const concepts = form.types.flatMap((t) => t.pd);
    expect(concepts.filter((c, i) => concepts.indexOf(c) !== i)).toEqual([]);
    expect(form.types.every((t) => t.category.length > 0 && t.type.length > 0)).toBe(true);
    expect(form.purposes.length).toBeGreaterThan(4);
  });

  it('both stores place the same concepts (a concept only one form knows would be lost in the other)', () => {
    const apple = new Set(APPLE.types.flatMap((t) => t.pd));
    const google = new Set(GOOGLE.types.flatMap((t) => t.pd));
    expect([...apple].filter((c) => !google.has(c))).toEqual([]);
    expect([...google].filter((c) => !apple.has(c))).toEqual([]);
  });

  it('places items by category, lists the rest as questions, and says what the facts state', () => {
    const v = version({
      version: '1.0',
      effective: '2026-01-01',
      facts: {
        dataCollected: [
          { what: 'Your e-mail address', why: 'to sign you in', category: 'EmailAddress' },
          { what: 'Connection logs', why: 'to stop abuse', category: 'IPAddress' },
          { what: 'Support tickets' },
        ],
        disclosure: { stance: 'never', sold: false },
        trackers: [],
        thirdParties: [{ name: 'Stripe', role: 'payments', receives: ['card details'] }],
      },
    });
    const apple = storeLabels([v], APPLE);
    expect(apple.types.map((t) => `${t.category} › ${t.type}`)).toEqual(['Contact Info › Email Address', 'Usage Data › Other Usage Data']);
    expect(apple.statements).toEqual(['No data is sold.', 'No tracker: nothing is used to track users.', 'Shared with Stripe: card details.']);
    expect(apple.open[0]).toBe('privacy 1.0: "Support tickets" has no category: give it one (a DPV pd: concept such as EmailAddress) to place it.');
    const google = storeLabels([v], GOOGLE);
    expect(google.types.map((t) => t.type)).toEqual(['Email address', 'Device or other IDs']);
    expect(renderLabels(google)).toContain(
      'Personal info › Email address\n    - Your e-mail address (privacy 1.0)\n    purposes in the policy: to sign you in',
    );
  });
});
