/**
 * Golden watch notices: the texts a person reads when a watched canary changes, from the
 * pure transition over a scripted sequence of observations (a first check on first use,
 * a lapse, a removed statement with markup in it, a key change held, an outage, a fork of
 * the site's log, back to alive), through the same functions the alerts and the feed use:
 * the e-mail (subject, signed plain text, HTML), the webhook's JSON body, and the Atom feed.
 * The ids in these files are promises too: a changed id is an alert sent again.
 */
import { describe, expect, it } from 'vitest';
import { emailBodies, emailMessageId } from '../../src/core/notify/email-body.ts';
import { parseWatchConfig } from '../../src/core/watch/config.ts';
import { watchFeed } from '../../src/core/watch/outputs.ts';
import { transition, accept, type Observation, type SiteState, type WatchEvent } from '../../src/core/watch/transition.ts';
import { webhookBody } from '../../src/io/channels/webhook.ts';
import { noticeOf } from '../../src/io/watch/alerts.ts';

const A = 'B71E4FB9E9F78B713ECBE1D60685E3104EE941A7';
const B = '0C2F7A5E44D1B39E6A8F1D2C3B4A59687766F5E4';
const config = parseWatchConfig(
  [
    'sites:',
    '  - { name: lumen-mail, url: "https://lumen-mail.example/", kind: candor, tofu: true }',
    'page: { title: Canaries we watch, url: "https://watch.example.org/", tagDate: "2026" }',
  ].join('\n'),
  'watch.yml',
);

const STATEMENTS = ['WAR: We have received no search warrant.', 'GAG: We are under no gag order.'];
const checked = (at: string, o: Partial<Extract<Observation, { kind: 'checked' }>> = {}): Observation => ({
  kind: 'checked',
  at,
  verdict: 'alive',
  reasons: [],
  signers: [A],
  untrusted: [],
  statements: STATEMENTS,
  hash: 'sha256:1',
  issued: '2026-11-01T12:00:00Z',
  expires: '2026-12-31T12:00:00Z',
  expiresFrom: 'stated',
  ...o,
});

/** The scripted weeks, through the transition: every event it says. */
function script(): WatchEvent[] {
  const policy = { name: 'lumen-mail', tofu: true, unknownAfter: 2 };
  const steps: (Observation | 'accept')[] = [
    checked('2026-11-02T06:00:00Z', { signers: [], untrusted: [A] }),
    checked('2026-11-09T06:00:00Z', { verdict: 'stale', reasons: [{ code: 'HEARTBEAT_EXPIRED', message: 'the heartbeat expired 2026-11-08T13:00:00Z' }] }),
    checked('2026-11-16T06:00:00Z', {
      verdict: 'tripped',
      statements: [STATEMENTS[0]!, 'NEW: We publish <b>everything</b> & more'],
      reasons: [{ code: 'STATEMENT_REMOVED', message: 'the statement GAG was removed' }],
    }),
    'accept',
    checked('2026-11-23T06:00:00Z', { untrusted: [B] }),
    'accept',
    checked('2026-11-23T09:00:00Z', { signers: [A, B] }),
    { kind: 'unreachable', at: '2026-11-30T06:00:00Z', problem: 'HTTP 503' },
    { kind: 'unreachable', at: '2026-12-01T06:00:00Z', problem: 'HTTP 503' },
    checked('2026-12-02T06:00:00Z', {
      signers: [A, B],
      verdict: 'tripped',
      reasons: [{ code: 'LOG_FORK', message: "the log's checkpoint of size 9 does not extend the checkpoint of size 7 this watcher verified before" }],
    }),
    checked('2026-12-03T06:00:00Z', { signers: [A, B] }),
  ];
  let state: SiteState | undefined;
  const events: WatchEvent[] = [];
  for (const step of steps) {
    if (step === 'accept') {
      state = accept(state!, '2026-11-20T00:00:00Z');
      continue;
    }
    const next = transition(state, step, policy);
    state = next.state;
    events.push(...next.events);
  }
  return events;
}

const events = script();
const service = { name: config.page.title, url: config.page.url! };
const DELIVERED = new Date('2026-12-03T06:05:00Z');

describe('golden watch notices', () => {
  it('the scripted weeks give one event per change', () => {
    expect(events.map((e) => e.kind)).toEqual([
      'watching',
      'stale',
      'statement-changed',
      'tripped',
      'held',
      'key-changed',
      'statement-changed',
      'alive',
      'unknown',
      'tripped',
      'alive',
    ]);
  });

  it('e-mail: subject, Message-ID and the signed plain text of each', async () => {
    const text = events
      .map((e) => {
        const notice = noticeOf(e, config);
        const mail = emailBodies(notice, service);
        return [`Subject: ${mail.subject}`, `Message-ID: ${emailMessageId(notice.id, service.url)}`, '', mail.text].join('\n');
      })
      .join('\n----\n');
    await expect(text).toMatchFileSnapshot('./files/watch-notices-email.txt');
  });

  it('e-mail: the HTML part (markup a site writes stays text)', async () => {
    const notice = noticeOf(
      events.find((e) => e.kind === 'statement-changed')!,
      config,
    );
    const html = emailBodies(notice, service).html;
    expect(html).not.toContain('<b>everything</b>');
    await expect(html).toMatchFileSnapshot('./files/watch-notice-email.html');
  });

  it('webhook: the JSON body of each', async () => {
    const bodies = events.map((e) => JSON.stringify(JSON.parse(webhookBody(noticeOf(e, config), DELIVERED)), null, 2)).join('\n');
    await expect(`${bodies}\n`).toMatchFileSnapshot('./files/watch-notices-webhook.json.txt');
  });

  it('Atom: the feed of these events', async () => {
    await expect(watchFeed(config.page, events, DELIVERED)).toMatchFileSnapshot('./files/watch-feed.atom.xml');
  });
});
