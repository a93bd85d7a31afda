/**
 * candor notify: announce new policy versions (and upcoming ones), reports and
 * attestations on every channel configured in content/notify.yml, exactly once each.
 * Exit 0 when everything went out, 69 when a channel failed (the next run retries it).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { NotifyConfig } from '../../core/notify/model.ts';
import { buildChannels } from '../../io/notify/channels.ts';
import { NOTIFY_FILE, readNotifyConfig as readConfigFile } from '../../io/notify/config.ts';
import { runNotify, type NotifySummary } from '../../io/notify/run.ts';
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

export { NOTIFY_FILE };

export interface NotifyFlags {
  dryRun?: boolean;
  json?: boolean;
}

/** The configuration, or undefined when the repository has none (nothing to announce on). */
export function readNotifyConfig(ctx: Context): Promise<NotifyConfig | undefined> {
  return readConfigFile(ctx.project);
}

/** A run id that points back at the CI run when there is one; unique either way. */
export function runIdFrom(env: Context['env']): string {
  const github = env['GITHUB_RUN_ID'] ? `github-${env['GITHUB_RUN_ID']}.${env['GITHUB_RUN_ATTEMPT'] ?? '1'}-` : '';
  return `${github}${randomUUID()}`;
}

export function formatSummary(s: NotifySummary): string {
  const head = `${s.dryRun ? 'Dry run: ' : ''}${s.events} event(s) on ${s.channels.length} channel(s) (run ${s.run})`;
  const rows = s.channels.map((c) =>
    s.dryRun
      ? `  ${c.channel}: ${c.planned} to send, ${c.baseline} to baseline, ${c.alreadySent} already sent, ${c.inFlight} in flight elsewhere`
      : `  ${c.channel}: ${c.sent} sent, ${c.failed} failed, ${c.baseline} baselined, ${c.alreadySent} already sent, ${c.inFlight} in flight elsewhere`,
  );
  const failures = s.failures.map((f) => `  FAILED ${f.event} on ${f.channel}: ${f.error}`);
  return [head, ...rows, ...failures, ...(s.ok ? [] : ['The failed notices are retried by the next run.'])].join('\n');
}

export async function notify(flags: NotifyFlags, ctx: Context): Promise<number> {
  const config = await readNotifyConfig(ctx);
  if (!config) {
    ctx.io.out(flags.json ? JSON.stringify({ configured: false }) : `No ${NOTIFY_FILE}: no channel is configured, nothing to announce.`);
    return EXIT.ok;
  }
  const summary = await runNotify({
    project: ctx.project,
    channels: await buildChannels(ctx.project, config, ctx.env),
    config,
    now: ctx.now,
    runId: runIdFrom(ctx.env),
    dryRun: flags.dryRun ?? false,
  });
  ctx.io.out(flags.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
  return summary.ok ? EXIT.ok : EXIT.unavailable;
}

export function notifyCommand(program: Command, ctx: () => Context, done: (code: number) => void): void {
  program
    .command('notify')
    .description('announce new policy versions, reports and attestations on every configured channel, once each')
    .option('--dry-run', 'show what would be sent; send and record nothing')
    .option('--json', 'machine-readable summary')
    .action(async (flags: NotifyFlags) => {
      done(await notify(flags, ctx()));
    });
}
