/**
 * Alerts for watch events through the notifier's own channels and ledger (src/io/notify):
 * each event goes out exactly once per channel however often the watch reruns, a failed
 * delivery is retried by the next run, and two runs at once do not both send (its lock).
 * The ledger lives in the state folder (notifications/ledger.json), committed with it.
 *
 * Every event of the log is offered on each run; the ledger decides what is still to send.
 */
import path from 'node:path';
import type { Channel, NoticeEvent } from '../../core/notify/model.ts';
import type { WatchConfig } from '../../core/watch/config.ts';
import { OUT_FILES } from '../../core/watch/outputs.ts';
import type { WatchEvent } from '../../core/watch/transition.ts';
import { createEmailChannel } from '../channels/email.ts';
import { createWebhookChannel } from '../channels/webhook.ts';
import { runNotify, type NotifySummary } from '../notify/run.ts';
import { projectAt } from '../project.ts';

export function noticeOf(event: WatchEvent, config: WatchConfig): NoticeEvent {
  const site = config.sites.find((s) => s.name === event.site);
  const page = config.page.url ? new URL(`${OUT_FILES.html}#site-${event.site}`, config.page.url.replace(/\/?$/, '/')).toString() : null;
  return {
    kind: 'watch',
    id: `watch:${event.id}`,
    site: event.site,
    change: event.kind,
    at: event.at,
    message: event.message,
    links: { page, site: site?.url ?? '' },
  };
}

export async function sendAlerts(
  config: WatchConfig,
  log: WatchEvent[],
  stateDir: string,
  env: Record<string, string | undefined>,
  now: Date,
  runId: string,
): Promise<NotifySummary | undefined> {
  const webhooks = config.alerts?.webhooks ?? [];
  const email = config.alerts?.email;
  if (webhooks.length === 0 && !email) return undefined;
  const channels: Channel[] = webhooks.map((w) => createWebhookChannel({ url: w.url, secret: env[w.secretEnv], secretEnv: w.secretEnv }));
  // The notifier's e-mail channel: each message signed with $CANDOR_SIGNING_KEY, here the watcher's own key.
  if (email) channels.push(createEmailChannel({ config: email, service: { name: config.page.title, url: config.page.url ?? 'http://localhost/' }, env }));
  // The notifier keeps its ledger under a project's content/: here, the state folder.
  const project = { ...projectAt(stateDir), content: path.resolve(stateDir) };
  return runNotify({
    project,
    channels,
    // Only today's events on a new channel: adding a webhook does not replay the past.
    config: { announceEffective: false, baselineDays: 0 },
    now,
    runId,
    events: log.map((e) => noticeOf(e, config)),
  });
}
