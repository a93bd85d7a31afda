/**
 * A witness's state folder (docs/witness.md#the-state-folder): `witness.yml`, the logs it
 * cosigns, and `logs/<origin, URL-encoded>.json`, the last checkpoint it cosigned for each.
 * A record is replaced atomically, and read, decided and replaced under a per-log lock
 * (in this process, and between processes by a lock file), as tlog-witness requires: two
 * requests checked against the same record cannot both be cosigned, and the second cannot
 * roll the record back.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatRecord, parseRecord, type StoredRecord } from '../../core/witness/check.ts';
import { parseWitnessConfig, type WitnessConfig } from '../../core/witness/config.ts';
import { WitnessError, WITNESS_DOCS } from '../../core/witness/errors.ts';
import { parseSignerKey, COSIGNATURE_V1, type SignerKey } from '../../core/tlog/note.ts';
import { readText, relative, writeFileAtomic } from '../files.ts';
import { withLock } from '../notify/lock.ts';

export const CONFIG_FILE = 'witness.yml';
export const WITNESS_KEY_ENV = 'CANDOR_WITNESS_KEY';

/** `root`: what the file's name in messages is relative to (the project, as elsewhere). */
export async function readWitnessConfig(stateDir: string, root = process.cwd()): Promise<WitnessConfig> {
  const file = path.join(stateDir, CONFIG_FILE);
  const label = relative(root, file);
  return parseWitnessConfig(await readText(file, label), label);
}

export function recordFile(stateDir: string, origin: string): string {
  return path.join(stateDir, 'logs', `${encodeURIComponent(origin)}.json`);
}

/** The last cosigned checkpoint of `origin`, null if never; an unusable file is an error, never "never". */
export async function readRecord(stateDir: string, origin: string): Promise<StoredRecord | null> {
  const file = recordFile(stateDir, origin);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw stateInvalid(file, 'a file this user cannot read');
  }
  const record = parseRecord(text, origin);
  if (typeof record === 'string') throw stateInvalid(file, record);
  return record;
}

function stateInvalid(file: string, received: string): WitnessError {
  return new WitnessError('WITNESS_STATE_INVALID', "cannot use the witness's record of a log", {
    file,
    expected: 'the record this witness wrote',
    received,
    hint: `Restore it from your backup or the published cosignatures; deleting it makes the witness trust the log anew. See ${WITNESS_DOCS}#the-state-folder.`,
  });
}

export async function writeRecord(stateDir: string, record: StoredRecord): Promise<void> {
  await writeFileAtomic(recordFile(stateDir, record.origin), formatRecord(record));
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` alone for this log: after every earlier call in this process, and holding the log's lock file. */
export function serialised<T>(stateDir: string, origin: string, fn: () => Promise<T>): Promise<T> {
  const file = `${recordFile(stateDir, origin)}.lock`;
  const before = queues.get(file) ?? Promise.resolve();
  const run = before.then(() =>
    withLock(
      file,
      {
        // Held for a read, a decision and a write (milliseconds); a lock this old is a dead process's.
        staleMs: 120_000,
        waitMs: 20_000,
        retryMs: 20,
        owner: `candor witness ${process.pid}`,
        locked: (lock, holder) =>
          new WitnessError('WITNESS_STATE_LOCKED', "another process holds the witness's record of this log", {
            file: lock,
            expected: 'the lock released within 20 s',
            received: holder,
            hint: `If no other candor witness runs on this folder, delete ${path.basename(lock)}. See ${WITNESS_DOCS}#the-state-folder.`,
          }),
      },
      fn,
    ),
  );
  const settled = run.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return run;
}

/** The witness's signer key from CANDOR_WITNESS_KEY; its value never appears in a message. */
export function witnessKeyFrom(env: NodeJS.ProcessEnv): SignerKey {
  const text = env[WITNESS_KEY_ENV]?.trim();
  if (!text)
    throw new WitnessError('WITNESS_KEY_MISSING', 'the witness key is not set', {
      field: WITNESS_KEY_ENV,
      expected: 'the witness signer key, PRIVATE+KEY+<name>+<id>+<key>',
      received: 'nothing',
      hint: `candor witness keygen writes one. See ${WITNESS_DOCS}#keys.`,
    });
  const key = parseSignerKey(text);
  if (typeof key === 'string' || key.type !== COSIGNATURE_V1)
    throw new WitnessError('WITNESS_KEY_INVALID', 'not a witness key', {
      field: WITNESS_KEY_ENV,
      expected: 'a cosignature (type 4) signer key, PRIVATE+KEY+<name>+<id>+<key>, as candor witness keygen writes',
      received: typeof key === 'string' ? `a value that does not read as one (${key})` : 'a note-signing (type 1) key, such as a log key',
      hint: `See ${WITNESS_DOCS}#keys.`,
    });
  return key;
}
