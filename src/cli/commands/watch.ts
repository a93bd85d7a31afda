/**
 * candor watch: check many canaries and say what changed (docs/watch.md). Exit codes are
 * the most severe status of any site: 0 all alive, 1 tripped, 2 stale, 3 invalid, 4 a key
 * change held, 5 unknown (README "Verdicts and exit codes"); 64/65 for a wrong command or file,
 * 75 when another run holds the state folder (STATE_LOCKED, src/io/watch/lock.ts).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { parseWatchConfig, WATCH_DOCS, type WatchConfig } from '../../core/watch/config.ts';
import { WATCH_EXIT, worstStatus, type Status, type WatchEvent } from '../../core/watch/transition.ts';
import { readText } from '../../io/files.ts';
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

interface WatchFlags {
  list: string;
  state: string;
  out?: string;
  json?: boolean;
}

async function readConfig(file: string, ctx: Context): Promise<WatchConfig> {
  const at = path.resolve(ctx.project.root, file);
  return parseWatchConfig(await readText(at, file), file);
}

function statusLine(s: {
  name: string;
  trust: string;
  checked: boolean;
  state?: { status: Status; since: string; reasons: { code: string; message: string }[]; expires?: string; expiresFrom?: string } | undefined;
}): string {
  if (!s.state) return `${s.name}: not checked yet`;
  const st = s.state;
  const why =
    st.status === 'alive'
      ? st.expires
        ? `expires ${st.expires}${st.expiresFrom === 'rule' ? ' (by your rule)' : ''}`
        : ''
      : st.reasons[0]
        ? `${st.reasons[0].code}: ${st.reasons[0].message}`
        : '';
  return `${s.name}: ${st.status.toUpperCase()} since ${st.since}${s.trust === 'tofu' ? ' [trusted on first use]' : ''}${s.checked ? '' : ' (not due)'}${why ? ` — ${why}` : ''}`;
}

export async function watch(flags: WatchFlags, ctx: Context): Promise<number> {
  const config = await readConfig(flags.list, ctx);
  const { runWatch, writeOutputs } = await import('../../io/watch/run.ts');
  let alerts: Awaited<ReturnType<typeof sendAlertsFor>>;
  // The page and the alerts under the state folder's lock too: a second run waits for nothing, it stops.
  const run = await runWatch(config, path.resolve(ctx.project.root, flags.state), ctx.now, async (done) => {
    if (flags.out) await writeOutputs(config, done, path.resolve(ctx.project.root, flags.out), ctx.now);
    alerts = await sendAlertsFor(config, done.log, flags, ctx);
  });
  const worst = worstStatus(run.sites.map((s) => s.state?.status ?? 'unknown'));
  if (flags.json) {
    ctx.io.out(JSON.stringify({ checkedAt: ctx.now.toISOString(), status: worst, sites: run.sites, events: run.events }, null, 2));
  } else {
    for (const e of run.events) ctx.io.out(`${e.kind.toUpperCase()} ${e.site}: ${e.message}`);
    if (run.events.length === 0) ctx.io.out('No change.');
    for (const s of run.sites) ctx.io.out(`  ${statusLine(s)}`);
  }
  // A site's status says more than a failed alert; with all alive, a failed alert is 69 (the next run retries it).
  return worst === 'alive' && alerts && !alerts.ok ? EXIT.unavailable : WATCH_EXIT[worst];
}

async function sendAlertsFor(config: WatchConfig, log: WatchEvent[], flags: WatchFlags, ctx: Context) {
  if (!config.alerts?.webhooks.length && !config.alerts?.email) return undefined;
  const [{ sendAlerts }, { runIdFrom }] = await Promise.all([import('../../io/watch/alerts.ts'), import('./notify.ts')]);
  const summary = await sendAlerts(config, log, path.resolve(ctx.project.root, flags.state), ctx.env, ctx.now, runIdFrom(ctx.env));
  for (const f of summary?.failures ?? []) ctx.io.err(`alert not delivered: ${f.event} on ${f.channel}: ${f.error} (the next run retries it)`);
  return summary;
}

async function acceptCommand(name: string, flags: WatchFlags, ctx: Context): Promise<number> {
  const config = await readConfig(flags.list, ctx);
  const site = config.sites.find((s) => s.name === name);
  if (!site)
    throw new UsageError('ARGUMENT_INVALID', 'no such site in the watch list', {
      field: 'SITE',
      expected: `one of ${config.sites.map((s) => s.name).join(', ')}`,
      received: name,
      hint: `See ${WATCH_DOCS}.`,
    });
  const { acceptSite } = await import('../../io/watch/run.ts');
  const state = await acceptSite(site, path.resolve(ctx.project.root, flags.state), ctx.now);
  ctx.io.out(
    state
      ? `${name}: accepted (keys trusted: ${state.accepted.join(', ') || 'the pinned ones'}); the next check decides its status.`
      : `${name}: never checked, nothing to accept.`,
  );
  return 0;
}

async function initCommand(dir: string, ctx: Context): Promise<number> {
  const [{ initWatchRepo }, { VERSION }] = await Promise.all([import('../../io/watch/run.ts'), import('../main.ts')]);
  const root = path.resolve(ctx.project.root, dir);
  const written = await initWatchRepo(root, VERSION);
  ctx.io.out(
    `Wrote ${written.join(', ')} in ${root}.\nNext: edit watch.yml, run \`npm install\` once (it writes package-lock.json), commit, and push. See docs/watch.md#a-watch-repository.`,
  );
  return 0;
}

export function watchCommand(program: Command, ctx: () => Context, done: (code: number) => void): void {
  const watchCmd = program
    .command('watch')
    .description(
      'check many canaries, keep their state, report changes (exit 0 all alive, 1 tripped, 2 stale, 3 invalid, 4 key change held, 5 unknown; 75 another run holds the state folder)',
    )
    .option('--list <file>', 'the watch list', 'watch.yml')
    .option('--state <dir>', 'the state folder (read and updated)', 'watch-state')
    .option('--out <dir>', 'write the status page (index.html, status.json) and the Atom feed of events (feed.xml) here')
    .option('--json', 'machine-readable output')
    // It has a subcommand, so the program does not add these to it as to a leaf (main.ts).
    .option('--root <dir>', 'project folder (default: . or $CANDOR_ROOT)')
    .option('--now <instant>', 'the clock, e.g. 2026-11-23T12:00:00Z (default: $CANDOR_NOW or the system clock)')
    .action(async (flags: WatchFlags) => done(await watch(flags, ctx())));
  watchCmd
    .command('init')
    .description('start a watch repository: watch.yml, a scheduled GitHub workflow, package.json')
    .argument('[dir]', 'the folder (default: the current one)', '.')
    .action(async (dir: string) => done(await initCommand(dir, ctx())));
  watchCmd
    .command('accept')
    .description('trust the held key change of SITE, or acknowledge its trip; the next check decides its status')
    .argument('<site>', "the site's name in the watch list")
    .option('--list <file>', 'the watch list', 'watch.yml')
    .option('--state <dir>', 'the state folder', 'watch-state')
    .action(async (name: string, flags: WatchFlags) => done(await acceptCommand(name, flags, ctx())));
}
