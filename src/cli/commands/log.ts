/**
 * The canary log (decision 0031): `candor canary log append` (the publish job's step after
 * the heartbeat), `candor canary log show`, and `candor keys log` to make a log key.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { see } from '../../core/docs-links.ts';
import { UsageError } from '../../core/errors.ts';
import { logOrigin } from '../../core/tlog/log.ts';
import { formatSignerKey, formatVerifierKey, signerFromSeed } from '../../core/tlog/note.ts';
import { appendArchive, logConfig, logDir, logSigner, LOG_KEY_ENV, readLog, type AppendResult } from '../../io/canary-log.ts';
import { cosignFromLogDir, describeCosignatures } from '../../io/tlog/cosign.ts';
import { parsePolicy } from '../../core/tlog/policy.ts';
import { exists, readText, relative, writeFileAtomic } from '../../io/files.ts';
import { readCanaryContent } from '../../io/read-content.ts';
import { parseServiceConfig } from '../../core/content/canary-config.ts';
import type { Context } from '../context.ts';

interface AppendFlags {
  keyEnv: string;
  keyFile?: string;
}

async function configOf(ctx: Context) {
  const content = await readCanaryContent(ctx.project);
  return logConfig(content.service.url, content.config.log);
}

/**
 * The witnesses of canary.yml's `log.witnesses` policy that have a submission URL, asked to
 * cosign the new checkpoint (C2SP tlog-witness, src/io/tlog/cosign.ts); the checkpoint is
 * rewritten with every cosignature that verifies. A witness that is offline or refuses is
 * reported, never fatal: the verifier judges the quorum.
 */
async function askWitnesses(ctx: Context, result: AppendResult): Promise<void> {
  const policyText = (await readCanaryContent(ctx.project)).config.log?.witnesses;
  const policy = policyText === undefined ? [] : parsePolicy(policyText);
  if (Array.isArray(policy)) return; // no policy (canary.yml's schema refused a bad one)
  const witnesses = policy.witnesses.flatMap((w) => (w.url ? [{ name: w.name, key: w.key, url: w.url }] : []));
  if (witnesses.length === 0) return;
  const dir = logDir(ctx.project);
  const cosigned = await cosignFromLogDir(dir, result.checkpoint, result.size - result.appended.length, witnesses);
  await writeFileAtomic(path.join(dir, 'checkpoint'), cosigned.checkpoint);
  for (const line of describeCosignatures(cosigned)) ctx.io.out(`Witness ${line}`);
}

/** Appends what the archive has and the log lacks; a service without a log: says so, exit 0. */
export async function appendLog(flags: AppendFlags, ctx: Context): Promise<void> {
  const config = await configOf(ctx);
  if (!config) {
    ctx.io.out('No log in content/canary/canary.yml: nothing to append.');
    return;
  }
  const env = flags.keyFile ? { [LOG_KEY_ENV]: await readText(flags.keyFile) } : { [LOG_KEY_ENV]: ctx.env[flags.keyEnv] };
  const result = await appendArchive(ctx.project, config, logSigner(env, config));
  ctx.io.out(
    result.appended.length === 0
      ? `The log (${config.origin}) already holds all ${result.size} archived documents.`
      : `Appended ${result.appended.join(', ')} to ${config.origin}: ${result.size} entries.`,
  );
  if (result.appended.length > 0) await askWitnesses(ctx, result);
}

async function showLog(flags: { json?: boolean }, ctx: Context): Promise<void> {
  const config = await configOf(ctx);
  if (!config) {
    ctx.io.out('No log in content/canary/canary.yml.');
    return;
  }
  const state = await readLog(ctx.project, config);
  if (flags.json) {
    ctx.io.out(JSON.stringify({ origin: config.origin, key: config.vkey, size: state.checkpoint?.size ?? null, checkpoint: state.signed ?? null }, null, 2));
    return;
  }
  ctx.io.out(
    state.signed
      ? `${config.origin}: ${state.checkpoint!.size} entries, verified against ${config.vkey}\n\n${state.signed}`
      : `${config.origin}: nothing appended yet (candor canary log append)`,
  );
}

export function logCommand(canary: Command, ctx: () => Context): void {
  const log = canary.command('log').description('the canary log: every attestation and heartbeat, in C2SP tiles with a signed checkpoint');
  log
    .command('append')
    .description(`append the archived documents not yet logged, sign the checkpoint (${LOG_KEY_ENV})`)
    .option('--key-env <name>', 'environment variable holding the log signer key', LOG_KEY_ENV)
    .option('--key-file <file>', 'file holding the log signer key (PRIVATE+KEY+…)')
    .action(async (flags: AppendFlags) => {
      await appendLog(flags, ctx());
    });
  log
    .command('show')
    .description('check the log in content/canary/log/ against canary.yml and print its checkpoint')
    .option('--json', 'machine-readable output')
    .action(async (flags: { json?: boolean }) => {
      await showLog(flags, ctx());
    });
}

interface LogKeyFlags {
  out: string;
  origin?: string;
}

/** Makes a log key: the signer key to --out (outside keys/, mode 600), the verifier key printed for canary.yml. */
export async function generateLogKey(flags: LogKeyFlags, ctx: Context): Promise<string> {
  const out = path.resolve(flags.out);
  if (!path.relative(ctx.project.content, out).startsWith('..'))
    throw new UsageError('USAGE', 'refusing to write a private key into content/', {
      field: '--out',
      expected: 'a path outside the published content',
      received: flags.out,
    });
  if (!path.relative(ctx.project.keys, out).startsWith('..'))
    throw new UsageError('USAGE', 'refusing to write a private key into keys/', {
      field: '--out',
      expected: 'a path outside keys/ (which is published)',
      received: flags.out,
    });
  if (await exists(out))
    throw new UsageError('USAGE', 'the file exists', { field: '--out', received: flags.out, hint: 'Choose a new file; candor never overwrites a key.' });
  const origin = flags.origin ?? (await serviceOrigin(ctx));
  const key = signerFromSeed(origin, crypto.getRandomValues(new Uint8Array(32)));
  await writeFileAtomic(out, `${formatSignerKey(key)}\n`, { mode: 0o600 });
  const vkey = formatVerifierKey(key);
  ctx.io.out(
    [
      `Generated the log key of ${origin}`,
      `  private (the ${LOG_KEY_ENV} secret; never commit it): ${relative(ctx.project.root, out)}`,
      'Add it to content/canary/canary.yml:',
      '  log:',
      `    key: ${vkey}`,
    ].join('\n'),
  );
  return vkey;
}

async function serviceOrigin(ctx: Context): Promise<string> {
  const file = path.join(ctx.project.content, 'service.yml');
  if (!(await exists(file)))
    throw new UsageError('USAGE', 'no origin for the log key', {
      field: '--origin',
      expected: 'content/service.yml (its url names the log) or --origin HOST/PATH/canary/log',
      received: 'neither',
      hint: see('logKey'),
    });
  return logOrigin(parseServiceConfig(await readText(file, 'content/service.yml'), 'content/service.yml').url);
}

export function logKeyCommand(keys: Command, ctx: () => Context): void {
  keys
    .command('log')
    .description(`make the canary log's Ed25519 key: signer key to --out (the ${LOG_KEY_ENV} secret), verifier key for canary.yml`)
    .requiredOption('--out <file>', 'where to write the signer key (outside the repository)')
    .option('--origin <origin>', "the log's origin (default: service.yml's url without scheme, and /canary/log)")
    .action(async (flags: LogKeyFlags) => {
      await generateLogKey(flags, ctx());
    });
}
