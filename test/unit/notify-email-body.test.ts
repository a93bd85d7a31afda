/**
 * The email form of a notice: subject, canonical text (what is signed), HTML that
 * loads nothing, deterministic Message-ID. Pure functions; delivery is tested in
 * test/integration/notify-email.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCanonicalProblems, isCanonical } from '../../src/core/canonical.ts';
import { canonicalize, emailBodies, emailMessageId, renderEmailHtml, withService } from '../../src/core/notify/email-body.ts';
import type { NoticeEvent } from '../../src/core/notify/model.ts';

const SERVICE = { name: 'Lumen Mail', url: 'https://lumen-mail.example' };
const SITE = 'https://lumen-mail.example';

type PolicyEvent = Extract<NoticeEvent, { kind: 'policy-version' }>;

function policy(overrides: Partial<PolicyEvent> = {}): PolicyEvent {
  return {
    kind: 'policy-version',
    id: 'policy:privacy@3.0:published',
    phase: 'published',
    policy: 'privacy',
    title: 'Privacy policy',
    version: '3.0',
    previous: '2.1',
    change: 'material',
    published: '2026-11-01',
    effective: '2027-01-15',
    summary: 'Deleted-mail backups are kept 30 days instead of 45.',
    facts: [
      {
        kind: 'changed',
        area: 'retention',
        subject: 'deleted-mail backups',
        before: '45 days',
        after: '30 days',
        text: 'Retention of deleted-mail backups: 45 days → 30 days',
      },
    ],
    links: { version: `${SITE}/policies/privacy/3.0/`, diff: `${SITE}/policies/privacy/diff/2.1/3.0/`, changelog: `${SITE}/changelog/` },
    ...overrides,
  };
}

const report: NoticeEvent = {
  kind: 'report',
  id: 'report:2026-h1:published',
  report: '2026-h1',
  title: 'Transparency report: January to June 2026',
  period: { start: '2026-01-01', end: '2026-06-30' },
  published: '2026-07-15',
  links: { report: `${SITE}/transparency/2026-h1/`, json: `${SITE}/transparency/2026-h1.json`, csv: `${SITE}/transparency/2026-h1.csv` },
};

const attestation = (signal: 'none' | 'duress' | 'final', message: string | null = null): NoticeEvent => ({
  kind: 'attestation',
  id: `attestation:7:${signal}`,
  sequence: 7,
  issued: '2026-11-01T12:00:00Z',
  expires: '2026-12-31T12:00:00Z',
  signal,
  message,
  links: { canary: `${SITE}/canary/`, verify: `${SITE}/canary/verify/` },
});

/** Content an attacker (or a careless editor) could put in YAML. */
const HOSTILE = [
  '<script>alert(1)</script> <img src="https://tracker.example/p.gif"> <style>body{background:url(https://t.example/x)}</style>',
  '![pixel](https://tracker.example/p.gif) [click](javascript:alert(1)) <https://auto.example/>',
  '- a line that a cleartext signature would dash-escape',
  'tab\there, CR\r\nthere, bell\u0007, trailing   ',
  'decomposed e\u0301, lone \uD800 surrogate, replacement \uFFFD',
  '# heading\n\n    code block\n* list\n1. ordered',
].join('\n');

const ALL: NoticeEvent[] = [
  policy(),
  policy({ phase: 'effective', id: 'policy:privacy@3.0:effective' }),
  policy({ previous: null, facts: [], links: { ...policy().links, diff: null } }),
  policy({ change: 'editorial', title: 'Privacy Policy' }),
  report,
  attestation('none'),
  attestation('duress', 'We cannot say more.'),
  attestation('final', 'Goodbye.'),
];

describe('email subject', () => {
  it('names the service, the policy, the version, the change and the effective date', () => {
    expect(emailBodies(policy(), SERVICE).subject).toBe('Lumen Mail privacy policy 3.0: material change, effective 2027-01-15');
  });

  it('keeps Title Case, acronyms and titles that already name the service', () => {
    expect(withService('Lumen Mail', 'Privacy Policy 3.0: minor change', 'Privacy Policy')).toBe('Lumen Mail Privacy Policy 3.0: minor change');
    expect(withService('Lumen Mail', 'GDPR notice 1.0: minor change', 'GDPR notice')).toBe('Lumen Mail GDPR notice 1.0: minor change');
    expect(withService('Lumen Mail', 'Lumen Mail terms 2.0', 'Lumen Mail terms')).toBe('Lumen Mail terms 2.0');
    expect(emailBodies(report, SERVICE).subject).toMatch(/^Lumen Mail transparency report: January to June 2026/);
  });

  it('is one line whatever the title holds (no header injection)', () => {
    const subject = emailBodies(policy({ title: 'Privacy policy\r\nBcc: victim@example.org' }), SERVICE).subject;
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain('privacy policy Bcc: victim@example.org');
  });

  it('a duress or final signal is in the subject, not only in the body', () => {
    expect(emailBodies(attestation('duress'), SERVICE).subject).toMatch(/^Lumen Mail warrant canary .*DURESS/);
    expect(emailBodies(attestation('final'), SERVICE).subject).toMatch(/FINAL/);
  });
});

