/** Public keys from keys/ (or files and URLs), and the signing key from a file or the environment. */
import path from 'node:path';
import { readFile, readdir } from 'node:fs/promises';
import type * as openpgp from 'openpgp';
import { ContentError, systemReason, UsageError } from '../core/errors.ts';
import { DOCS } from '../core/docs-links.ts';
import { readKeys, unlockKey } from '../core/pgp/keys.ts';
import { relative } from './files.ts';

const KEY_FILE = /\.(asc|gpg|pgp|key)$/;

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]))));
  return nested.flat().sort();
}

/** Refuses any private key material: keys/ is published as it is. */
function refusePrivate(text: string, keys: openpgp.Key[], label: string): void {
  if (text.includes('PRIVATE KEY BLOCK') || keys.some((k) => k.isPrivate())) {
    throw new ContentError('PRIVATE_KEY_IN_REPO', 'a private key is in the public key folder', {
      file: label,
      expected: 'public keys only',
      received: 'private key material',
      hint: 'Remove it from the folder AND from git history, and treat the key as compromised: revoke it and rotate (candor keys rotate).',
    });
  }
}

export interface KeyFile {
  file: string;
  keys: openpgp.Key[];
  retired: boolean;
}

export async function readKeyFolder(dir: string, root: string): Promise<KeyFile[]> {
  const files = (await walk(dir)).filter((f) => KEY_FILE.test(f));
  return Promise.all(
    files.map(async (file) => {
      const bytes = await readFile(file);
      const label = relative(root, file);
      const text = bytes.toString('utf8');
      const keys = await readKeys(text.includes('-----BEGIN') ? text : new Uint8Array(bytes), label);
      refusePrivate(text, keys, label);
      return { file: label, keys, retired: path.relative(dir, file).split(path.sep).includes('retired') };
    }),
  );
}

export async function readPublicKeysFrom(source: string, root: string): Promise<openpgp.Key[]> {
  const files = await readKeyFolder(source, root).catch(() => null);
  if (files && files.length > 0) return files.flatMap((f) => f.keys);
  const bytes = await readFile(source).catch(() => {
    throw new UsageError('INPUT_UNREADABLE', 'cannot read the key file', { file: source, expected: 'a key file or a folder of .asc files' });
  });
  const text = bytes.toString('utf8');
  const keys = await readKeys(text.includes('-----BEGIN') ? text : new Uint8Array(bytes), source);
  return keys.map((k) => (k.isPrivate() ? k.toPublic() : k));
}

export interface SigningKeySource {
  keyFile?: string;
  keyEnv?: string;
  passphraseFile?: string;
  passphraseEnv?: string;
}

/** A key or passphrase file; an unreadable one is the user's to fix (exit 65), never an internal error. Its content is never shown. */
async function readSecretFile(file: string, flag: string, expected: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError('INPUT_UNREADABLE', 'cannot read the file', {
      file,
      field: flag,
      expected,
      received: systemReason(error.code),
      hint: `Check the path. Keys and passphrases come only from files or environment variables: see ${DOCS.cli}.`,
    });
  });
}

/** The private key is only ever held in memory; errors never include key or passphrase. */
export async function readSigningKey(src: SigningKeySource, env: NodeJS.ProcessEnv): Promise<openpgp.PrivateKey> {
  const envName = src.keyEnv ?? (src.keyFile ? undefined : 'CANDOR_SIGNING_KEY');
  const armored = src.keyFile ? await readSecretFile(src.keyFile, '--key', 'an armored private key file') : env[envName!];
  const label = src.keyFile ?? `$${envName}`;
  if (!armored) {
    throw new UsageError('USAGE', 'no signing key', {
      file: label,
      expected: 'an armored private key',
      received: src.keyFile ? 'an empty file' : 'an unset or empty variable',
      hint: 'Pass --key FILE, or set CANDOR_SIGNING_KEY (in CI: a repository secret).',
    });
  }
  const passphrase = src.passphraseFile
    ? (await readSecretFile(src.passphraseFile, '--passphrase-file', 'a file holding the passphrase')).replace(/\r?\n$/, '')
    : env[src.passphraseEnv ?? 'CANDOR_PASSPHRASE'];
  return unlockKey(armored, passphrase, label);
}
