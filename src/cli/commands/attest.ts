/**
 * The people's side of the canary: prepare the next attestation, sign it (candor or
 * gpg), and publish it to the archive once the signer threshold is met.
 */
import path from 'node:path';
import { rm } from 'node:fs/promises';
import type { Command } from 'commander';
import { composeAttestation } from '../../core/canary/compose.ts';
import type { Signal } from '../../core/canary/model.ts';
import { ContentError, SigningError, UsageError } from '../../core/errors.ts';
import { fingerprintOf } from '../../core/pgp/keys.ts';
import { addSignatures, mergeDetachedSignature, signDocument } from '../../core/pgp/sign.ts';
import { REASONS } from '../../core/verify/reasons.ts';
import { verifyCanary } from '../../core/verify/verify-canary.ts';
import { archive, latestAttestation } from '../../io/archive.ts';
import { exists, readText, relative, writeFileAtomic } from '../../io/files.ts';
import { readKeyFolder, readSigningKey, type SigningKeySource } from '../../io/keyring.ts';
import { documentsToAttest } from '../../io/attested-documents.ts';
import { readCanaryContent } from '../../io/read-content.ts';
import type { Context } from '../context.ts';

const pendingText = (ctx: Context) => path.join(ctx.project.pending, 'attestation.txt');
const pendingSigned = (ctx: Context) => path.join(ctx.project.pending, 'attestation.signed.txt');

interface PrepareFlags {
  explain: string[];
  lifetimeDays?: string;
  duress?: string;
  final?: string;
}

function parseExplanations(list: string[]): Record<string, string> {
  return Object.fromEntries(
    list.map((entry) => {
      const at = entry.indexOf('=');
      if (at < 1) throw new UsageError('USAGE', 'bad --explain', { field: '--explain', expected: 'ID=why it changed', received: entry });
      return [entry.slice(0, at), entry.slice(at + 1).trim()];
    }),
  );
}

function signalOf(flags: PrepareFlags): Signal | undefined {
  if (flags.duress && flags.final) throw new UsageError('USAGE', 'choose one signal', { expected: '--duress or --final', received: 'both' });
  if (flags.duress) return { kind: 'duress', message: flags.duress };
  if (flags.final) return { kind: 'final', message: flags.final };
  return undefined;
}

function positiveDays(value: string): number {
  if (!/^[1-9]\d{0,4}$/.test(value))
    throw new UsageError('USAGE', 'not a number of days', {
      field: '--lifetime-days',
      expected: 'a whole number of days, such as 60',
      received: value,
      hint: 'Without it, the attestation lives cadence.attestationLifetimeDays (docs/content.md#canary-configuration).',
    });
  return Number(value);
}

export async function prepare(flags: PrepareFlags, ctx: Context): Promise<string> {
  const content = await readCanaryContent(ctx.project);
  const previous = await latestAttestation(ctx.project);
  const signal = signalOf(flags);
  const { data, text } = composeAttestation(
    {
      service: content.service,
      config: content.config,
      statements: content.statements,
      documents: await documentsToAttest(ctx.project, content, ctx.now),
      explanations: parseExplanations(flags.explain),
      ...(previous ? { previous: { data: previous.data, hash: previous.hash } } : {}),
      ...(signal ? { signal } : {}),
      ...(flags.lifetimeDays !== undefined ? { lifetimeDays: positiveDays(flags.lifetimeDays) } : {}),
    },
    { now: ctx.now },
  );
  await writeFileAtomic(pendingText(ctx), text);
  await rm(pendingSigned(ctx), { force: true });
  const rel = relative(ctx.project.root, pendingText(ctx));
  ctx.io.out(
    [
      `Prepared attestation ${data.sequence} (expires ${data.expires}): ${rel}`,
      `Read it, then each signer signs it (${data.signers.threshold} of ${data.signers.keys.length} needed), either:`,
      `  npx candor canary attest sign --key YOUR-PRIVATE-KEY.asc`,
      `or with gpg (e.g. a hardware key):`,
      `  gpg --armor --textmode --detach-sign --local-user FINGERPRINT --output my.sig ${rel}`,
      `  npx candor canary attest add-signature my.sig`,
      `then: npx candor canary attest publish`,
    ].join('\n'),
  );
  return text;
}

async function requirePending(ctx: Context): Promise<string> {
  if (!(await exists(pendingText(ctx)))) {
    throw new ContentError('FILE_MISSING', 'no prepared attestation', {
      file: relative(ctx.project.root, pendingText(ctx)),
      hint: 'Run: candor canary attest prepare',
    });
  }
  return readText(pendingText(ctx));
}

async function currentSigned(ctx: Context): Promise<string | null> {
  return (await exists(pendingSigned(ctx))) ? readText(pendingSigned(ctx)) : null;
}

/**
 * Only a key of the signer policy (or a panic key: signing with one is the panic signal)
 * may sign: a signature by any other key would count for nothing, and publish would
 * refuse it later, after the signer has gone.
 */
async function requireSignerKey(key: Awaited<ReturnType<typeof readSigningKey>>, ctx: Context): Promise<void> {
  const { config } = await readCanaryContent(ctx.project);
  const fpr = fingerprintOf(key);
  if ([...config.signers.keys, ...config.panicKeys].some((k) => k.fingerprint === fpr)) return;
  throw new SigningError('SIGNER_NOT_IN_POLICY', 'this key is not one of the attestation signers', {
    file: 'content/canary/canary.yml',
    field: 'signers.keys',
    expected: `a key of the signer policy: ${config.signers.keys.map((k) => `${k.fingerprint} (${k.name})`).join(', ')}`,
    received: fpr,
    hint: 'Sign with your own signer key, or have the signers add this key to signers.keys first (docs/content.md#canary-configuration).',
  });
}

