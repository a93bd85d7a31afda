/** candor policy import, the pure parts: dates, HTML and text conversion, sameness, change guesses, planning, check's to-do warnings. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileNameDate, htmlDateHints, parseHumanDate, statedDate } from '../../src/core/policy/import/dates.ts';
import { htmlToMarkdown, pageUrl } from '../../src/core/policy/import/html.ts';
import { plainTextToMarkdown } from '../../src/core/policy/import/text.ts';
import { guessChange, normaliseText, sameText } from '../../src/core/policy/import/compare.ts';
import { importDocument, withoutImages } from '../../src/core/policy/import/document.ts';
import { planHistory, planSingle } from '../../src/core/policy/import/versions.ts';
import { parsePolicyVersion } from '../../src/core/policy/parse.ts';
import { checkPolicies } from '../../src/core/policy/rules.ts';
import { isCandorError } from '../../src/core/errors.ts';
import { markdown } from '../../src/core/markdown.ts';
import { policySet } from '../helpers/policy.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'import');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const snapshots = () => readdirSync(path.join(FIXTURES, 'snapshots')).map((n) => importDocument(n, fixture(`snapshots/${n}`)));

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return isCandorError(error) ? error.code : `not a CandorError: ${String(error)}`;
  }
  return 'no error';
}

describe('dates', () => {
  it('reads the ways policies write a day', () => {
    expect(parseHumanDate('2024-01-10')).toBe('2024-01-10');
    expect(parseHumanDate('January 10, 2024')).toBe('2024-01-10');
    expect(parseHumanDate('10th Jan. 2024')).toBe('2024-01-10');
    expect(parseHumanDate('Sept 3, 2023')).toBe('2023-09-03');
    expect(parseHumanDate('03/04/2023')).toBe('2023-04-03');
    expect(parseHumanDate('12/25/2023')).toBe('2023-12-25');
    expect(parseHumanDate('February 30, 2024')).toBeUndefined();
  });

  it('finds the date next to "effective" or "last updated", not any date', () => {
    expect(statedDate('Founded 2019-05-01. Last updated: March 3, 2024.')).toBe('2024-03-03');
    expect(statedDate('Effective as of 1 July 2023')).toBe('2023-07-01');
    expect(statedDate('We were founded on 2019-05-01.')).toBeUndefined();
  });

  it('reads <time datetime>, <meta> and file names (Wayback timestamps, ISO days)', () => {
    expect(htmlDateHints('<p>Last updated <time datetime="2024-02-14">14 Feb</time></p>')).toEqual({ markup: '2024-02-14' });
    expect(htmlDateHints('<meta property="article:modified_time" content="2023-11-02T10:00:00Z">').markup).toBe('2023-11-02');
    expect(fileNameDate('20240115093000.html')).toBe('2024-01-15');
    expect(fileNameDate('privacy-2023-06-30.md')).toBe('2023-06-30');
    expect(fileNameDate('privacy-v2.html')).toBeUndefined();
    expect(fileNameDate('20241399000000.html')).toBeUndefined();
  });
});

describe('HTML to Markdown', () => {
  const page = htmlToMarkdown(fixture('saved-page.html'));
  const html = markdown.render(page.markdown);

  it('keeps the policy and drops the site around it: nav, header, footer, cookie banner, archive toolbar, forms, newsletter box', () => {
    expect(page.title).toBe('Pebble Notes Privacy Policy');
    for (const gone of ['Wayback', 'captures', 'Accept all', 'We use cookies to make', 'Pricing', 'Imprint', 'Subscribe', 'Send', 'Message'])
      expect(page.markdown).not.toContain(gone);
    expect(page.markdown).toContain('## 1. Who we are');
    expect(page.markdown).toContain('### 2.1 When you sign up');
  });

  it('keeps numbered and nested lists, tables, links and strikethrough', () => {
    expect(page.markdown).toMatch(/^3\. Billing details, only on a paid plan:\n {3}- the card brand/m);
    expect(page.markdown).toContain('| Name | Purpose | Lifetime |');
    expect(page.markdown).toContain('| `pn_csrf` | Protects forms; Set on sign-in | Session |');
    expect(page.markdown).toContain('[privacy@pebble-notes.example](mailto:privacy@pebble-notes.example)');
    expect(page.markdown).toContain('~~We may share aggregate statistics.~~');
    expect(html).toMatch(/<ol>\s*<li>Your email address/);
    expect(html).toContain('<table>');
    expect(html).toContain('<s>We may share aggregate statistics.</s>');
  });

  it('resolves relative links against the page (an archive copy points at the original)', () => {
    expect(pageUrl(fixture('saved-page.html'))).toBe('https://pebble-notes.example/privacy');
    expect(page.markdown).toContain('[your account settings](https://pebble-notes.example/settings/account)');
  });

  it('carries no script, HTML or request to anyone else into the site: an image becomes its alt text, a pixel nothing', () => {
    expect(page.markdown).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(page.markdown).not.toMatch(/!\[|pixel\.gif|noscript\.gif|sync-diagram\.png|track\(|dataLayer/);
    expect(page.markdown).toContain('(Diagram: notes are encrypted on the phone, then synced)');
    expect(html).not.toMatch(/<(img|script|style|iframe|form)\b/);
    const hostile = htmlToMarkdown(
      '<main><h1>P</h1><p>Hi <img src=x onerror=alert(1)> <a href="javascript:alert(1)">click</a> &lt;script&gt;alert(2)&lt;/script&gt;</p><svg><script>alert(3)</script></svg></main>',
    );
    const out = markdown.render(hostile.markdown);
    expect(out).not.toMatch(/<(img|script|svg)\b|href="javascript/);
    expect(out).toContain('click');
  });

  it('takes the text without a <main> through Readability', () => {
    const r = htmlToMarkdown(fixture('snapshots/20230301120000.html'));
    expect(r.markdown).toContain('## 1. What we receive');
    expect(r.markdown).not.toMatch(/Wayback|Download\b.*Privacy|made by a team/);
  });
});

describe('plain text to Markdown', () => {
  const r = plainTextToMarkdown(fixture('plain-policy.txt'));
  it('makes numbered sections headings, joins wrapped lines, keeps lettered and bulleted items as lists', () => {
    expect(r.title).toBe('Quillpost Privacy Notice');
    expect(r.markdown).toContain('## 1. Information we hold');
    expect(r.markdown).toContain('### 1.1. Writers');
    expect(r.markdown).toContain('This notice says what we keep about writers');
    expect(r.markdown).toContain('- c) Nothing about whether you opened it: we add no tracking pixels to the messages we send.');
    expect(r.markdown).toContain('- Bounce records: 90 days.');
  });
  it('escapes what Markdown would read as syntax', () => {
    expect(markdown.render(plainTextToMarkdown('We keep *some* data <b>here</b> [x](javascript:1).\n').markdown)).toBe(
      '<p>We keep *some* data &lt;b&gt;here&lt;/b&gt; [x](javascript:1).</p>\n',
    );
  });
});

describe('sameness and change guesses', () => {
  it('whitespace and wrapping do not make a new version', () => {
    expect(sameText('A  line\nwrapped\n\n\n- item ', 'A line\nwrapped\n\n- item')).toBe(true);
    expect(normaliseText('a\u00a0b \u201cc\u201d')).toBe('a b "c"');
    expect(sameText('Kept 30 days.', 'Kept 7 days.')).toBe(false);
  });
  it('a few reworded words are editorial; a changed number or an added block is material', () => {
    const base = '## 1. Data\n\nWe keep logs so that we can find faults in the service and fix them quickly.\n';
    expect(guessChange(base, base.replace('so that we can', 'so we can')).change).toBe('editorial');
    expect(guessChange('Logs are kept 30 days.\n', 'Logs are kept 7 days.\n').change).toBe('material');
    expect(guessChange(base, `${base}\n## 2. New\n\nWe now share data with a partner.\n`).change).toBe('material');
  });
});

describe('planning version files', () => {
  it('one file: flags win, and without any date the error asks for --effective', () => {
    const doc = importDocument('policy.md', '# Title\n\nSome text.\n');
    expect(codeOf(() => planSingle(doc, { policy: 'privacy', existing: [] }))).toBe('IMPORT_DATE_MISSING');
    const v = planSingle(doc, { policy: 'privacy', existing: [], effective: '2024-05-01', published: '2024-04-01', version: '3', title: 'Ours' });
    expect(parsePolicyVersion(v.text, v.path)).toMatchObject({
      title: 'Ours',
      version: '3',
      effective: '2024-05-01',
      published: '2024-04-01',
      imported: { from: 'policy.md' },
    });
    expect(
      codeOf(() => planSingle(importDocument('empty.html', '<html><body><nav>x</nav></body></html>'), { policy: 'p', existing: [], effective: '2024-01-01' })),
    ).toBe('IMPORT_EMPTY');
  });

  it('a Markdown image becomes its alt text', () => {
    expect(withoutImages('See ![the flow](https://cdn.example/a.png) and ![](https://t.example/p.gif).')).toBe('See (the flow) and .');
  });

  it('a folder: sorted by date, identical snapshots collapsed, numbers in order, a reworded page with an old "last updated" dated by its snapshot', () => {
    const plan = planHistory(snapshots().reverse(), { policy: 'maps', existing: [] });
    expect(plan.map((v) => [v.version, v.effective, v.change, v.sources.length])).toEqual([
      ['1.0', '2023-03-01', 'material', 2],
      ['1.1', '2023-10-02', 'editorial', 1],
      ['2.0', '2024-02-01', 'material', 1],
    ]);
  });

  it('continues after the versions already there', () => {
    const existing = policySet({ maps: [{ version: '4.2', effective: '2022-01-01', body: 'Old text.\n' }] }).get('maps')!;
    const plan = planHistory(snapshots(), { policy: 'maps', existing });
    expect(plan.map((v) => v.version)).toEqual(['5.0', '5.1', '6.0']);
  });
});

describe('check after an import', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  it('warns for the summary and facts still to write, and keeps imported history, not new versions, out of the notice rule', () => {
    const plan = planHistory(snapshots(), { policy: 'maps', existing: [] });
    const versions = plan.map((v) => parsePolicyVersion(v.text, v.path));
    const problems = checkPolicies(new Map([['maps', versions]]), { now, noticePeriodDays: 30 });
    expect([...new Set(problems.map((p) => `${p.level}:${p.code}`))].sort()).toEqual([
      'note:IMPORTED_NOTICE',
      'warning:POLICY_FACTS_TODO',
      'warning:POLICY_SUMMARY_TODO',
    ]);
    expect(problems.filter((p) => p.code === 'POLICY_SUMMARY_TODO')).toHaveLength(3);
    const future = policySet({
      maps: [
        { version: '1.0', effective: '2026-01-01' },
        { version: '2.0', change: 'material', effective: '2026-12-01', published: '2026-11-23', imported: { from: 'x.html' }, facts: {} },
      ],
    });
    expect(checkPolicies(future, { now, noticePeriodDays: 30 }).map((p) => p.code)).toContain('NOTICE_TOO_SHORT');
  });
});

describe('plain text: a wrapped numbered sentence is a list item, not a heading', () => {
  it('keeps "1. We collect … and\\nmore" together', () => {
    const md = plainTextToMarkdown(
      'Title\n\n1. We collect the address you give us when you sign up for the\n   newsletter and nothing more\n2. We keep it until you leave\n',
    ).markdown;
    expect(md).toBe('1. We collect the address you give us when you sign up for the newsletter and nothing more\n2. We keep it until you leave\n');
  });
});
