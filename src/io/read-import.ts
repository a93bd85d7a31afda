/** Reads what `candor policy import` converts: one file, or every snapshot in a folder (the core converts). */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.ts';
import { importDocument, type ImportedDocument } from '../core/policy/import/document.ts';
import { readText } from './files.ts';

const IMPORTABLE = /\.(html?|xhtml|md|markdown|mdown|txt|text)$/i;

export interface ImportSource {
  kind: 'file' | 'folder';
  documents: ImportedDocument[];
}

export async function readImportSource(target: string): Promise<ImportSource> {
  const info = await stat(target).catch(() => undefined);
  if (!info)
    throw new UsageError('INPUT_UNREADABLE', 'no such file or folder', {
      file: target,
      expected: 'a saved HTML page, a Markdown or text file, or a folder of them',
      received: 'nothing there',
    });
  if (info.isFile()) return { kind: 'file', documents: [importDocument(path.basename(target), await readText(target))] };
  const names = (await readdir(target)).filter((n) => IMPORTABLE.test(n) && !n.startsWith('.')).sort();
  if (names.length === 0)
    throw new UsageError('INPUT_UNREADABLE', 'no snapshots in the folder', {
      file: target,
      expected: 'files ending in .html, .htm, .md or .txt',
      received: 'none',
    });
  const documents: ImportedDocument[] = [];
  for (const name of names) documents.push(importDocument(name, await readText(path.join(target, name))));
  return { kind: 'folder', documents };
}