describe('email text (the signed part)', () => {
  it.each(ALL.map((e) => [e.id, e] as const))('%s is canonical', (_id, event) => {
    expect(findCanonicalProblems(emailBodies(event, SERVICE).text)).toEqual([]);
  });

  it('stays canonical with hostile content everywhere, and keeps what a reader should see', () => {
    const events: NoticeEvent[] = [
      policy({ title: `Privacy\tpolicy`, summary: HOSTILE, facts: [{ kind: 'added', area: 'tracker', subject: 'x', after: 'y', text: HOSTILE }] }),
      attestation('duress', HOSTILE),
    ];
    for (const event of events) {
      const { text } = emailBodies(event, SERVICE);
      expect(findCanonicalProblems(text)).toEqual([]);
      expect(text).toContain('<script>alert(1)</script>');
      expect(text).toContain('a line that a cleartext signature would dash-escape');
      expect(text).toContain('decomposed \u00e9');
    }
  });

  it('carries the summary, the facts, the dates and every link', () => {
    const { text } = emailBodies(policy(), SERVICE);
    for (const part of [
      'Deleted-mail backups are kept 30 days instead of 45.',
      'Retention of deleted-mail backups: 45 days → 30 days',
      '2027-01-15',
      ...Object.values(policy().links),
    ]) {
      expect(text).toContain(part);
    }
  });

  it('canonicalize makes any string canonical, is idempotent, and leaves canonical text alone', () => {
    const unit = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      fc.constantFrom('\n', '\r', '\t', ' ', '-', '\uFFFD', '\uD800', 'e\u0301'),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 80 }), (s) => {
        const once = canonicalize(s);
        expect(isCanonical(once)).toBe(true);
        expect(canonicalize(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
    const canonical = 'Line one\n  * item → ok\n\nLast line\n';
    expect(canonicalize(canonical)).toBe(canonical);
  });
});

/** Every tag and attribute in the HTML part; anything outside these lists could load or run something. */
const TAGS = new Set([
  '!doctype',
  'html',
  'head',
  'meta',
  'title',
  'body',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'ul',
  'ol',
  'li',
  'a',
  'strong',
  'em',
  'code',
  'pre',
  'blockquote',
  'br',
  'hr',
]);
const ATTRIBUTES = new Set(['lang', 'charset', 'name', 'content', 'href', 'start']);

function tagsAndAttributes(html: string): { tags: string[]; attributes: string[] } {
  const tags = [...html.matchAll(/<\/?([!a-z0-9]+)([^>]*)>/gi)];
  return {
    tags: tags.map((t) => t[1]!.toLowerCase()),
    attributes: tags.flatMap((t) => [...t[2]!.matchAll(/\s([a-z-]+)=/gi)].map((a) => a[1]!.toLowerCase())),
  };
}

describe('email HTML', () => {
  it.each([...ALL, policy({ summary: HOSTILE, title: HOSTILE }), attestation('duress', HOSTILE)].map((e, i) => [i, e] as const))(
    '#%s uses only inert tags and attributes; links are http(s)',
    (_i, event) => {
      const { html } = emailBodies(event, SERVICE);
      const { tags, attributes } = tagsAndAttributes(html);
      expect(tags.filter((t) => !TAGS.has(t))).toEqual([]);
      expect(attributes.filter((a) => !ATTRIBUTES.has(a))).toEqual([]);
      for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^https:\/\/lumen-mail\.example\//);
    },
  );

  it('escapes <script> from a summary and shows Markdown from content literally', () => {
    const { html } = emailBodies(policy({ summary: HOSTILE }), SERVICE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('![pixel](https://tracker.example/p.gif)');
    expect(html).not.toMatch(/<script|<img|<style|href="javascript/i);
  });

  it('drops images even from Markdown that has one, and refuses javascript: links', () => {
    const html = renderEmailHtml('![a pixel](https://tracker.example/p.gif) and [x](javascript:alert(1))\n', 'T');
    expect(html).not.toMatch(/<img|src=|href="javascript/i);
    expect(html).toContain('a pixel');
  });

  it('says that the text part is the signed one', () => {
    expect(emailBodies(report, SERVICE).html).toMatch(/plain-text part of this email is OpenPGP-signed by Lumen Mail/);
  });
});

describe('Message-ID', () => {
  it('is derived from the event id and the site host, the same every time', () => {
    expect(emailMessageId('policy:privacy@3.0:published', SITE)).toBe('<policy.privacy.3.0.published@lumen-mail.example>');
    expect(emailMessageId('policy:privacy@3.0:published', 'https://user.github.io/candor/')).toBe('<policy.privacy.3.0.published@user.github.io>');
    expect(emailMessageId('attestation:7', SITE)).toBe(emailMessageId('attestation:7', SITE));
  });

  it('only ever holds dot-atom characters, whatever the id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (id) => {
        expect(emailMessageId(id, SITE)).toMatch(/^<[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*@lumen-mail\.example>$/);
      }),
      { numRuns: 500 },
    );
  });
});
