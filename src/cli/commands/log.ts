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
import { appendArchive, logConfig, logDir, logSigner, LOG_KEY_ENV, readLog } from '../../io/canary-log.ts';
import { cosignFromLogDir, describeCosignatures } from '../../io/tlog/cosign.ts';
import { parsePolicy } from '../../core/tlog/policy.ts';
import { readCosignatures } from '../../core/tlog/cosignature.ts';
import type { VerifierKey } from '../../core/tlog/note.ts';
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

/** The witnesses of canary.yml's `log.witnesses` policy that have a submission URL: the ones a log can ask. */
async function pushWitnesses(ctx: Context): Promise<{ name: string; key: VerifierKey; url: string }[]> {
  const policyText = (await readCanaryContent(ctx.project)).config.log?.witnesses;
  const policy = policyText === undefined ? [] : parsePolicy(policyText);
  if (Array.isArray(policy)) return []; // no policy (canary.yml's schema refused a bad one)
  return policy.witnesses.flatMap((w) => (w.url ? [{ name: w.name, key: w.key, url: w.url }] : []));
}

interface CosignFlags {
  from?: string;
}

/**
 * Asks the push witnesses that have not cosigned the committed checkpoint (C2SP
 * tlog-witness, src/io/tlog/cosign.ts) and rewrites it with every cosignature that
 * verifies, keeping those already on it. Only ever for a checkpoint that is published: a
 * witness that cosigned a checkpoint which was then lost (a run killed before its push)
 * would see the next one of that size as a fork, and refuse the log for good. A witness
 * that is offline or refuses is reported, never fatal: the verifier judges the quorum.
 */
export async function cosignLog(flags: CosignFlags, ctx: Context): Promise<void> {
  const config = await configOf(ctx);
  if (!config) {
    ctx.io.out('No log in content/canary/canary.yml: nothing to cosign.');
    return;
  }
  const state = await readLog(ctx.project, config);
  const witnesses = await pushWitnesses(ctx);
  if (!state.signed || !state.checkpoint || witnesses.length === 0) {
    ctx.io.out(!state.signed ? 'The log has no checkpoint yet: nothing to cosign.' : 'No witness of log.witnesses has a submission URL: nobody to ask.');
    return;
  }
  const size = state.checkpoint.size;
  const from = flags.from === undefined ? size : Number(flags.from);
  if (!Number.isSafeInteger(from) || from < 0 || from > size)
    throw new UsageError('USAGE', 'not a size of this log', { field: '--from', expected: `a whole number from 0 to ${size}`, received: flags.from });
  const have = readCosignatures(
    state.signed,
    witnesses.map((w) => w.key),
  );
  const cosigned = typeof have === 'string' ? [] : have.cosignatures.map((c) => c.witness);
  const missing = witnesses.filter((w) => !cosigned.includes(w.key));
  if (missing.length === 0) {
    ctx.io.out(`The checkpoint (${size} entries) carries the cosignature of every witness with a URL.`);
    return;
  }
  const dir = logDir(ctx.project);
  const result = await cosignFromLogDir(dir, state.signed, from, missing);
  await writeFileAtomic(path.join(dir, 'checkpoint'), result.checkpoint);
  for (const line of describeCosignatures(result)) ctx.io.out(`Witness ${line}`);
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
  // Witnesses are asked once this checkpoint is published (candor canary log cosign), never before.
  if (result.appended.length > 0 && (await pushWitnesses(ctx)).length > 0)
    ctx.io.out('Once this checkpoint is published (committed and pushed), ask the witnesses: candor canary log cosign');
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
    .command('cosign')
    .description("ask log.witnesses' witnesses that have not cosigned the published checkpoint (after it is pushed)")
    .option('--from <size>', 'the size the witnesses last saw, for the consistency proof (default: this checkpoint; a witness behind says its size)')
    .action(async (flags: CosignFlags) => {
      await cosignLog(flags, ctx());
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
