/** Reads an archive folder for `candor verify --archive DIR`. */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { REASONS } from '../core/verify/reasons.ts';
import { verifyArchive, type ArchiveResult } from '../core/verify/archive.ts';
import type { Clock } from '../core/verify/attestation.ts';
import { fingerprintOf } from '../core/pgp/keys.ts';
import { listArchive } from './archive.ts';
import { readPublicKeysFrom } from './keyring.ts';

async function readNamed(dir: string, names: string[]) {
  return Promise.all(names.map(async (name) => ({ name, file: await readFile(path.join(dir, name), 'utf8') })));
}

export async function verifyArchiveDir(dir: string, opts: { keys: string[]; clock: Clock }): Promise<ArchiveResult & { summary: string }> {
  const keys = (await Promise.all(opts.keys.map((k) => readPublicKeysFrom(k, process.cwd())))).flat();
  const attestations = await readNamed(dir, await listArchive(dir, 'attestation'));
  const heartbeats = await readNamed(dir, await listArchive(dir, 'heartbeat'));
  const result = await verifyArchive({ attestations, heartbeats, keys, pins: keys.map(fingerprintOf) }, opts.clock);
  const problems = [...result.reasons, ...(result.latest?.reasons ?? [])].filter((r) => REASONS[r.code] !== 'note');
  const summary = [
    `${result.verdict.toUpperCase()}: ${result.attestations} attestation(s), ${result.heartbeats} heartbeat(s) checked`,
    ...problems.map((r) => `  ${r.code} (${r.subject}): ${r.message}`),
  ].join('\n');
  return { ...result, summary };
}
