/**
 * The three seed policies, retold in our words (test/fixtures/seeds/), fit the facts model
 * without workarounds: every file parses, check finds nothing to refuse, and the facts
 * table and facts diff say what the policies say.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFacts } from '../../src/core/policy/facts-diff.ts';
import { materialFactChanges } from '../../src/core/policy/materiality.ts';
import { compareVersions, type PolicyVersion } from '../../src/core/policy/model.ts';
import { parsePolicyVersion } from '../../src/core/policy/parse.ts';
import { checkPolicies } from '../../src/core/policy/rules.ts';
import { factRows } from '../../src/core/policy/site.ts';

const SEEDS = path.join(import.meta.dirname, '../fixtures/seeds');

async function tree(name: string): Promise<Map<string, PolicyVersion[]>> {
  const root = path.join(SEEDS, name, 'content');
  const out = new Map<string, PolicyVersion[]>();
  for (const policy of await readdir(path.join(root, 'policies'))) {
    const files = await readdir(path.join(root, 'policies', policy));
    const versions = await Promise.all(
      files.map(async (f) => parsePolicyVersion(await readFile(path.join(root, 'policies', policy, f), 'utf8'), `policies/${policy}/${f}`)),
    );
    out.set(
      policy,
      versions.sort((a, b) => compareVersions(a.version, b.version)),
    );
  }
  return out;
}

const now = new Date('2026-12-01T00:00:00Z');
const rows = (v: PolicyVersion) => Object.fromEntries(factRows(v.facts).map((r) => [r.label, r.missing ?? r.items.map((i) => i.text)]));

describe('seed policies in the facts model', () => {
  it('every tree parses and passes check', async () => {
    for (const name of ['no-cookies', 'numbered', 'supplement']) {
      const problems = checkPolicies(await tree(name), { now, noticePeriodDays: 30 });
      expect(
        problems.filter((p) => p.level !== 'note'),
        name,
      ).toEqual([]);
    }
  });

  it('no-cookies: what is not collected, cookies set by others with no stated lifetime, anonymous tracking', async () => {
    const [v] = (await tree('no-cookies')).get('privacy')!;
    const table = rows(v!);
    expect(table['Not collected']).toContain('your postal address');
    expect(table['Cookies']).toEqual([
      'cf_conn: Tells apart connections that share one IP address, so that security settings apply per connection, set by Cloudflare (CDN), lifetime not stated (third-party, holds no personal data)',
      'app_affinity: Balances the load between application servers, set by Heroku (application servers), lifetime not stated (third-party, holds no personal data)',
    ]);
    expect(table['Trackers']).toEqual([
      'System performance events: Performance figures, warnings and errors, to keep the service working well; in the browser and on the server; records nothing that identifies you',
      'Feature use events: Which functions are used, for statistics; on the server; records nothing that identifies you',
    ]);
    expect(table['Disclosure']).toEqual(['never given to anyone else; never sold']);
  });

  it('numbered: purposes for several items, processing, a stance bound to a law, compound retention, a cookie category, self-hosted analytics', async () => {
    const [first, second] = (await tree('numbered')).get('privacy')!;
    const table = rows(first!);
    expect(table['Operator']).toEqual(['Ferrule Systems SA, Belgium']);
    expect(table['Jurisdiction']).toEqual(['Belgium (Belgian law and the EU GDPR)']);
    expect(table['Purposes']![0]).toBe(
      'To run technical checks: for IP addresses, Message IDs, sender and recipient addresses, subjects, Browser versions, countries and times of connection',
    );
    expect(table['Processing']).toEqual([
      'Anti-spam, anti-virus and anti-abuse checks of incoming and outgoing messages: reads message content; automated',
      'A search index of your messages, calendar, contacts and documents: To make searching fast; no profiling',
    ]);
    expect(table['Disclosure']).toEqual([
      'given to others only when the law requires it (Belgian law); never sold; no co-operation with any surveillance programme',
    ]);
    expect(table['Retention']).toContain(
      "A closed account's data: 365 days after the account is closed (required by Belgian law), then 30 days (Many people ask to reopen an account they closed)",
    );
    expect(table['Cookies']).toEqual([
      'Authentication cookies: Keep you signed in during a session; they do not follow you afterwards, set by Ferrule Mail, session (first-party)',
    ]);
    expect(table['Trackers']).toEqual([
      'Matomo: To count visits to the commercial website; self-hosted; The home, registration and subscription pages only, never the mail application; in the browser',
    ]);
    expect(materialFactChanges(first!.facts, second!.facts)).toEqual([
      'new data item: The last four digits and expiry date of your card',
      'new third party: Tessera Pay',
      'new country data goes to: Netherlands, via Tessera Pay',
    ]);
  });

  it('supplement: event-bound retention, own infrastructure, recipients, and a third party run by another company', async () => {
    const [first, second] = (await tree('supplement')).get('mail')!;
    const table = rows(first!);
    expect(table['Retention']).toEqual([
      "Mail we relay to another provider's server: until the receiving server acknowledges it",
      'Mail collected with POP: no longer than needed after it is collected',
      'Mail kept with IMAP: until you delete it',
      "Mail server logs: as long as a legitimate interest exists (A retention schedule is being written; until then the general policy's rule for logs applies)",
    ]);
    expect(table['Where data is processed']).toEqual(['only on our own infrastructure']);
    expect(table['Other recipients']).toEqual([
      "The recipients of mail you send from the webmail: receive your browser's IP address, in an X-Originating-IP header when you send mail from the webmail (not when you read it)",
    ]);
    expect(diffFacts(first!.facts, second!.facts).map((c) => c.text)).toEqual([
      "New third party: Gravatar (Automattic Inc.) receives a SHA-256 hash of the sender's address when you read mail in the webmail (Pictures of senders in the webmail, third party, United States of America)",
      'New transfer abroad: United States of America (to Gravatar)',
    ]);
  });
});