export async function sign(source: SigningKeySource, ctx: Context): Promise<void> {
  const text = await requirePending(ctx);
  const key = await readSigningKey(source, ctx.env);
  await requireSignerKey(key, ctx);
  const signed = await currentSigned(ctx);
  const file = signed ? await addSignatures(signed, [key], { now: ctx.now }) : await signDocument(text, [key], { now: ctx.now });
  await writeFileAtomic(pendingSigned(ctx), file);
  ctx.io.out(`Signed by ${fingerprintOf(key)}: ${relative(ctx.project.root, pendingSigned(ctx))}`);
}

export async function addSignature(sigFile: string, ctx: Context): Promise<void> {
  const text = await requirePending(ctx);
  // Only the policy's signers (and panic keys) may sign: a signature by any other key is named as such.
  const { config } = await readCanaryContent(ctx.project);
  const folder = (await readKeyFolder(ctx.project.keys, ctx.project.root)).filter((f) => !f.retired).flatMap((f) => f.keys);
  // In canary.yml's order, so that messages list them as the policy does.
  const keys = [...config.signers.keys, ...config.panicKeys].flatMap((ref) => folder.filter((k) => fingerprintOf(k) === ref.fingerprint));
  const merged = await mergeDetachedSignature({ file: await currentSigned(ctx), text, detached: await readText(sigFile), signerKeys: keys, source: sigFile });
  await writeFileAtomic(pendingSigned(ctx), merged);
  ctx.io.out(`Added the signature from ${sigFile}: ${relative(ctx.project.root, pendingSigned(ctx))}`);
}

/** Publishes only what verifies: the threshold met by keys in keys/, the chain intact. */
export async function publish(ctx: Context): Promise<string> {
  const signed = await currentSigned(ctx);
  if (!signed)
    throw new ContentError('FILE_MISSING', 'no signed attestation to publish', {
      file: relative(ctx.project.root, pendingSigned(ctx)),
      hint: 'Sign it first: candor canary attest sign',
    });
  const keys = (await readKeyFolder(ctx.project.keys, ctx.project.root)).filter((f) => !f.retired).flatMap((f) => f.keys);
  const previous = await latestAttestation(ctx.project);
  // The project's own keys, each for the role canary.yml gives it (a single-layer canary's CI key signs too).
  const pins = keys.map(fingerprintOf);
  const result = await verifyCanary(
    { attestation: signed, keys, pins, automated: pins, requireHeartbeat: false, ...(previous ? { previous: previous.signed } : {}) },
    { now: ctx.now, skewSeconds: 300 },
  );
  const blocking = result.reasons.filter((r) => REASONS[r.code] === 'invalid');
  if (blocking.length > 0 || !result.attestation) {
    throw new ContentError('COMPOSE_REFUSED', 'the signed attestation does not verify', {
      file: relative(ctx.project.root, pendingSigned(ctx)),
      expected: 'a valid attestation',
      received: blocking.map((r) => `${r.code}: ${r.message}`).join('; '),
      hint: 'Collect the missing signatures, or prepare again.',
    });
  }
  const file = await archive(ctx.project, 'attestation', result.attestation.data.sequence, signed);
  await rm(ctx.project.pending, { recursive: true, force: true });
  ctx.io.out(`Published attestation ${result.attestation.data.sequence}: ${relative(ctx.project.root, file)}`);
  return file;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function keySourceOptions(cmd: Command): Command {
  return cmd
    .option('--key <file>', 'armored private key file (default: $CANDOR_SIGNING_KEY)')
    .option('--key-env <name>', 'environment variable holding the armored private key')
    .option('--passphrase-file <file>', 'file holding the passphrase (default: $CANDOR_PASSPHRASE)')
    .option('--passphrase-env <name>', 'environment variable holding the passphrase');
}

export function toKeySource(flags: { key?: string; keyEnv?: string; passphraseFile?: string; passphraseEnv?: string }): SigningKeySource {
  return {
    ...(flags.key ? { keyFile: flags.key } : {}),
    ...(flags.keyEnv ? { keyEnv: flags.keyEnv } : {}),
    ...(flags.passphraseFile ? { passphraseFile: flags.passphraseFile } : {}),
    ...(flags.passphraseEnv ? { passphraseEnv: flags.passphraseEnv } : {}),
  };
}

export function attestCommand(canary: Command, ctx: () => Context): void {
  const attest = canary.command('attest').description('the human attestation: prepare, sign, add a gpg signature, publish');
  attest
    .command('prepare')
    .description('compose the next attestation from content/ into content/canary/pending/')
    .option('--explain <ID=why>', 'explain a removed, reworded or reordered statement (repeatable)', collect, [])
    .option('--lifetime-days <n>', 'days until it expires (default: cadence.attestationLifetimeDays)')
    .option('--duress <message>', 'signal duress: verifiers will show the canary as tripped')
    .option('--final <message>', 'end the canary for good (a signed, graceful end)')
    .action(async (flags: PrepareFlags) => {
      await prepare(flags, ctx());
    });
  keySourceOptions(attest.command('sign').description('sign the prepared attestation with a key file (adds to other signatures)')).action(
    async (flags: Parameters<typeof toKeySource>[0]) => {
      await sign(toKeySource(flags), ctx());
    },
  );
  attest
    .command('add-signature')
    .description('merge a detached signature made with gpg --textmode --detach-sign')
    .argument('<signature>', 'the .sig/.asc file')
    .action(async (file: string) => {
      await addSignature(file, ctx());
    });
  attest
    .command('publish')
    .description('check the signatures and the chain, then add the attestation to the archive')
    .action(async () => {
      await publish(ctx());
    });
}
