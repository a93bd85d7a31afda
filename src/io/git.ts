/** Read-only git access: files as they were at a ref (the published state). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

async function git(root: string, args: string[]): Promise<string | undefined> {
  return exec('git', ['-C', root, ...args], { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => r.stdout,
    () => undefined,
  );
}

/** Source of every file under `dir` at `ref`, by path relative to `strip`; undefined when there is no such ref. */
export async function filesAtRef(root: string, ref: string, dir: string, strip: string): Promise<Map<string, string> | undefined> {
  const listing = await git(root, ['ls-tree', '-r', '--name-only', ref, '--', dir]);
  if (listing === undefined) return undefined;
  const files = new Map<string, string>();
  for (const file of listing.split('\n').filter((f) => f.endsWith('.md') && !f.endsWith('README.md'))) {
    const source = await git(root, ['show', `${ref}:${file}`]);
    if (source !== undefined) files.set(file.slice(strip.length), source);
  }
  return files;
}
