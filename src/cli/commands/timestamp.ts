/**
 * candor canary timestamp stamp|upgrade|verify: OpenTimestamps proofs for the archive
 * (docs/timestamps.md). The publish job stamps each new document and upgrades earlier
 * ones; a proof once anchored is shrunk to its Bitcoin attestation and given the block
 * headers it needs to verify offline.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { describeBounds } from '../../core/ots/verify.ts';
import { listArchive } from '../../io/archive.ts';
import type { ExplorerSource } from '../../io/explorers.ts';
import { exists, relative } from '../../io/files.ts';
import { DEFAULT_CALENDARS, DEFAULT_WHITELIST } from '../../io/ots-calendars.ts';
import { parseCanaryConfig, type CanaryConfig } from '../../core/content/canary-config.ts';
import { readText } from '../../io/files.ts';
import { checkTimestampFiles, HEADERS_SUFFIX, OTS_SUFFIX, stampFile, upgradeFile } from '../../io/timestamps.ts';
import type { Context } from '../context.ts';
import { parseBits } from './verify-timestamp.ts';

interface NetFlags {
  ifConfigured?: boolean;
  calendar: string[];
  whitelist: string[];
  explorer: string[];
  minCalendars?: string;
  heartbeats?: boolean;
  timeout?: string;
  minimumBits?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positive(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError('USAGE', 'not a whole number', { field, expected: 'a whole number, 1 or more', received: value });
  return n;
}

function explorerFlags(list: string[]): ExplorerSource[] {
  return list.map((entry) => {
    const [kind, url] = entry.split('=', 2) as [string, string | undefined];
    if ((kind !== 'esplora' && kind !== 'blockchain-info') || !url || !URL.canParse(url))
      throw new UsageError('USAGE', 'not an explorer', { field: '--explorer', expected: 'kind=url, e.g. esplora=https://mempool.space/api', received: entry });
    return { kind, url, name: new URL(url).host };
  });
}

/** canary.yml, when the project has one (files named on the command line need none). */
async function configOf(ctx: Context): Promise<CanaryConfig | undefined> {
  const file = path.join(ctx.project.canary, 'canary.yml');
  if (!(await exists(file))) return undefined;
  const label = relative(ctx.project.root, file);
  return parseCanaryConfig(await readText(file, label), label);
}

function explorersOf(flags: NetFlags, config: CanaryConfig | undefined): ExplorerSource[] {
  if (flags.explorer.length > 0) return explorerFlags(flags.explorer);
  if (!config)
    throw new UsageError('USAGE', 'no explorer for the block headers', {
      field: '--explorer',
      expected: 'esplora=URL, or a project whose canary.yml lists explorers',
      received: 'neither',
    });
  return config.freshness.bitcoin.sources;
}

/** The files named, or the archive's attestations (and heartbeats with --heartbeats). */
async function targets(files: string[], flags: NetFlags, ctx: Context): Promise<string[]> {
  if (files.length > 0) {
    for (const f of files) {
      if (!(await exists(f)))
        throw new UsageError('INPUT_UNREADABLE', 'no such file', { file: f, expected: 'a published document to timestamp', received: 'nothing there' });
    }
    return files;
  }
  const dir = ctx.project.archive;
  const names = [...(await listArchive(dir, 'attestation')), ...(flags.heartbeats ? await listArchive(dir, 'heartbeat') : [])];
  return names.map((n) => path.join(dir, n));
}

const net = (flags: NetFlags) => ({ ...(flags.timeout ? { timeoutMs: positive(flags.timeout, '--timeout')! * 1000 } : {}) });

export async function runStamp(files: string[], flags: NetFlags, ctx: Context): Promise<number> {
  const config = await configOf(ctx);
  // The publish job's call: nothing to do for a service that has not asked for timestamps.
  if (flags.ifConfigured && !config?.timestamps) return 0;
  const calendars = flags.calendar.length > 0 ? flags.calendar : (config?.timestamps?.calendars ?? DEFAULT_CALENDARS);
  const minCalendars = positive(flags.minCalendars, '--min-calendars') ?? config?.timestamps?.minCalendars;
  const heartbeats = Boolean(flags.heartbeats || config?.timestamps?.heartbeats);
  for (const file of await targets(files, { ...flags, heartbeats }, ctx)) {
    const label = relative(ctx.project.root, file);
    const result = await stampFile(file, { calendars, label, ...(minCalendars ? { minCalendars } : {}), ...net(flags) });
    if (result.status === 'already') continue;
    ctx.io.out(`Stamped ${label}: ${label}${OTS_SUFFIX} (pending at ${result.calendars.length} calendar(s))`);
    for (const f of result.failed) ctx.io.err(`warning: a calendar did not take ${label}: ${f}`);
  }
  return 0;
}

