/** Signed webhooks to a local receiver that checks the HMAC: headers, body, retries, failures. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectEvents } from '../../src/core/notify/events.ts';
import { createWebhookChannel, signBody, webhookChannelName } from '../../src/io/channels/webhook.ts';
import { EVENT_FIXTURE, startReceiver, type Receiver } from '../helpers/notify.ts';

const SECRET = 'webhook-secret-that-must-never-leak';
const now = new Date('2026-11-23T12:00:00Z');
const event = collectEvents({ ...EVENT_FIXTURE, now }).find((e) => e.id === 'policy:privacy@2.1:published')!;
const fast = { timeoutMs: 2_000, retries: 3, backoffMs: 5 };
let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver(SECRET);
});
afterEach(async () => {
  await receiver.close();
});

describe('webhook channel', () => {
  it('POSTs the event and delivered_at, signed with HMAC-SHA256 over the exact body', async () => {
    const channel = createWebhookChannel({ url: receiver.url, secret: SECRET, secretEnv: 'HOOK_SECRET', ...fast });
    const result = await channel.send(event, { now });
    expect(receiver.deliveries).toHaveLength(1);
    const d = receiver.deliveries[0]!;
    expect(d.signatureOk).toBe(true);
    expect(d.signature).toBe(signBody(d.body, SECRET));
    expect(d.event).toBe('policy:privacy@2.1:published');
    expect(d.delivery).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(d.body)).toEqual({ ...event, delivered_at: '2026-11-23T12:00:00.000Z' });
    expect(result.ref).toBe(`HTTP 200; delivery ${d.delivery}`);
    expect(channel.name).toBe(webhookChannelName(receiver.url));
  });

  it('is refused by a receiver holding another secret', async () => {
    const channel = createWebhookChannel({ url: receiver.url, secret: 'wrong secret', secretEnv: 'HOOK_SECRET', ...fast });
    await expect(channel.send(event, { now })).rejects.toMatchObject({ code: 'DELIVERY_REJECTED' });
    expect(receiver.deliveries.map((d) => d.status)).toEqual([401]);
  });

  it('retries 503 and 429 with backoff, keeping one delivery id, until it is accepted', async () => {
    receiver.respond = (_d, n) => (n === 0 ? 503 : n === 1 ? 429 : 200);
    const channel = createWebhookChannel({ url: receiver.url, secret: SECRET, secretEnv: 'HOOK_SECRET', ...fast });
    await channel.send(event, { now });
    expect(receiver.deliveries.map((d) => d.status)).toEqual([503, 429, 200]);
    expect(new Set(receiver.deliveries.map((d) => d.delivery)).size).toBe(1);
  });

  it('gives up after its retries (DELIVERY_FAILED), and does not retry a 4xx (DELIVERY_REJECTED)', async () => {
    receiver.respond = () => 503;
    const channel = createWebhookChannel({ url: receiver.url, secret: SECRET, secretEnv: 'HOOK_SECRET', ...fast });
    await expect(channel.send(event, { now })).rejects.toMatchObject({ code: 'DELIVERY_FAILED' });
    expect(receiver.deliveries).toHaveLength(4);
    receiver.respond = () => 410;
    await expect(channel.send(event, { now })).rejects.toMatchObject({ code: 'DELIVERY_REJECTED' });
    expect(receiver.deliveries).toHaveLength(5);
  });

  it('fails on an unreachable receiver and a missing secret, never naming the secret', async () => {
    const down = createWebhookChannel({ url: 'http://127.0.0.1:1/hook', secret: SECRET, secretEnv: 'HOOK_SECRET', ...fast, retries: 1 });
    const error = await down.send(event, { now }).then(
      () => {
        throw new Error('delivered');
      },
      (e: unknown) => e as Error & { code: string },
    );
    expect(error.code).toBe('DELIVERY_FAILED');
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(SECRET);
    const unset = createWebhookChannel({ url: receiver.url, secret: undefined, secretEnv: 'HOOK_SECRET', ...fast });
    await expect(unset.send(event, { now })).rejects.toMatchObject({ code: 'SECRET_MISSING' });
    expect(receiver.deliveries).toHaveLength(0);
  });

  it('does not follow a redirect with the signed body', async () => {
    receiver.respond = () => 307;
    const channel = createWebhookChannel({ url: receiver.url, secret: SECRET, secretEnv: 'HOOK_SECRET', ...fast });
    await expect(channel.send(event, { now })).rejects.toMatchObject({ code: 'DELIVERY_REJECTED' });
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('keeps credentials in the URL out of the channel name', () => {
    expect(webhookChannelName('https://user:pass@hooks.example/x')).toBe('webhook:https://hooks.example/x');
  });
});
