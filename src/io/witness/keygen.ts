/**
 * A new witness key: 32 random bytes from the system, written as a signer key to a file
 * only this user may read (created, never overwritten); the caller prints the vkey.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { COSIGNATURE_V1, formatSignerKey, formatVerifierKey, signerFromSeed } from '../../core/tlog/note.ts';
import { WitnessError, WITNESS_DOCS } from '../../core/witness/errors.ts';

export async function generateWitnessKey(name: string, out: string): Promise<string> {
  const key = signerFromSeed(name, new Uint8Array(randomBytes(32)), COSIGNATURE_V1);
  await mkdir(path.dirname(out), { recursive: true });
  let handle;
  try {
    handle = await open(out, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new WitnessError('WITNESS_KEY_EXISTS', 'will not overwrite a file with a new key', {
      file: out,
      expected: 'a path where no file is',
      received: 'an existing file',
      hint: `Choose another --out; a witness keeps its key for life. See ${WITNESS_DOCS}#keys.`,
    });
  }
  try {
    await handle.writeFile(`${formatSignerKey(key)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return formatVerifierKey(key);
}
