/** The watchdog's e-mail to the operators, pure: when one is due, the marker that remembers it, and its words. */
import { describe, expect, it } from 'vitest';
import { findCanonicalProblems } from '../../src/core/canonical.ts';
import { mailedMarker, parseMailedMarker, problemKeys, renderWatchdogMail, watchdogMailDue, withMailedMarker } from '../../src/core/watchdog-mail.ts';
import type { WatchdogProblem } from '../../src/core/watchdog.ts';

const soon: WatchdogProblem = {
  code: 'ATTESTATION_EXPIRES_SOON',
  subject: 'attestation:12',
  message: 'Attestation 12 expires at 2027-02-01T00:00:00Z, in 9 days: sign the next one.',
};
const soonLater: WatchdogProblem = { ...soon, message: 'Attestation 12 expires at 2027-02-01T00:00:00Z, in 8 days: sign the next one.' };
const key: WatchdogProblem = {
  code: 'KEY_EXPIRES_SOON',
  subject: `key:${'AB'.repeat(20)}`,
  message: `Key ${'AB'.repeat(20)} (Ops <ops@privacy.example>) expires in 5 days.\n- <script>alert(1)</script>`,
};
const publish: WatchdogProblem = { code: 'PUBLISH_OVERDUE', subject: 'publish', message: 'The publish job last succeeded 3 days ago.' };
const SERVICE = { name: 'Lumen Mail', url: 'https://lumen-mail.example' };
const ctx = { service: SERVICE, repository: 'lumen/site', issueUrl: 'https://github.com/lumen/site/issues/7', signed: true };

describe('watchdogMailDue', () => {
  it('mails when problems appear after all clear (or before anything was mailed)', () => {
    expect(watchdogMailDue([soon], [])).toEqual({
      kind: 'problems',
      keys: ['ATTESTATION_EXPIRES_SOON:attestation:12'],
      first: true,
      added: ['ATTESTATION_EXPIRES_SOON:attestation:12'],
      removed: [],
    });
    // An issue from before e-mail was configured: the operators were never told.
    expect(watchdogMailDue([soon], null)).toMatchObject({ kind: 'problems', first: true });
  });

  it('does not mail the same problems again, even when their messages moved on', () => {
    expect(watchdogMailDue([soonLater], problemKeys([soon]))).toBeNull();
    expect(watchdogMailDue([key, soon, soon], problemKeys([soon, key]))).toBeNull();
  });

  it('mails a change, saying what came and what went', () => {
    expect(watchdogMailDue([soon, key], problemKeys([soon]))).toMatchObject({ kind: 'problems', first: false, added: problemKeys([key]), removed: [] });
    expect(watchdogMailDue([key, publish], problemKeys([soon, key]))).toMatchObject({
      kind: 'problems',
      first: false,
      added: problemKeys([publish]),
      removed: problemKeys([soon]),
    });
    // Same subject, worse state: a change.
    expect(watchdogMailDue([{ ...soon, code: 'ATTESTATION_EXPIRED' }], problemKeys([soon]))).toMatchObject({
      kind: 'problems',
      added: ['ATTESTATION_EXPIRED:attestation:12'],
      removed: ['ATTESTATION_EXPIRES_SOON:attestation:12'],
    });
  });

  it('mails "resolved" once: only when problems had been mailed', () => {
    expect(watchdogMailDue([], problemKeys([soon, key]))).toEqual({ kind: 'resolved', keys: [], removed: problemKeys([soon, key]) });
    expect(watchdogMailDue([], [])).toBeNull();
    expect(watchdogMailDue([], null)).toBeNull();
  });
});

describe('the mailed marker', () => {
  const body = '<!-- candor:watchdog -->\nThe canary watchdog found a problem:\n\n- **X**: y\n';

  it('round-trips any key, and cannot be ended early by a subject', () => {
    const odd = ['KEY_EXPIRED:key:AB CD', 'X:--> <!-- candor:watchdog-mailed: -->', 'Y:é'];
    const marked = withMailedMarker(body, odd);
    expect(marked.split('\n')[0]).toBe('<!-- candor:watchdog -->');
    expect(marked.split('\n')[1]).toBe(mailedMarker(odd));
    expect(marked.match(/-->/g)).toHaveLength(2);
    expect(parseMailedMarker(marked)).toEqual([...odd].sort());
  });

  it('tells "all clear" ([]) from "no marker" (null), replaces a marker and removes it', () => {
    expect(parseMailedMarker(withMailedMarker(body, []))).toEqual([]);
    expect(mailedMarker([])).toBe('<!-- candor:watchdog-mailed: -->');
    expect(parseMailedMarker(body)).toBeNull();
    expect(parseMailedMarker(null)).toBeNull();
    const twice = withMailedMarker(withMailedMarker(body, ['A:a']), ['B:b']);
    expect(parseMailedMarker(twice)).toEqual(['B:b']);
    expect(twice.match(/watchdog-mailed/g)).toHaveLength(1);
    expect(withMailedMarker(twice, null)).toBe(body);
  });
});

describe('renderWatchdogMail', () => {
  it('lists the current problems, with a canonical text part to sign and HTML that loads nothing', () => {
    const mail = renderWatchdogMail(watchdogMailDue([soon, key], [])!, [soon, key], ctx);
    expect(mail.subject).toBe('Lumen Mail canary watchdog: 2 problems need action');
    expect(findCanonicalProblems(mail.text)).toEqual([]);
    expect(mail.text).toContain('* ATTESTATION_EXPIRES_SOON: Attestation 12 expires');
    expect(mail.text).toContain(`* KEY_EXPIRES_SOON: Key ${'AB'.repeat(20)} (Ops <ops@privacy.example>) expires in 5 days. - <script>`);
    expect(mail.text).toContain(ctx.issueUrl);
    expect(mail.text).not.toContain('New since');
    expect(mail.html).not.toMatch(/<script|<img|<link|<style|\bsrc=/i);
    expect(mail.html).toContain('&lt;ops@privacy.example&gt;');
    expect([...mail.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([ctx.issueUrl]);
    expect(mail.html).toContain('OpenPGP-signed');
    expect(renderWatchdogMail(watchdogMailDue([soon], [])!, [soon], { ...ctx, signed: false }).html).not.toContain('OpenPGP-signed');
  });

  it('says what changed, and words a resolution', () => {
    const changed = renderWatchdogMail(watchdogMailDue([key, publish], problemKeys([soon, key]))!, [key, publish], ctx);
    expect(changed.subject).toBe('Lumen Mail canary watchdog: problems changed, 2 problems to act on');
    expect(changed.text).toContain('New since the last e-mail:\n\n* PUBLISH_OVERDUE (publish)');
    expect(changed.text).toContain('No longer a problem:\n\n* ATTESTATION_EXPIRES_SOON (attestation:12)');

    const resolved = renderWatchdogMail(watchdogMailDue([], problemKeys([soon]))!, [], ctx);
    expect(resolved.subject).toBe('Lumen Mail canary watchdog: resolved');
    expect(resolved.text).toContain('finds nothing to act on any more');
    expect(resolved.text).toContain('* ATTESTATION_EXPIRES_SOON (attestation:12)');
    expect(resolved.text).toContain(`The watchdog issue is closed: ${ctx.issueUrl}`);
  });
});
