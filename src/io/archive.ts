/**
 * The archive of every issued attestation and heartbeat: one file each, named by
 * sequence, never overwritten (nothing published is lost).
 */
import path from 'node:path';
import { link, unlink } from 'node:fs/promises';
import { documentHash } from '../core/canonical.ts';
import { parseCanaryTextFast } from '../core/canary/read-text.ts';
import type { AttestationData, CanaryData, HeartbeatData } from '../core/canary/model.ts';
import { ContentError } from '../core/errors.ts';
import { splitSignedFile } from '../core/pgp/armor.ts';
import { exists, listFiles, readText, relative, writeFileAtomic } from './files.ts';
import type { Project } from './project.ts';

export type Kind = CanaryData['kind'];

export interface ArchivedDocument<T extends CanaryData = CanaryData> {
  file: string;
  /** The published cleartext file. */
  signed: string;
  text: string;
  data: T;
  hash: string;
}

const NAME = /^(attestation|heartbeat)-(\d{6,})\.txt$/;

/** The kind and sequence number an archive file name stands for, or null for any other name. */
export function parseArchiveName(name: string): { kind: Kind; sequence: number } | null {
  const m = NAME.exec(name);
  return m ? { kind: m[1] as Kind, sequence: Number(m[2]) } : null;
}

export function archiveName(kind: Kind, sequence: number): string {
  return `${kind}-${String(sequence).padStart(6, '0')}.txt`;
}

export async function listArchive(dir: string, kind: Kind): Promise<string[]> {
  return listFiles(dir, (n) => NAME.exec(n)?.[1] === kind);
}

/** Reads a signed canary file without checking signatures (that is verify's job). */
export async function readArchived<T extends CanaryData>(file: string, root: string): Promise<ArchivedDocument<T>> {
  const label = relative(root, file);
  const signed = await readText(file, label);
  const split = await splitSignedFile(signed, 'archive');
  const parsed = split.ok ? await parseCanaryTextFast(split.value.text, 'archive') : split;
  if (!split.ok || !parsed.ok) {
    const reason = (parsed.ok ? split : parsed) as { reasons: { code: string; message: string }[] };
    throw new ContentError('SCHEMA_INVALID', 'not a valid canary document', {
      file: label,
      expected: 'a signed Candor canary document',
      received: `${reason.reasons[0]?.code}: ${reason.reasons[0]?.message}`,
    });
  }
  return { file: label, signed, text: split.value.text, data: parsed.data as T, hash: await documentHash(split.value.text) };
}

export async function latest<T extends CanaryData>(project: Project, kind: Kind): Promise<ArchivedDocument<T> | undefined> {
  const names = await listArchive(project.archive, kind);
  const last = names.at(-1);
  return last ? readArchived<T>(path.join(project.archive, last), project.root) : undefined;
}

export const latestAttestation = (p: Project) => latest<AttestationData>(p, 'attestation');
export const latestHeartbeat = (p: Project) => latest<HeartbeatData>(p, 'heartbeat');

/** Adds a document to the archive; refuses to replace one already published. */
export async function archive(project: Project, kind: Kind, sequence: number, signed: string): Promise<string> {
  const file = path.join(project.archive, archiveName(kind, sequence));
  if (await exists(file)) {
    throw new ContentError('COMPOSE_REFUSED', 'already in the archive', {
      file: relative(project.root, file),
      expected: 'a new sequence number',
      received: sequence,
      hint: 'Published documents are never replaced; issue the next one.',
    });
  }
  // Write beside it, then link: link() fails if another run created the file meanwhile.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFileAtomic(temp, signed);
  try {
    await link(temp, file);
  } catch (error) {
    throw new ContentError('COMPOSE_REFUSED', 'already in the archive', {
      file: relative(project.root, file),
      expected: 'a new sequence number',
      received: sequence,
      cause: error,
    });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return file;
}
