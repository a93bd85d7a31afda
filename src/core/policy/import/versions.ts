/**
 * Imported documents to policy version files (pure). One file: one version. A folder of
 * dated snapshots: sorted by date, consecutive identical texts collapsed, one version per
 * distinct text with numbers in order (a guessed material change starts the next major
 * number, an editorial one the next minor), each with a summary left to write.
 */
import { stringify } from 'yaml';
import { ImportError } from '../../errors.ts';
import { compareVersions, type ChangeClass, type PolicyVersion } from '../model.ts';
import type { ImportedDocument } from './document.ts';
import { guessChange, sameText } from './compare.ts';

import { SUMMARY_TODO } from './todo.ts';
const HINT = 'docs/content.md#importing-an-existing-policy';

export interface ImportOptions {
  policy: string;
  title?: string;
  /** The first version's number; default: after the latest existing one, or 1.0. */
  version?: string;
  effective?: string;
  published?: string;
  /** The policy's versions already in content/, oldest first. */
  existing: PolicyVersion[];
}

export interface PlannedVersion {
  version: string;
  effective: string;
  published: string;
  change: ChangeClass;
  /** Why the change class was guessed (shown by the CLI; not written). */
  why: string;
  /** The snapshots this version stands for (identical texts collapsed into it). */
  sources: string[];
  path: string;
  text: string;
}

const nextMinor = (v: string): string => {
  const p = v.split('.').map(Number);
  if (p.length === 1) p.push(0);
  p[p.length - 1]! += 1;
  return p.join('.');
};
const nextMajor = (v: string): string => `${Number(v.split('.')[0]) + 1}.0`;

function dateOf(doc: ImportedDocument): string | undefined {
  return doc.dates.stated ?? doc.dates.markup ?? doc.dates.fileName;
}

function missingDate(doc: ImportedDocument): ImportError {
  return new ImportError('IMPORT_DATE_MISSING', 'no date found', {
    file: doc.name,
    field: 'effective',
    expected: 'an "Effective …" or "Last updated …" line, a <time datetime> or <meta> date, or a date in the file name (2024-01-15, 20240115093000)',
    received: 'none of these',
    hint: `Pass --effective YYYY-MM-DD (${HINT}).`,
  });
}

function render(front: Record<string, unknown>, body: string): string {
  return `---\n${stringify(front, { lineWidth: 0 })}---\n\n${body}`;
}

function file(opts: ImportOptions, doc: ImportedDocument, v: Omit<PlannedVersion, 'path' | 'text'>, title: string): PlannedVersion {
  const from = v.sources.length > 1 ? `${v.sources[0]} (and ${v.sources.length - 1} identical)` : v.sources[0]!;
  const front = { title, version: v.version, effective: v.effective, published: v.published, change: v.change, summary: SUMMARY_TODO, imported: { from } };
  return { ...v, path: `policies/${opts.policy}/${v.version}.md`, text: render(front, doc.body) };
}

function checkBody(doc: ImportedDocument): void {
  if (!doc.body.trim())
    throw new ImportError('IMPORT_EMPTY', 'no policy text left', {
      file: doc.name,
      expected: 'headings and paragraphs',
      received: 'an empty page after removing scripts, navigation and banners',
      hint: `Save the page with its text, or import a text or Markdown copy (${HINT}).`,
    });
}

/** One file: the flags win over what the file says. */
export function planSingle(doc: ImportedDocument, opts: ImportOptions): PlannedVersion {
  checkBody(doc);
  const latest = opts.existing.at(-1);
  if (latest && sameText(latest.body, doc.body))
    throw new ImportError('IMPORT_UNCHANGED', 'the same text as the latest version', {
      file: doc.name,
      expected: `a text that differs from ${latest.policy} ${latest.version}`,
      received: 'the same words',
      hint: `Nothing to import; pass --policy for another policy (${HINT}).`,
    });
  const effective = opts.effective ?? dateOf(doc);
  if (!effective) throw missingDate(doc);
  const guess = latest ? guessChange(latest.body, doc.body) : { change: 'material' as const, why: 'the first version' };
  const version = opts.version ?? (latest ? (guess.change === 'material' ? nextMajor(latest.version) : nextMinor(latest.version)) : '1.0');
  const title = opts.title ?? doc.title ?? latest?.title ?? opts.policy;
  const published = opts.published && opts.published < effective ? opts.published : effective;
  return file(opts, doc, { version, effective, published, change: guess.change, why: guess.why, sources: [doc.name] }, title);
}

interface Dated {
  doc: ImportedDocument;
  seen: string;
}

/** A folder of snapshots, in any order; each needs a date (its text's, or its name's). */
export function planHistory(docs: ImportedDocument[], opts: ImportOptions): PlannedVersion[] {
  const dated: Dated[] = docs
    .map((doc) => {
      checkBody(doc);
      const seen = doc.dates.fileName ?? dateOf(doc);
      if (!seen) throw missingDate(doc);
      return { doc, seen };
    })
    .sort((a, b) => (a.seen < b.seen ? -1 : a.seen > b.seen ? 1 : a.doc.name < b.doc.name ? -1 : 1));
  // Consecutive snapshots with the same text are one version, first seen at the earliest.
  const groups: Dated[][] = [];
  for (const d of dated) {
    const last = groups.at(-1);
    if (last && sameText(last[0]!.doc.body, d.doc.body)) last.push(d);
    else groups.push([d]);
  }
  const out: PlannedVersion[] = [];
  let previous = opts.existing.at(-1);
  let prevBody = previous?.body;
  let prevVersion = previous?.version;
  let prevEffective = previous?.effective;
  for (const group of groups) {
    const { doc, seen } = group[0]!;
    const guess = prevBody === undefined ? { change: 'material' as const, why: 'the first version' } : guessChange(prevBody, doc.body);
    const version =
      out.length === 0 && opts.version
        ? opts.version
        : prevVersion === undefined
          ? '1.0'
          : guess.change === 'material'
            ? nextMajor(prevVersion)
            : nextMinor(prevVersion);
    if (prevVersion !== undefined && compareVersions(version, prevVersion) <= 0)
      throw new ImportError('IMPORT_DATE_ORDER', 'version numbers would not increase', {
        file: doc.name,
        field: 'version',
        expected: `a version after ${prevVersion}`,
        received: version,
        hint: `Pass --version (${HINT}).`,
      });
    // The date the text states, unless it does not move on from the previous version (a
    // reworded page whose "last updated" line was left alone): then the day it was seen.
    const stated = doc.dates.stated ?? doc.dates.markup;
    const effective = [stated, seen].find((d): d is string => d !== undefined && (prevEffective === undefined || d > prevEffective));
    if (!effective)
      throw new ImportError('IMPORT_DATE_ORDER', 'a snapshot is dated before the version it follows', {
        file: doc.name,
        field: 'effective',
        expected: `a date after ${prevEffective}`,
        received: stated ?? seen,
        hint: `Rename the snapshot with the day it was saved, or import it alone with --effective (${HINT}).`,
      });
    const title = opts.title ?? doc.title ?? previous?.title ?? opts.policy;
    out.push(file(opts, doc, { version, effective, published: effective, change: guess.change, why: guess.why, sources: group.map((g) => g.doc.name) }, title));
    prevBody = doc.body;
    prevVersion = version;
    prevEffective = effective;
    previous = undefined;
  }
  return out;
}
