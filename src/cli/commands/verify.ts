/**
 * candor verify FILE|URL: a verdict with reasons and a distinct exit code. What a run
 * needs is imported when it runs: a monitor calling `candor verify` every few minutes
 * should not load the archive, state-file or network code it does not use.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { systemReason, UsageError } from '../../core/errors.ts';
import { see } from '../../core/docs-links.ts';
import { VERDICT_EXIT } from '../../core/verify/reasons.ts';
import type { Context } from '../context.ts';
import type { ExplorerSource } from '../../io/explorers.ts';
import type { Reader } from '../../io/verify-sources.ts';
import type { VerifyInput } from '../../core/verify/verify-canary.ts';

interface VerifyFlags {
  heartbeat?: string;
  keys: string[];
  keyring: string[];
  automated: string[];
  service?: string;
  acknowledge?: boolean;
  timeout?: string;
  timeLimit?: string;
  previous?: string;
  state?: string;
  documents?: string;
  online?: boolean;
  explorer: string[];
  json?: boolean;
  showText?: boolean;
  skew: string;
  minSigners?: string;
  archive?: string;
  /** The canary log that goes with --archive (default: the folder beside it). */
  log?: string;
  minimumBits?: string;
}

function explorers(list: string[]): ExplorerSource[] | undefined {
  if (list.length === 0) return undefined;
  return list.map((entry) => {
    const [kind, url] = entry.split('=', 2) as [ExplorerSource['kind'], string];
    return { kind, url, name: new URL(url).host };
  });
}

/** A positive number of seconds, in milliseconds. */
function seconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError('USAGE', 'not a number of seconds', { field: flag, expected: 'a positive number of seconds, e.g. 10', received: value });
  return n * 1000;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError('USAGE', 'not a whole number', { field: flag, expected: 'a whole number of signers, 1 or more', received: value });
  return n;
}

async function runArchive(dir: string, flags: VerifyFlags, ctx: Context, clock: { now: Date; skewSeconds: number }): Promise<number> {
  const { verifyArchiveDir } = await import('../../io/archive-verify.ts');
  // An archive that is not there is not an archive that verifies: never ALIVE over nothing.
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError('INPUT_UNREADABLE', 'cannot read the archive folder', {
      file: dir,
      field: '--archive',
      expected: 'a folder of attestation-NNNNNN.txt and heartbeat-NNNNNN.txt files',
      received: systemReason(error.code),
      hint: 'Give the archive folder of a Candor repository, e.g. content/canary/archive (README.md#with-candor).',
    });
  });
  if (!names.some((n) => /^attestation-\d{6}\.txt$/.test(n))) {
    throw new UsageError('INPUT_UNREADABLE', 'no attestation in the archive folder', {
      file: dir,
      field: '--archive',
      expected: 'at least one attestation-NNNNNN.txt',
      received: `${names.length} other file(s)`,
      hint: 'Give the archive folder of a Candor repository, e.g. content/canary/archive (README.md#with-candor).',
    });
  }
  if (flags.log !== undefined && !existsSync(path.join(flags.log, 'checkpoint')))
    throw new UsageError('INPUT_UNREADABLE', 'no canary log in that folder', {
      file: flags.log,
      field: '--log',
      expected: 'a log folder with a checkpoint file and tile/, e.g. content/canary/log',
      received: 'no checkpoint file',
      hint: see('log', 'Give the log folder of a Candor repository (content/canary/log) or of a copy of the site (canary/log).'),
    });
  const result = await verifyArchiveDir(dir, {
    keys: flags.keys,
    keyring: flags.keyring,
    automated: flags.automated,
    clock,
    ...(flags.log ? { log: flags.log } : {}),
  });
  ctx.io.out(flags.json ? JSON.stringify(result, null, 2) : result.summary);
  return VERDICT_EXIT[result.verdict];
}

const isUrl = (s: string | undefined): boolean => s !== undefined && /^https?:\/\//i.test(s);

