/**
 * The `candor` command line. The only place (with scripts/) where errors become exit
 * codes; commands themselves throw typed errors.
 */
import { Command, CommanderError } from 'commander';
import { allProblems, describeReceived, isCandorError, systemReason, UsageError, type UsageErrorCode } from '../core/errors.ts';
import { makeContext, type Context, type Output } from './context.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { see } from '../core/docs-links.ts';

export const VERSION = '0.1.0';

type Register = (program: Command, ctx: () => Context, done: (code: number) => void) => void;

/**
 * Each top-level command's module, imported only when that command runs (all of them for
 * help, --version or an unknown command): `candor verify` should not pay for the rest.
 * In --help order.
 */
const site = async (): Promise<Register> => (await import('./commands/site.ts')).siteCommands;
const steps = async (): Promise<Register> => (await import('./commands/steps.ts')).stepCommands;

const COMMANDS: Record<string, () => Promise<Register>> = {
  init: async () => (await import('./commands/init.ts')).initCommand,
  canary: async () => {
    const [{ attestCommand }, { heartbeatCommand }, { timestampCommand }, { logCommand }] = await Promise.all([
      import('./commands/attest.ts'),
      import('./commands/heartbeat.ts'),
      import('./commands/timestamp.ts'),
      import('./commands/log.ts'),
    ]);
    return (program, ctx, done) => {
      const canary = program.command('canary').description('the warrant canary: attestations (people), heartbeats (CI) and their log');
      attestCommand(canary, ctx);
      heartbeatCommand(canary, ctx);
      timestampCommand(canary, ctx, done);
      logCommand(canary, ctx);
    };
  },
  verify: async () => (await import('./commands/verify.ts')).verifyCommand,
  keys: async () => {
    const [{ keysCommand }, { logKeyCommand }] = await Promise.all([import('./commands/keys.ts'), import('./commands/log.ts')]);
    return (program, ctx, done) => logKeyCommand(keysCommand(program, ctx, done), ctx);
  },
  policy: async () => (await import('./commands/policy.ts')).policyCommand,
  report: async () => (await import('./commands/report.ts')).reportCommand,
  check: async () => (await import('./commands/check.ts')).checkCommand,
  notify: async () => (await import('./commands/notify.ts')).notifyCommand,
  watch: async () => (await import('./commands/watch.ts')).watchCommand,
  witness: async () => (await import('./commands/witness.ts')).witnessCommand,
  // One module registers several commands: listed under each name, loaded once.
  build: site,
  preview: site,
  dev: site,
  'sign-site': site,
  publish: steps,
  watchdog: steps,
  pr: steps,
};

/** The words of argv that are neither options nor the values of the global options. */
function words(argv: string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--root' || arg === '--now') i++;
    else if (!arg.startsWith('-')) found.push(arg);
  }
  return found;
}

/** The command argv names: its first word. */
function commandIn(argv: string[]): string | undefined {
  return words(argv)[0];
}

export async function buildProgram(ctx: () => Context, done: (code: number) => void, io: Output, argv: string[] = []): Promise<Command> {
  const program = new Command('candor')
    .description('Publish and verify a two-layer OpenPGP warrant canary, privacy policies and transparency reports')
    .version(VERSION)
    .option(...GLOBAL_OPTIONS.root)
    .option(...GLOBAL_OPTIONS.now)
    // Options before a command are the program's, so that a command's own option of the
    // same name (`policy new P --version 2.0`) is its own; see acceptGlobalsAfter.
    .enablePositionalOptions()
    .exitOverride()
    // Commander's own error line is replaced by a typed USAGE error with a hint (usageError),
    // so that a mistyped flag reads like every other mistake.
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()), outputError: () => undefined });
  const named = commandIn(argv);
  const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [COMMANDS[named]!] : [...new Set(Object.values(COMMANDS))];
  for (const register of await Promise.all(wanted.map((load) => load()))) register(program, ctx, done);
  acceptGlobalsAfter(program);
  return program;
}

const GLOBAL_OPTIONS = {
  root: ['--root <dir>', 'project folder holding content/ and keys/ (default: . or $CANDOR_ROOT)'],
  now: ['--now <instant>', 'the clock, e.g. 2026-11-23T12:00:00Z (default: $CANDOR_NOW or the system clock)'],
} as const;

