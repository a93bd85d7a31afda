/**
 * What `candor notify` announces, and the ledger that makes each announcement happen
 * exactly once per channel however often the publish job reruns.
 */
import { z } from 'zod';
import type { FactChange } from '../policy/facts-diff.ts';

/** One thing worth telling readers about. `id` is stable forever: it keys the ledger. */
export type NoticeEvent =
  | {
      kind: 'policy-version';
      /** e.g. policy:privacy@3.0:published or policy:privacy@3.0:effective */
      id: string;
      phase: 'published' | 'effective';
      policy: string;
      title: string;
      version: string;
      previous: string | null;
      change: 'material' | 'minor' | 'editorial';
      summary: string;
      published: string;
      effective: string;
      facts: FactChange[];
      /** Absolute URLs on the published site. */
      links: { version: string; diff: string | null; changelog: string };
    }
  | {
      kind: 'report';
      id: string;
      report: string;
      title: string;
      period: { start: string; end: string };
      published: string;
      links: { report: string; json: string; csv: string };
    }
  | {
      kind: 'attestation';
      id: string;
      sequence: number;
      issued: string;
      expires: string;
      signal: 'none' | 'duress' | 'final';
      message: string | null;
      links: { canary: string; verify: string };
    }
  | {
      /** A change `candor watch` saw in a watched canary (docs/watch.md#alerts). */
      kind: 'watch';
      /** The watch event's own id, site/instant/kind: one transition, one notice. */
      id: string;
      site: string;
      change: string;
      at: string;
      message: string;
      links: { page: string | null; site: string };
    };

/** A channel delivers one event; it must be safe to call again for an event it already delivered if it can tell (idempotency key = event.id). */
export interface Channel {
  /** Stable name used in the ledger, e.g. email, webhook:https://…, github-issue. */
  name: string;
  send(event: NoticeEvent, clock: { now: Date }): Promise<{ ref?: string }>;
  /**
   * Whether the channel announces this kind of event at all (e.g. releases: reports and
   * attestations only). Pairs it does not handle are neither sent nor recorded. Default: all.
   */
  handles?(event: NoticeEvent): boolean;
}

export const ledgerEntry = z.strictObject({
  event: z.string(),
  channel: z.string(),
  /**
   * `sending` is a claim: a run (`run`) took the pair at `at` and is delivering it.
   * Other runs leave a fresh claim alone; a claim older than the claim timeout belongs
   * to a run that crashed, and is retried (src/io/notify/ledger.ts explains why).
   */
  status: z.enum(['sent', 'failed', 'sending']),
  at: z.string(),
  /** The run that made the last attempt (a claim's owner). */
  run: z.string().optional(),
  /** What the channel returned: a Message-ID, an issue URL, an HTTP status… */
  ref: z.string().optional(),
  error: z.string().optional(),
  /** Deliveries tried; 0 for a baseline entry (recorded as sent without sending). */
  attempts: z.int().min(0),
});
export type LedgerEntry = z.infer<typeof ledgerEntry>;

/** content/notifications/ledger.json, committed by the publish job with the heartbeat. */
export const ledger = z.strictObject({
  version: z.literal(1),
  /**
   * Every channel the notifier has planned for. A channel missing here is new: its old
   * events are baselined like on the first run (src/core/notify/plan.ts).
   */
  channels: z.array(z.string()).optional(),
  entries: z.array(ledgerEntry),
});
export type Ledger = z.infer<typeof ledger>;

export const notifyConfig = z
  .strictObject({
    /** Announce a material change again on its effective date. */
    announceEffective: z.boolean().default(true),
    /** Ignore events older than this many days when the ledger is first created (no flood of old news). */
    baselineDays: z.int().min(0).default(0),
    email: z
      .strictObject({
        host: z.string().min(1),
        port: z.int().min(1).max(65535).default(587),
        /** 'starttls' (default; refuses plain text), 'tls' (port 465) or 'none' (tests and local relays only). */
        security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
        from: z.string().min(3),
        to: z.array(z.string().min(3)).min(1),
        /** Environment variables holding SMTP credentials (never the values). */
        userEnv: z.string().optional(),
        passwordEnv: z.string().optional(),
      })
      .optional(),
    webhooks: z
      .array(
        z.strictObject({
          url: z.url({ protocol: /^https?$/ }),
          /** Environment variable holding the HMAC-SHA256 secret. */
          secretEnv: z.string().min(1),
        }),
      )
      .default([]),
    github: z
      .strictObject({
        /** owner/name */
        repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
        issues: z.boolean().default(true),
        releases: z.boolean().default(false),
        /** Labels added to notification issues. */
        labels: z.array(z.string()).default(['policy-change']),
      })
      .optional(),
    /**
     * The people who run the canary. The watchdog (scripts/watchdog.ts) e-mails them,
     * through the `email` SMTP settings, when its problems appear or change and once more
     * when they are resolved. Optional: without it, the watchdog issue is the only alarm.
     */
    operators: z
      .strictObject({
        to: z.array(z.string().min(3)).min(1),
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.operators && !c.email) {
      ctx.addIssue({
        code: 'custom',
        path: ['operators'],
        message: 'operators are e-mailed through the email settings: add email (host, from, to…) too',
        params: { summary: 'given without email settings', specific: true },
      });
    }
  });
export type NotifyConfig = z.infer<typeof notifyConfig>;
