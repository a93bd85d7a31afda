/** Notice text (golden files), its canonical form, and Markdown/HTML that content cannot inject into. */
import { describe, expect, it } from 'vitest';
import { collectEvents } from '../../src/core/notify/events.ts';
import type { NoticeEvent } from '../../src/core/notify/model.ts';
import { noticeTitle, renderNoticeHtml, renderNoticeMarkdown, renderNoticeText } from '../../src/core/notify/render.ts';
import { EVENT_FIXTURE, attestationData } from '../helpers/notify.ts';

const events = collectEvents({
  ...EVENT_FIXTURE,
  attestations: [
    ...EVENT_FIXTURE.attestations,
    attestationData(3, '2026-11-02T00:00:00Z', '2026-12-01T00:00:00Z', { kind: 'duress', message: 'We can no longer say more.' }),
  ],
  now: new Date('2027-01-15T08:00:00Z'),
});
const byId = (id: string): NoticeEvent => events.find((e) => e.id === id)!;

const GOLDEN: Record<string, string> = {
  'notice-policy-upcoming.txt': 'policy:privacy@2.1:published',
  'notice-policy-effective.txt': 'policy:privacy@2.1:effective',
  'notice-policy-first.txt': 'policy:privacy@1.0:published',
  'notice-report.txt': 'report:2025-h1',
  'notice-attestation.txt': 'attestation:2',
  'notice-attestation-duress.txt': 'attestation:3',
};

const hostile: NoticeEvent = {
  ...(byId('policy:privacy@2.1:published') as Extract<NoticeEvent, { kind: 'policy-version' }>),
  title: 'Policy <b>x</b>',
  summary:
    'Line one   \r\n<script>alert(1)</script> [click](javascript:alert(1)) **bold** <img src=x onerror=alert(1)>\n    indented code?\n# heading\n\u202Eevil\u0007\n- dash',
  facts: [{ kind: 'added', area: 'tracker', subject: 'x', after: 'y', text: 'New tracker: [x](https://evil.example) <i>y</i>' }],
};

describe('renderNoticeText', () => {
  for (const [file, id] of Object.entries(GOLDEN)) {
    it(`renders ${id} like ${file}`, async () => {
      await expect(renderNoticeText(byId(id))).toMatchFileSnapshot(`../golden/files/${file}`);
    });
  }

  it('is canonical: LF only, no trailing space, no control or bidi characters, one final LF, no line starting with "-"', () => {
    for (const e of [...events, hostile]) {
      const text = renderNoticeText(e);
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\r\t\u0000-\u0008\u000B-\u001F\u202E]/);
      expect(text).not.toMatch(/ +\n/);
      expect(text.endsWith('\n') && !text.endsWith('\n\n')).toBe(true);
      expect(text.split('\n').filter((l) => l.startsWith('-') && e !== hostile)).toEqual([]);
    }
  });

  it('puts the title, effective date, facts diff and links in the text', () => {
    const text = renderNoticeText(byId('policy:privacy@2.1:published'));
    expect(text.split('\n')[0]).toBe(noticeTitle(byId('policy:privacy@2.1:published')));
    expect(text).toContain('Effective: 2027-01-15');
    expect(text).toContain('* Jurisdiction: not stated → Belgium (EU GDPR)');
    expect(text).toContain('https://lumen-mail.example/policies/privacy/compare/2.0...2.1/');
  });
});

describe('renderNoticeMarkdown / renderNoticeHtml', () => {
  it('renders content as literal text: no HTML, no links, no emphasis or headings from content', () => {
    const html = renderNoticeHtml(hostile);
    expect(html).not.toMatch(/<(script|img|b|i|em|h1|pre|code)\b/);
    // The only emphasis is the template's own field labels and facts heading.
    expect(html.match(/<strong>/g)).toHaveLength(5);
    expect(html).not.toContain('href="javascript');
    expect(html).not.toContain('href="https://evil.example');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('**bold**');
  });

  it('links only to the site, with the labels as text', () => {
    const html = renderNoticeHtml(byId('policy:privacy@2.1:published'));
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      'https://lumen-mail.example/policies/privacy/2.1/',
      'https://lumen-mail.example/policies/privacy/compare/2.0...2.1/',
      'https://lumen-mail.example/policies/changelog/',
    ]);
    expect(html).toContain('<h2>Privacy Policy 2.1: material change, effective 2027-01-15</h2>');
  });

  it('can leave the heading out (an issue has its own title)', () => {
    expect(renderNoticeMarkdown(byId('report:2025-h1'), { heading: false })).not.toMatch(/^##/m);
  });
});