/**
 * OpenTimestamps proofs (docs/timestamps.md): beside local files, and beside every URL, as
 * <site>/canary.txt.ots and /heartbeat.txt.ots (a 404 is no proof). The code is loaded only
 * for a URL or when a local proof is there: a monitor checking local files pays for nothing else.
 */
async function timestampsOf(target: string, flags: VerifyFlags, input: VerifyInput, reader: Reader) {
  const local = [target, flags.heartbeat].some((f) => f !== undefined && !isUrl(f) && existsSync(`${f}.ots`));
  if (!local && !isUrl(target) && !isUrl(flags.heartbeat)) return undefined;
  const [stamps, { siteFiles }] = await Promise.all([import('./verify-timestamp.ts'), import('../../io/verify-sources.ts')]);
  const load = (url: string) => reader.url(url, 'timestamp');
  const site = isUrl(target) ? siteFiles(target) : undefined;
  const heartbeatUrl = flags.heartbeat === undefined ? site?.heartbeat : isUrl(flags.heartbeat) ? flags.heartbeat : undefined;
  const sources = [
    site ? stamps.remoteSource('attestation', site.canary, input.attestation, load) : await stamps.localSource('attestation', target),
    heartbeatUrl && input.heartbeat !== undefined
      ? stamps.remoteSource('heartbeat', heartbeatUrl, input.heartbeat, load)
      : await stamps.localSource('heartbeat', flags.heartbeat),
  ].filter((s) => s !== undefined);
  const reports = await stamps.checkTimestamps(sources, flags);
  return { reports, lines: stamps.timestampLines(reports), failed: stamps.timestampFailed(reports) };
}

