/** candor keys: generate, import, list (with expiry warnings), rotate. */
import path from 'node:path';
import { appendFile, rename } from 'node:fs/promises';
import type { Command } from 'commander';
import { ContentError, UsageError } from '../../core/errors.ts';
import { describeKey, fingerprintOf, generateSigningKey, readKeys } from '../../core/pgp/keys.ts';
import { certifyReplacement } from '../../core/pgp/rotation.ts';
import { exists, readText, relative, writeFileAtomic } from '../../io/files.ts';
import { readKeyFolder, readSigningKey } from '../../io/keyring.ts';
import { readCanaryContent } from '../../io/read-content.ts';
import type { Context } from '../context.ts';
import { keySourceOptions, toKeySource } from './attest.ts';

const DAY = 86_400_000;

async function passphraseFor(flags: { passphraseFile?: string; passphraseEnv?: string }, ctx: Context): Promise<string> {
  const value = flags.passphraseFile ? (await readText(flags.passphraseFile)).replace(/\r?\n$/, '') : ctx.env[flags.passphraseEnv ?? 'CANDOR_PASSPHRASE'];
  if (!value)
    throw new UsageError('USAGE', 'a new private key needs a passphrase', {
      field: '--passphrase-file',
      hint: 'Set CANDOR_PASSPHRASE or pass --passphrase-file: keys are never written unencrypted.',
    });
  return value;
}

interface GenerateFlags {
  name: string;
  email?: string;
  out: string;
  expiresDays: string;
  passphraseFile?: string;
  passphraseEnv?: string;
}

export async function generate(flags: GenerateFlags, ctx: Context): Promise<string> {
  const out = path.resolve(flags.out);
  if (!path.relative(ctx.project.keys, out).startsWith('..')) {
    throw new UsageError('USAGE', 'refusing to write a private key into keys/', {
      field: '--out',
      expected: 'a path outside keys/ (which is published)',
      received: relative(ctx.project.root, out),
    });
  }
  if (await exists(out))
    throw new UsageError('USAGE', 'the file exists', { field: '--out', received: flags.out, hint: 'Choose a new file; candor never overwrites a key.' });
  const key = await generateSigningKey({
    name: flags.name,
    ...(flags.email ? { email: flags.email } : {}),
    passphrase: await passphraseFor(flags, ctx),
    expiresInDays: Number(flags.expiresDays),
    now: ctx.now,
  });
  await writeFileAtomic(out, key.privateKey, { mode: 0o600 });
  const pub = path.join(ctx.project.keys, `${key.fingerprint}.asc`);
  await writeFileAtomic(pub, key.publicKey);
  ctx.io.out(
    `Generated ${key.fingerprint}\n  private (encrypted): ${flags.out}\n  public: ${relative(ctx.project.root, pub)}\nAdd it to content/canary/canary.yml:\n  - name: ${flags.name}\n    fingerprint: ${key.fingerprint}`,
  );
  return key.fingerprint;
}

export async function importKey(file: string, ctx: Context): Promise<void> {
  const text = await readText(file);
  const keys = await readKeys(text, file);
  if (text.includes('PRIVATE KEY') || keys.some((k) => k.isPrivate())) {
    throw new ContentError('PRIVATE_KEY_IN_REPO', 'refusing to import a private key', {
      file,
      expected: 'a public key (gpg --armor --export FPR)',
      received: 'private key material',
    });
  }
  for (const key of keys) {
    const target = path.join(ctx.project.keys, `${fingerprintOf(key)}.asc`);
    await writeFileAtomic(target, key.armor().replace(/\r\n/g, '\n'));
    ctx.io.out(`Imported ${fingerprintOf(key)} (${key.getUserIDs().join(', ')}): ${relative(ctx.project.root, target)}`);
  }
}

function roleOf(fpr: string, roles: Map<string, string>, retired: boolean): string {
  return retired ? 'retired' : (roles.get(fpr) ?? 'unused');
}

