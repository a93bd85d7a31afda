/**
 * Webhooks: the event as JSON, signed like GitHub signs its webhooks, so that a
 * receiver can check the body came from us:
 *
 *   X-Candor-Event: policy:privacy@3.0:published   (the idempotency key: dedupe on it)
 *   X-Candor-Delivery: <uuid>                       (one per delivery, kept across its retries)
 *   X-Candor-Signature-256: sha256=<hex HMAC-SHA256 of the exact body bytes>
 *
 * Network errors, timeouts, 5xx and 429 are retried with exponential backoff; any
 * other answer that is not 2xx is final. Redirects are not followed: the signed body
 * goes only to the configured address. The secret never appears in a message.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotifyError } from '../../core/errors.ts';
import type { Channel, NoticeEvent } from '../../core/notify/model.ts';
import { redactUrl } from '../http.ts';

export interface WebhookOptions {
  url: string;
  /** The HMAC secret; undefined when its environment variable is not set. */
  secret: string | undefined;
  /** The variable's name, for the message when the secret is missing. */
  secretEnv: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Extra attempts after the first. */
  retries?: number;
  /** Wait before retry n (1-based) is backoffMs * 2^(n-1). */
  backoffMs?: number;
  fetchImpl?: typeof fetch;
}

export const WEBHOOK_DEFAULTS = { timeoutMs: 10_000, retries: 3, backoffMs: 1_000 };

/** Ledger name; credentials in the URL stay out of the (public) ledger. */
export const webhookChannelName = (url: string): string => `webhook:${redactUrl(url)}`;

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function webhookBody(event: NoticeEvent, now: Date): string {
  return JSON.stringify({ ...event, delivered_at: now.toISOString() });
}

const retryable = (status: number): boolean => status >= 500 || status === 429;

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? error.message;
}

/** Sends the request; a status to retry or a network failure comes back as a reason string. */
async function attempt(url: string, init: RequestInit, opts: Required<Pick<WebhookOptions, 'timeoutMs'>> & WebhookOptions): Promise<number | string> {
  try {
    const response = await (opts.fetchImpl ?? fetch)(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    return retryable(response.status) ? `HTTP ${response.status}` : response.status;
  } catch (error) {
    return networkReason(error);
  }
}

async function post(init: RequestInit, opts: WebhookOptions): Promise<number> {
  const o = { ...WEBHOOK_DEFAULTS, ...opts };
  let last = '';
  for (let n = 0; n <= o.retries; n++) {
    if (n > 0) await sleep(o.backoffMs * 2 ** (n - 1));
    const result = await attempt(o.url, init, o);
    if (typeof result === 'string') last = result;
    else if (result >= 200 && result < 300) return result;
    else
      throw new NotifyError('DELIVERY_REJECTED', `the webhook answered HTTP ${result}`, {
        file: redactUrl(o.url),
        expected: 'a 2xx answer',
        received: `HTTP ${result}`,
        hint: 'Check the receiver: it refused the notice (not retried within this run).',
      });
  }
  throw new NotifyError('DELIVERY_FAILED', `no answer after ${o.retries + 1} attempt(s)`, {
    file: redactUrl(o.url),
    expected: 'a 2xx answer',
    received: last,
    hint: 'The receiver is down or overloaded; the next run retries.',
  });
}

export function createWebhookChannel(opts: WebhookOptions): Channel {
  return {
    name: webhookChannelName(opts.url),
    async send(event, clock) {
      if (!opts.secret) {
        throw new NotifyError('SECRET_MISSING', 'the webhook secret is not set', {
          field: opts.secretEnv,
          expected: `the environment variable ${opts.secretEnv}`,
          received: 'nothing',
          hint: 'Set it from a repository secret in the publish job.',
        });
      }
      const body = webhookBody(event, clock.now);
      const delivery = randomUUID();
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Candor-Notifier',
        'x-candor-event': event.id,
        'x-candor-delivery': delivery,
        'x-candor-signature-256': signBody(body, opts.secret),
      };
      const status = await post({ method: 'POST', headers, body }, opts);
      return { ref: `HTTP ${status}; delivery ${delivery}` };
    },
  };
}
