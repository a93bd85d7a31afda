/**
 * Private key material anywhere in what gets published: every file git would commit in
 * the repository (tracked, or untracked and not ignored), or every file of a built site.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { findPrivateKeyMaterial, type SecretKind } from '../core/secret-scan.ts';

const exec = promisify(execFile);
/** Larger files are reported as unscanned rather than read whole. */
export const MAX_SCANNED_BYTES = 32 * 1024 * 1024;

export interface SecretFinding {
  file: string;
  kind: SecretKind | 'too-large';
}

/** Files under `dir`, relative to it; node_modules and .git are never published. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e): Promise<string[]> => {
      const rel = path.join(prefix, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' || e.name === '.git' ? Promise.resolve([]) : walk(dir, rel);
      return Promise.resolve(e.isFile() ? [rel] : []);
    }),
  );
  return nested.flat();
}

/** What git would publish from `root` (tracked, and untracked but not ignored); every file when it is not in a git work tree. */
export async function publishableFiles(root: string): Promise<string[]> {
  const listed = await exec('git', ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { maxBuffer: 256 * 1024 * 1024 }).then(
    (r) => r.stdout.split('\0').filter(Boolean),
    () => null,
  );
  return [...new Set(listed ?? (await walk(root)))].sort();
}

/** Every file of `files` (relative to `root`) that holds private key material. */
export async function scanForSecrets(root: string, files: string[], opts: { markup?: boolean } = {}): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  for (const file of files) {
    const full = path.join(root, file);
    const info = await stat(full).catch(() => null);
    // A tracked file deleted in the work tree publishes nothing.
    if (!info?.isFile()) continue;
    if (info.size > MAX_SCANNED_BYTES) {
      findings.push({ file, kind: 'too-large' });
      continue;
    }
    const kind = await findPrivateKeyMaterial(new Uint8Array(await readFile(full)), opts);
    if (kind) findings.push({ file, kind });
  }
  return findings;
}

/** Every file of a built site that holds private key material, also inside its HTML and JSON. */
export async function scanSite(dir: string): Promise<SecretFinding[]> {
  return scanForSecrets(dir, await walk(dir), { markup: true });
}
