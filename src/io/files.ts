/** File access for the CLI and scripts. Every write is atomic: temp file, fsync, rename. */
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';
import { ContentError, systemReason } from '../core/errors.ts';

export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomicLib(file, typeof data === 'string' ? data : Buffer.from(data), { mode: opts.mode ?? 0o644, fsync: true });
}

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export async function readText(file: string, label = file): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ContentError('FILE_MISSING', 'cannot read the file', {
      file: label,
      expected: 'a readable file',
      received: systemReason((error as NodeJS.ErrnoException).code),
      cause: error,
    });
  }
}

export async function listFiles(dir: string, filter: (name: string) => boolean = () => true): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter(filter).sort();
}

/** Paths in messages are relative to the project, as a reader of the repository sees them. */
export function relative(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') ? file : rel;
}
