/**
 * candor witness: cosign other logs' checkpoints (docs/witness.md). `serve` is a C2SP
 * tlog-witness endpoint; `check` the same decision as a scheduled job, without a server;
 * `keygen` and `vkey` the witness's key. The key comes from CANDOR_WITNESS_KEY only and is
 * never printed. `check` exits 0 when every log was cosigned, 1 when one was refused (a
 * fork, a rollback, a bad signature or bad tiles), 65 when the witness's own state is
 * unusable, 69 when a log could not be read.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { allProblems, UsageError, type CandorError } from '../../core/errors.ts';
import { formatVerifierKey, isKeyName } from '../../core/tlog/note.ts';
import { LOG_REFUSED_EXIT, WITNESS_DOCS } from '../../core/witness/errors.ts';
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

interface StateFlags {
  state: string;
  out?: string;
  json?: boolean;
  timeout?: string;
  port?: string;
  host?: string;
  now?: string;
}

const dir = (ctx: Context, p: string) => path.resolve(ctx.project.root, p);

function printError(error: CandorError, ctx: Context): void {
  for (const e of allProblems(error)) ctx.io.err(`error ${e.code}: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`);
}

function seconds(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600)
    throw new UsageError('ARGUMENT_INVALID', 'not a timeout', {
      field,
      expected: 'seconds, more than 0 and at most 600',
      received: value,
      hint: `See ${WITNESS_DOCS}.`,
    });
  return n;
}

async function keygen(flags: { name: string; out: string }, ctx: Context): Promise<number> {
  if (!isKeyName(flags.name))
    throw new UsageError('ARGUMENT_INVALID', 'not a key name', {
      field: '--name',
      expected: "a name without spaces or '+', usually a URL without scheme, e.g. witness.example.org/candor",
      received: flags.name,
      hint: `See ${WITNESS_DOCS}#keys.`,
    });
  const { generateWitnessKey } = await import('../../io/witness/keygen.ts');
  const out = dir(ctx, flags.out);
  const vkey = await generateWitnessKey(flags.name, out);
  ctx.io.out(vkey);
  ctx.io.err(`The signer key is in ${out} (mode 600): give it to the witness as CANDOR_WITNESS_KEY, keep it out of any repository. Publish the vkey above.`);
  return EXIT.ok;
}

async function vkey(ctx: Context): Promise<number> {
  const { witnessKeyFrom } = await import('../../io/witness/state.ts');
  ctx.io.out(formatVerifierKey(witnessKeyFrom(ctx.env)));
  return EXIT.ok;
}

async function check(sites: string[], flags: StateFlags, ctx: Context): Promise<number> {
  const [{ readWitnessConfig, witnessKeyFrom }, { checkSites }] = await Promise.all([import('../../io/witness/state.ts'), import('../../io/witness/check.ts')]);
  const key = witnessKeyFrom(ctx.env);
  const stateDir = dir(ctx, flags.state);
  const config = await readWitnessConfig(stateDir, ctx.project.root);
  const targets = sites.length > 0 ? sites : config.logs.flatMap((l) => (l.site ? [l.site] : []));
  if (targets.length === 0)
    throw new UsageError('ARGUMENT_MISSING', 'no site to check', {
      field: 'SITE',
      expected: 'one or more site URLs, or logs with a site in witness.yml',
      received: 'none',
      hint: `See ${WITNESS_DOCS}#checking-on-a-schedule.`,
    });
  for (const site of targets)
    if (!URL.canParse(site) || !/^https?:$/.test(new URL(site).protocol))
      throw new UsageError('ARGUMENT_INVALID', 'not a site address', {
        field: 'SITE',
        expected: 'an http(s) URL, e.g. https://lumen-mail.example/',
        received: site,
      });
  const outcomes = await checkSites(targets, {
    stateDir,
    outDir: dir(ctx, flags.out ?? path.join(flags.state, 'out')),
    config,
    key,
    now: Math.floor(ctx.now.getTime() / 1000),
    timeoutMs: seconds(flags.timeout, '--timeout', 15) * 1000,
  });
  if (flags.json) {
    ctx.io.out(
      JSON.stringify(
        outcomes.map((o) =>
          'error' in o
            ? { site: o.site, status: 'refused', code: o.error.code, message: o.error.message }
            : { site: o.site, status: 'cosigned', origin: o.origin, size: o.result.record.size, previousSize: o.result.previousSize, file: o.file },
        ),
        null,
        2,
      ),
    );
  }
  for (const o of outcomes) {
    if ('error' in o) printError(o.error, ctx);
    else if (!flags.json) ctx.io.out(`${o.origin}: cosigned size ${o.result.record.size} (was ${o.result.previousSize}) -> ${o.file}`);
  }
  const errors = outcomes.flatMap((o) => ('error' in o ? [o.error.code] : []));
  // A refused log says most (a fork is why witnesses exist), then the witness's own state, then the network.
  if (errors.some((c) => c.startsWith('LOG_') && c !== 'LOG_UNREACHABLE')) return LOG_REFUSED_EXIT;
  if (errors.some((c) => c !== 'LOG_UNREACHABLE')) return EXIT.dataError;
  return errors.length > 0 ? EXIT.unavailable : EXIT.ok;
}

async function serve(flags: StateFlags, ctx: Context): Promise<number> {
  const [{ readWitnessConfig, witnessKeyFrom }, { serveWitness }] = await Promise.all([
    import('../../io/witness/state.ts'),
    import('../../io/witness/server.ts'),
  ]);
  const key = witnessKeyFrom(ctx.env);
  const stateDir = dir(ctx, flags.state);
  const config = await readWitnessConfig(stateDir, ctx.project.root);
  const port = Number(flags.port ?? '7380');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('ARGUMENT_INVALID', 'not a port', {
      field: '--port',
      expected: 'a whole number from 0 to 65535 (0: any free port)',
      received: flags.port,
    });
  // A fixed clock (--now, CANDOR_NOW) is for tests; a server otherwise reads the time per request.
  const fixed = flags.now !== undefined || ctx.env['CANDOR_NOW'] !== undefined;
  const clock = fixed ? () => Math.floor(ctx.now.getTime() / 1000) : () => Math.floor(Date.now() / 1000);
  const running = await serveWitness({ stateDir, config, key, clock, host: flags.host ?? '127.0.0.1', port, log: (l) => ctx.io.err(l) });
  ctx.io.out(`candor witness ${formatVerifierKey(key)}: listening on ${running.url}/add-checkpoint for ${config.logs.map((l) => l.origin).join(', ')}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  return EXIT.ok;
}

async function init(target: string, ctx: Context): Promise<number> {
  const [{ initWitnessRepo }, { VERSION }] = await Promise.all([import('../../io/witness/init.ts'), import('../main.ts')]);
  const root = dir(ctx, target);
  const written = await initWitnessRepo(root, VERSION);
  ctx.io.out(
    `Wrote ${written.join(', ')} in ${root}.\nNext: list the logs in witness-state/witness.yml, add the secret CANDOR_WITNESS_KEY (candor witness keygen), run \`npm install\` once, commit, and push. See docs/witness.md#a-witness-repository.`,
  );
  return EXIT.ok;
}

export function witnessCommand(program: Command, ctx: () => Context, done: (code: number) => void): void {
  const witness = program.command('witness').description("cosign other logs' checkpoints (C2SP tlog-witness): serve, check, init, keygen, vkey");
  witness
    .command('serve')
    .description('answer POST /add-checkpoint for the logs in STATE/witness.yml (key: $CANDOR_WITNESS_KEY)')
    .requiredOption('--state <dir>', 'the state folder: witness.yml and the last checkpoint cosigned per log')
    .option('--port <n>', 'the port (0: any free one)', '7380')
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    // With the program's options: --now before the command fixes the clock too.
    .action(async (_flags: StateFlags, cmd: Command) => done(await serve(cmd.optsWithGlobals<StateFlags>(), ctx())));
  witness
    .command('check')
    .description("fetch each site's log, check it extends what this witness cosigned, cosign it into --out (exit 1 on a fork or rollback)")
    .argument('[site...]', "the sites' addresses (default: every log with a site in witness.yml)")
    .requiredOption('--state <dir>', 'the state folder: witness.yml and the last checkpoint cosigned per log')
    .option('--out <dir>', 'where <origin>/checkpoint is written, cosigned (default: STATE/out)')
    .option('--timeout <seconds>', 'per request', '15')
    .option('--json', 'machine-readable output')
    .action(async (sites: string[], flags: StateFlags) => done(await check(sites, flags, ctx())));
  witness
    .command('keygen')
    .description('a new witness key: the signer key to a new file (mode 600), the vkey printed')
    .requiredOption('--name <name>', 'the witness name, e.g. witness.example.org/candor')
    .requiredOption('--out <file>', 'the file for the signer key (never overwritten)')
    .action(async (flags: { name: string; out: string }) => done(await keygen(flags, ctx())));
  witness
    .command('init')
    .description('start a witness repository: witness-state/witness.yml, a scheduled GitHub workflow, package.json')
    .argument('[dir]', 'the folder (default: the current one)', '.')
    .action(async (target: string) => done(await init(target, ctx())));
  witness
    .command('vkey')
    .description('print the vkey of $CANDOR_WITNESS_KEY')
    .action(async () => done(await vkey(ctx())));
}