export async function list(flags: { json?: boolean }, ctx: Context): Promise<number> {
  const content = await readCanaryContent(ctx.project).catch(() => undefined);
  const roles = new Map<string, string>();
  content?.config.signers.keys.forEach((k) => roles.set(k.fingerprint, 'signer'));
  content?.config.heartbeat.keys.forEach((k) => roles.set(k.fingerprint, 'heartbeat'));
  content?.config.panicKeys.forEach((k) => roles.set(k.fingerprint, 'panic'));
  const warnDays = content?.config.cadence.warnDays ?? 14;
  const rows = [];
  for (const file of await readKeyFolder(ctx.project.keys, ctx.project.root)) {
    for (const key of file.keys) {
      const info = await describeKey(key);
      const daysLeft = info.expires ? Math.floor((info.expires.getTime() - ctx.now.getTime()) / DAY) : null;
      const status = info.revoked
        ? 'revoked'
        : daysLeft !== null && daysLeft < 0
          ? 'expired'
          : daysLeft !== null && daysLeft <= warnDays
            ? `expires in ${daysLeft} days`
            : 'valid';
      rows.push({
        fingerprint: info.fingerprint,
        role: roleOf(info.fingerprint, roles, file.retired),
        userIDs: info.userIDs,
        created: info.created.toISOString(),
        expires: info.expires?.toISOString() ?? null,
        status,
        file: file.file,
      });
    }
  }
  ctx.io.out(
    flags.json
      ? JSON.stringify(rows, null, 2)
      : rows.map((r) => `${r.fingerprint}  ${r.role.padEnd(9)} ${r.status.padEnd(18)} ${r.userIDs.join(', ')}`).join('\n') || 'No keys in keys/.',
  );
  return rows.some((r) => r.role !== 'retired' && r.status !== 'valid') ? 1 : 0;
}

interface RotateFlags {
  newKey: string;
  reason: string;
  key?: string;
  keyEnv?: string;
  passphraseFile?: string;
  passphraseEnv?: string;
}

export async function rotate(flags: RotateFlags, ctx: Context): Promise<void> {
  const retired = await readSigningKey(toKeySource(flags), ctx.env);
  const [replacement] = await readKeys(await readText(flags.newKey), flags.newKey);
  if (!replacement || replacement.isPrivate())
    throw new UsageError('USAGE', 'the new key must be a public key', { field: '--new-key', received: flags.newKey });
  const certified = await certifyReplacement(replacement, retired, { now: ctx.now });
  const oldFpr = fingerprintOf(retired);
  const newFpr = fingerprintOf(certified);
  await writeFileAtomic(path.join(ctx.project.keys, `${newFpr}.asc`), certified.armor().replace(/\r\n/g, '\n'));
  const oldFile = path.join(ctx.project.keys, `${oldFpr}.asc`);
  if (await exists(oldFile))
    await rename(oldFile, path.join(ctx.project.retiredKeys, `${oldFpr}.asc`)).catch(async () => {
      await writeFileAtomic(path.join(ctx.project.retiredKeys, `${oldFpr}.asc`), await readText(oldFile));
    });
  await appendFile(
    path.join(ctx.project.retiredKeys, 'README.md'),
    `- ${oldFpr}: retired ${ctx.now.toISOString().slice(0, 10)}, replaced by ${newFpr}. ${flags.reason}\n`,
  );
  ctx.io.out(
    [
      `Certified ${newFpr} with ${oldFpr}; the old key is now in keys/retired/.`,
      'Announce it in the next attestation: in content/canary/canary.yml replace the old fingerprint and add',
      '  rotations:',
      `    - retired: ${oldFpr}`,
      `      replacement: ${newFpr}`,
      `      reason: ${JSON.stringify(flags.reason)}`,
    ].join('\n'),
  );
}

export function keysCommand(program: Command, ctx: () => Context, done: (code: number) => void): Command {
  const keys = program.command('keys').description('generate, import, list and rotate OpenPGP keys (public keys live in keys/)');
  keys
    .command('generate')
    .description('make a v4 Ed25519 signing key: encrypted private key to --out, public key to keys/')
    .requiredOption('--name <name>', 'who holds the key')
    .option('--email <email>', 'an address for the user ID')
    .requiredOption('--out <file>', 'where to write the encrypted private key (outside keys/)')
    .option('--expires-days <n>', 'key lifetime in days', '730')
    .option('--passphrase-file <file>', 'file holding the passphrase (default: $CANDOR_PASSPHRASE)')
    .option('--passphrase-env <name>', 'environment variable holding the passphrase')
    .action(async (flags: GenerateFlags) => {
      await generate(flags, ctx());
    });
  keys
    .command('import')
    .description('add a public key to keys/ (refuses private keys)')
    .argument('<file>')
    .action(async (file: string) => {
      await importKey(file, ctx());
    });
  keys
    .command('list')
    .description('list keys with role and expiry; exit 1 if an active key is expired, revoked or expiring soon')
    .option('--json', 'machine-readable output')
    .action(async (flags: { json?: boolean }) => {
      done(await list(flags, ctx()));
    });
  keySourceOptions(keys.command('rotate').description('certify a new key with the old one (--key), retire the old one'))
    .requiredOption('--new-key <file>', 'the new public key')
    .requiredOption('--reason <text>', 'why the key is rotated')
    .action(async (flags: RotateFlags) => {
      await rotate(flags, ctx());
    });
  return keys;
}
