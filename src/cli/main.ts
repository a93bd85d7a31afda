/**
 * The `candor` command line. The only place (with scripts/) where errors become exit
 * codes; commands themselves throw typed errors.
 */
import { Command, CommanderError } from 'commander';
import { describeReceived, isCandorError } from '../core/errors.ts';
import { makeContext, type Context, type Output } from './context.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { attestCommand } from './commands/attest.ts';
import { checkCommand } from './commands/check.ts';
import { heartbeatCommand } from './commands/heartbeat.ts';
import { keysCommand } from './commands/keys.ts';
import { policyCommand } from './commands/policy.ts';
import { reportCommand } from './commands/report.ts';
import { notifyCommand } from './commands/notify.ts';
import { verifyCommand } from './commands/verify.ts';

export const VERSION = '0.1.0';

export function buildProgram(ctx: () => Context, done: (code: number) => void, io: Output): Command {
  const program = new Command('candor')
    .description('Publish and verify a two-layer OpenPGP warrant canary, privacy policies and transparency reports')
    .version(VERSION)
    .option('--root <dir>', 'project folder holding content/ and keys/ (default: . or $CANDOR_ROOT)')
    .option('--now <instant>', 'the clock, e.g. 2026-11-23T12:00:00Z (default: $CANDOR_NOW or the system clock)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const canary = program.command('canary').description('the warrant canary: attestations (people) and heartbeats (CI)');
  attestCommand(canary, ctx);
  heartbeatCommand(canary, ctx);
  verifyCommand(program, ctx, done);
  keysCommand(program, ctx, done);
  policyCommand(program, ctx);
  reportCommand(program, ctx);
  checkCommand(program, ctx, done);
  notifyCommand(program, ctx, done);
  return program;
}

function report(error: unknown, io: Output): number {
  if (isCandorError(error)) {
    io.err(`error ${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
  } else {
    io.err(`internal error: ${describeReceived((error as Error)?.message ?? error)}`);
  }
  return exitCodeFor(error);
}

/** Runs the CLI; resolves to the exit code. `systemNow` is the only read of the real clock. */
export async function run(argv: string[], env: NodeJS.ProcessEnv, io: Output, systemNow = new Date()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(() => makeContext(program.opts(), env, io, systemNow), (c) => { code = c; }, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    return report(error, io);
  }
}