export async function runUpgrade(files: string[], flags: NetFlags, ctx: Context): Promise<number> {
  const config = await configOf(ctx);
  if (flags.ifConfigured && !config?.timestamps) return 0;
  const all = await targets(files, { ...flags, heartbeats: Boolean(flags.heartbeats || config?.timestamps?.heartbeats) }, ctx);
  const stamped: string[] = [];
  for (const f of all) {
    if (!(await exists(f + OTS_SUFFIX))) {
      // A file named on the command line without a proof is a mistake worth saying; the archive's are stamped later.
      if (files.length > 0) ctx.io.err(`warning: ${relative(ctx.project.root, f)} has no ${OTS_SUFFIX} to upgrade: stamp it first`);
    } else if (!(await exists(f + HEADERS_SUFFIX))) stamped.push(f);
  }
  if (stamped.length === 0) return 0;
  const explorers = explorersOf(flags, config);
  const whitelist = [...DEFAULT_WHITELIST, ...flags.whitelist, ...flags.calendar, ...(config?.timestamps?.calendars ?? [])];
  const minimumBits = parseBits(flags.minimumBits);
  for (const file of stamped) {
    const label = relative(ctx.project.root, file);
    const result = await upgradeFile(file, { whitelist, explorers, ...(minimumBits ? { minimumBits } : {}), ...net(flags) });
    if (result.status === 'complete') ctx.io.out(`Anchored ${label}: ${describeBounds(result.bounds)}`);
    else if (result.status === 'pending') {
      ctx.io.out(`Pending ${label}: not in a Bitcoin block yet (asked ${result.asked.length} calendar(s))`);
      for (const uri of result.skipped) ctx.io.err(`warning: ${label}${OTS_SUFFIX} names a calendar not on the whitelist, not asked: ${uri}`);
    }
  }
  return 0;
}

/** Exit 0 when every proof given verifies, 3 (invalid) otherwise; a file without a proof is an error. */
export async function runCheck(files: string[], flags: NetFlags, ctx: Context): Promise<number> {
  const minimumBits = parseBits(flags.minimumBits);
  let code = 0;
  for (const file of await targets(files, flags, ctx)) {
    const label = relative(ctx.project.root, file);
    const result = await checkTimestampFiles(file, minimumBits ? { minimumBits } : {});
    if (!result.present) {
      ctx.io.out(`${label}: no timestamp proof (${label}${OTS_SUFFIX})`);
      code = 3;
    } else if (result.ok) ctx.io.out(`${label}: ${describeBounds(result.bounds)}`);
    else {
      ctx.io.out(`${label}: timestamp INVALID`);
      for (const p of result.problems) ctx.io.out(`  ${p.code}: ${p.message}`);
      code = 3;
    }
  }
  return code;
}

export function timestampCommand(canary: Command, ctx: () => Context, done: (code: number) => void): void {
  const ts = canary.command('timestamp').description('OpenTimestamps proofs of when each document existed (docs/timestamps.md)');
  const common = (c: Command): Command =>
    c.argument('[files...]', 'published documents (default: the archive’s attestations)').option('--heartbeats', 'also the archive’s heartbeats');
  const networked = (c: Command): Command =>
    common(c)
      .option('--timeout <seconds>', 'time limit for one request')
      .option('--if-configured', 'do nothing unless canary.yml has a timestamps section (the publish job)');
  networked(ts.command('stamp').description('submit each document without a proof to the calendars; writes FILE.ots'))
    .option('--calendar <url>', 'a calendar to use (repeatable; default: the reference client’s four)', collect, [])
    .option('--min-calendars <n>', 'calendars that must take each stamp (default 2)')
    .action(async (files: string[], flags: NetFlags) => done(await runStamp(files, { ...flags, whitelist: [], explorer: [] }, ctx())));
  networked(ts.command('upgrade').description('complete pending proofs; once anchored, shrink them and write FILE.ots-headers'))
    .option('--calendar <url>', 'a calendar that may be asked besides the default whitelist (repeatable)', collect, [])
    .option('--whitelist <url>', 'a calendar URL pattern (host globs: https://*.calendar.example) that may be asked (repeatable)', collect, [])
    .option('--explorer <kind=url>', 'an esplora explorer for the headers (repeatable; default: canary.yml freshness.bitcoin.sources)', collect, [])
    .option('--minimum-bits <hex>', 'the pinned difficulty floor as nBits (default 170fffff; lower only on test networks)')
    .action(async (files: string[], flags: NetFlags) => done(await runUpgrade(files, flags, ctx())));
  common(ts.command('verify').description('check FILE.ots with FILE.ots-headers offline and print the time bounds'))
    .option('--minimum-bits <hex>', 'the pinned difficulty floor as nBits (default 170fffff; lower only on test networks)')
    .action(async (files: string[], flags: NetFlags) => done(await runCheck(files, { ...flags, calendar: [], whitelist: [], explorer: [] }, ctx())));
}