export async function runVerify(target: string | undefined, flags: VerifyFlags, ctx: Context): Promise<number> {
  const skew = Number(flags.skew);
  if (!/^\d{1,6}$/.test(flags.skew))
    throw new UsageError('USAGE', 'not a number of seconds', {
      field: '--skew',
      expected: 'a whole number of seconds, 0 or more, e.g. 300',
      received: flags.skew,
    });
  const clock = { now: ctx.now, skewSeconds: skew };
  if (flags.archive) return runArchive(flags.archive, flags, ctx, clock);
  if (flags.acknowledge && !flags.state)
    throw new UsageError('USAGE', '--acknowledge needs --state', {
      field: '--acknowledge',
      expected: '--state FILE, whose recorded trip you acknowledge',
      received: 'no --state',
    });
  const stateFile = flags.state ? await import('../../io/verify-state.ts') : undefined;
  const [{ gatherVerifyInput, Reader }, { verifyCanary }, { verdictJson, verdictText }] = await Promise.all([
    import('../../io/verify-sources.ts'),
    import('../../core/verify/verify-canary.ts'),
    import('../../core/verify/verdict-text.ts'),
  ]);
  const state = flags.state ? await stateFile!.readState(flags.state) : undefined;
  const minSigners = positiveInt(flags.minSigners, '--min-signers');
  const timeoutMs = seconds(flags.timeout, '--timeout');
  const timeLimitMs = seconds(flags.timeLimit, '--time-limit');
  const reader = new Reader({ ...(timeoutMs ? { timeoutMs } : {}), ...(timeLimitMs ? { timeLimitMs } : {}) });
  const input = await gatherVerifyInput(
    {
      target: target!,
      keys: flags.keys,
      keyring: flags.keyring,
      automated: flags.automated,
      online: Boolean(flags.online),
      acknowledge: Boolean(flags.acknowledge),
      ...(flags.heartbeat ? { heartbeat: flags.heartbeat } : {}),
      ...(flags.previous ? { previous: flags.previous } : {}),
      ...(state ? { state } : {}),
      ...(flags.documents ? { documents: flags.documents } : {}),
      ...(flags.service ? { service: flags.service } : {}),
      ...(minSigners ? { minSigners } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(timeLimitMs ? { timeLimitMs } : {}),
      ...(explorers(flags.explorer) ? { explorers: explorers(flags.explorer)! } : {}),
    },
    reader,
  );
  const result = await verifyCanary(input, clock);
  const stamps = await timestampsOf(target!, flags, input, reader);
  if (flags.json) ctx.io.out(JSON.stringify({ ...verdictJson(result), ...(stamps ? { timestamps: stamps.reports } : {}) }, null, 2));
  else ctx.io.out([verdictText(result, { showText: Boolean(flags.showText) }), ...(stamps?.lines ?? [])].join('\n'));
  const timestampFailed = stamps?.failed ?? false;
  if (flags.state) {
    await stateFile!.advanceState(flags.state, state, result, {
      signedAttestation: input.attestation,
      pins: input.pins,
      automated: input.automated ?? [],
      acknowledge: Boolean(flags.acknowledge),
      ...(minSigners ? { minSignersFlag: minSigners } : {}),
    });
  }
  return timestampFailed && result.verdict === 'alive' ? VERDICT_EXIT.invalid : VERDICT_EXIT[result.verdict];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function verifyCommand(program: Command, ctx: () => Context, done: (code: number) => void): void {
  program
    .command('verify')
    .description('check that a canary is authentic, fresh and unchanged (exit 0 alive, 1 tripped, 2 stale, 3 invalid)')
    .argument('[target]', 'canary file (attestation) or site URL, e.g. https://example.org/ or .../canary.txt')
    .option('--heartbeat <file|url>', 'the heartbeat (default: heartbeat.txt beside the canary)')
    .option(
      '--keys <fingerprint|file|url>',
      'pin a signer (a person): a fingerprint, or a file or URL holding one public key (repeatable, or comma-separated fingerprints)',
      collect,
      [],
    )
    .option('--keyring <file|dir|url>', 'public keys to check signatures with, of any role; never pins (repeatable)', collect, [])
    .option(
      '--automated <fingerprint>',
      'accept an automated (single-layer) canary: this CI heartbeat key may sign attestations alone (repeatable)',
      collect,
      [],
    )
    .option('--service <url>', 'the service you expect (default: the site given as target); the canary must name it')
    .option('--previous <file|url>', 'the previous attestation you saw: catches rollback and statement changes')
    .option('--state <file>', 'remember pins, the service, the last canary seen and any trip between runs (read and updated)')
    .option('--acknowledge', 'with --state: you have seen the recorded trip; clear it (a canary that trips again is recorded again)')
    .option('--documents <dir|url>', 'where to find the documents the attestation lists (default: <site>/documents/)')
    .option('--online', 'check the freshness block against Bitcoin explorers')
    .option('--explorer <kind=url>', 'explorer for --online, e.g. esplora=https://mempool.space/api (repeatable)', collect, [])
    .option('--skew <seconds>', 'allowed clock difference', '300')
    .option('--timeout <seconds>', 'time limit for one request, body included (default 10)')
    .option('--time-limit <seconds>', 'time limit for every request of the run together (default 60)')
    .option('--min-signers <n>', 'require at least this many trusted signers, whatever the attestation says (default: the highest threshold in --state)')
    .option('--archive <dir>', 'verify a whole archive folder (every attestation and heartbeat, and the chain)')
    .option('--log <dir>', 'with --archive: the canary log to audit against it (default: log/ or canary/log/ beside the archive)')
    .option('--show-text', 'print the signed text of the attestation (the only part that is authenticated)')
    .option('--json', 'machine-readable output')
    .option('--minimum-bits <hex>', 'timestamp proofs: the pinned difficulty floor as nBits (default 170fffff; lower only on test networks)')
    .action(async (target: string | undefined, flags: VerifyFlags) => {
      if (!target && !flags.archive)
        throw new UsageError('USAGE', 'nothing to verify', {
          field: 'target',
          expected: 'a canary file, a site URL, or --archive DIR',
          received: 'nothing',
          hint: see('verifying', 'For example `candor verify https://example.org/ --keys keys/`.'),
        });
      done(await runVerify(target, flags, ctx()));
    });
}