/**
 * --root and --now also work after the command (`candor check --root DIR`), as people
 * write them: every command takes them, and they mean what they mean before it.
 */
function acceptGlobalsAfter(program: Command): void {
  const leaves = (c: Command): Command[] => (c.commands.length > 0 ? c.commands.flatMap(leaves) : [c]);
  for (const leaf of program.commands.flatMap(leaves)) leaf.option(...GLOBAL_OPTIONS.root).option(...GLOBAL_OPTIONS.now);
  program.hook('preAction', (_, action) => {
    for (const key of ['root', 'now'] as const) {
      const value = action.opts()[key] as string | undefined;
      if (value !== undefined) program.setOptionValue(key, value);
    }
  });
}

/** Commander's error codes, as ours: a wrong flag or argument is never ignored, and is said with a stable code. */
const COMMANDER_CODES: Record<string, UsageErrorCode> = {
  'commander.unknownOption': 'UNKNOWN_OPTION',
  'commander.unknownCommand': 'UNKNOWN_COMMAND',
  'commander.excessArguments': 'TOO_MANY_ARGUMENTS',
  'commander.missingArgument': 'ARGUMENT_MISSING',
  'commander.optionMissingArgument': 'OPTION_VALUE_MISSING',
  'commander.missingMandatoryOptionValue': 'OPTION_MISSING',
  'commander.invalidArgument': 'ARGUMENT_INVALID',
  'commander.conflictingOption': 'OPTION_CONFLICT',
};

function systemError(error: unknown): error is NodeJS.ErrnoException & { path: string; code: string } {
  const e = error as NodeJS.ErrnoException | undefined;
  return (
    typeof e?.code === 'string' &&
    /^E[A-Z]+$/.test(e.code) &&
    typeof e.path === 'string' &&
    ['open', 'read', 'scandir', 'stat', 'lstat'].includes(e.syscall ?? '')
  );
}

function report(error: unknown, io: Output): number {
  if (isCandorError(error)) {
    for (const e of allProblems(error)) io.err(`error ${e.code}: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`);
  } else if (systemError(error)) {
    // A file the user named that the system would not open, found where no typed error
    // was made for it: said as an unreadable input (exit 65), not as a crash.
    const typed = new UsageError('INPUT_UNREADABLE', 'cannot read the file', {
      file: error.path,
      expected: 'a file this user can read',
      received: systemReason(error.code),
      hint: 'Check the path and its permissions.',
    });
    io.err(`error ${typed.code}: ${typed.message}\n  hint: ${typed.hint}`);
    return exitCodeFor(typed);
  } else {
    io.err(`internal error (a bug in Candor, please report it): ${describeReceived((error as Error)?.message ?? error)}`);
  }
  return exitCodeFor(error);
}

/** The words of the command argv names (`policy diff`), as far as they are commands. */
function commandPath(program: Command, argv: string[]): string[] {
  const path: string[] = [];
  let at = program;
  for (const word of words(argv)) {
    const next = at.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    path.push(next.name());
    at = next;
  }
  return path;
}

/** Commander's complaint ("error: unknown option '--x'\n(Did you mean --y?)") as a typed error with a hint. */
function usageError(error: CommanderError, path: string[]): UsageError {
  const [first = error.message, ...rest] = error.message.replace(/^error: /, '').split('\n');
  const suggestion = rest
    .join(' ')
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  const command = ['candor', ...path].join(' ');
  const summary = `${command}: ${first}${suggestion ? ` (${suggestion.charAt(0).toLowerCase()}${suggestion.slice(1)})` : ''}`;
  return new UsageError(COMMANDER_CODES[error.code] ?? 'USAGE', summary, { hint: see('cli', `\`${command} --help\` lists what it takes.`) });
}

/** Runs the CLI; resolves to the exit code. `systemNow` is the only read of the real clock. */
export async function run(argv: string[], env: NodeJS.ProcessEnv, io: Output, systemNow = new Date()): Promise<number> {
  let code: number = EXIT.ok;
  const program: Command = await buildProgram(
    () => makeContext(program.opts(), env, io, systemNow),
    (c) => {
      code = c;
    },
    io,
    argv,
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // A group named without its subcommand (`candor canary`): its help, which lists them, is the answer.
      if (error.code === 'commander.help') return EXIT.usage;
      return report(usageError(error, commandPath(program, argv)), io);
    }
    return report(error, io);
  }
}
