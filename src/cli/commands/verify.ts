/**
 * candor verify FILE|URL: a verdict with reasons and a distinct exit code. What a run
 * needs is imported when it runs: a monitor calling `candor verify` every few minutes
 * should not load the archive, state-file or network code it does not use.
 */
import type { Command } from 'commander';
import { VERDICT_EXIT } from '../../core/verify/reasons.ts';
import type { Context } from '../context.ts';
import type { ExplorerSource } from '../../io/explorers.ts';

interface VerifyFlags {
  heartbeat?: string;
  keys: string[];
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
}

function explorers(list: string[]): ExplorerSource[] | undefined {
  if (list.length === 0) return undefined;
  return list.map((entry) => {
    const [kind, url] = entry.split('=', 2) as [ExplorerSource['kind'], string];
    return { kind, url, name: new URL(url).host };
  });
}

export async function runVerify(target: string | undefined, flags: VerifyFlags, ctx: Context): Promise<number> {
  const clock = { now: ctx.now, skewSeconds: Number(flags.skew) };
  if (flags.archive) {
    const { verifyArchiveDir } = await import('../../io/archive-verify.ts');
    const result = await verifyArchiveDir(flags.archive, { keys: flags.keys, clock });
    ctx.io.out(flags.json ? JSON.stringify(result, null, 2) : result.summary);
    return VERDICT_EXIT[result.verdict];
  }
  const stateFile = flags.state ? await import('../../io/verify-state.ts') : undefined;
  const [{ gatherVerifyInput }, { verifyCanary }, { verdictJson, verdictText }] = await Promise.all([
    import('../../io/verify-sources.ts'), import('../../core/verify/verify-canary.ts'), import('../../core/verify/verdict-text.ts'),
  ]);
  const state = flags.state ? await stateFile!.readState(flags.state) : undefined;
  const input = await gatherVerifyInput({
    target: target!, keys: flags.keys, online: Boolean(flags.online),
    ...(flags.heartbeat ? { heartbeat: flags.heartbeat } : {}), ...(flags.previous ? { previous: flags.previous } : {}),
    ...(state ? { state } : {}), ...(flags.documents ? { documents: flags.documents } : {}),
    ...(flags.minSigners ? { minSigners: Number(flags.minSigners) } : {}),
    ...(explorers(flags.explorer) ? { explorers: explorers(flags.explorer)! } : {}),
  });
  const result = await verifyCanary(input, clock);
  ctx.io.out(flags.json ? JSON.stringify(verdictJson(result), null, 2) : verdictText(result, { showText: Boolean(flags.showText) }));
  if (flags.state) await stateFile!.advanceState(flags.state, state, result, input.attestation, input.pins);
  return VERDICT_EXIT[result.verdict];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function verifyCommand(program: Command, ctx: () => Context, done: (code: number) => void): void {
  program.command('verify')
    .description('check that a canary is authentic, fresh and unchanged (exit 0 alive, 1 tripped, 2 stale, 3 invalid)')
    .argument('[target]', 'canary file (attestation) or site URL, e.g. https://example.org/ or .../canary.txt')
    .option('--heartbeat <file|url>', 'the heartbeat (default: heartbeat.txt beside the canary)')
    .option('--keys <file|dir|url|fingerprint>', 'pin signer keys (repeatable, or comma-separated fingerprints)', collect, [])
    .option('--previous <file|url>', 'the previous attestation you saw: catches rollback and statement changes')
    .option('--state <file>', 'remember pins and the last canary seen between runs (read and updated)')
    .option('--documents <dir|url>', 'where to find the documents the attestation lists (default: <site>/documents/)')
    .option('--online', 'check the freshness block against Bitcoin explorers')
    .option('--explorer <kind=url>', 'explorer for --online, e.g. esplora=https://mempool.space/api (repeatable)', collect, [])
    .option('--skew <seconds>', 'allowed clock difference', '300')
    .option('--min-signers <n>', 'require at least this many trusted signers, whatever the attestation says (default: the highest threshold in --state)')
    .option('--archive <dir>', 'verify a whole archive folder (every attestation and heartbeat, and the chain)')
    .option('--show-text', 'print the signed text of the attestation (the only part that is authenticated)')
    .option('--json', 'machine-readable output')
    .action(async (target: string | undefined, flags: VerifyFlags) => {
      if (!target && !flags.archive) program.error('verify needs a file or URL (or --archive DIR)', { exitCode: 64 });
      done(await runVerify(target, flags, ctx()));
    });
}
