/** candor policy: list, diff (terminal, --json, --html) and new (start the next version). */
import { escapeHtml } from '../../core/escape.ts';
import path from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ContentError, UsageError } from '../../core/errors.ts';
import { see } from '../../core/docs-links.ts';
import { policyChangelog } from '../../core/policy/changelog.ts';
import { diffFacts } from '../../core/policy/facts-diff.ts';
import { compareVersions, versionNumber, type PolicyVersion } from '../../core/policy/model.ts';
import { diffPolicies } from '../../core/policy/diff/word-diff.ts';
import { diffToJson, renderDiffHtml, renderDiffTerminal } from '../../core/policy/diff/render.ts';
import { exists, readText, relative, writeFileAtomic } from '../../io/files.ts';
import { readPolicies, type PolicySet } from '../../io/read-policies.ts';
import { parseServiceConfig } from '../../core/content/canary-config.ts';
import type { Context } from '../context.ts';
import type { ImportOptions, PlannedVersion } from '../../core/policy/import/versions.ts';
import { policyId, day } from '../../core/policy/model.ts';
import { labelsCommand } from './policy-labels.ts';

async function loadPolicy(ctx: Context, policy: string): Promise<{ set: PolicySet; versions: PolicyVersion[] }> {
  const set = await readPolicies(ctx.project);
  const versions = set.policies.get(policy);
  if (!versions || versions.length === 0) {
    throw new UsageError('USAGE', 'no such policy', {
      field: 'policy',
      expected: [...set.policies.keys()].join(', ') || 'a folder under content/policies/',
      received: policy,
      hint: see('policy', '`candor policy list` shows every policy and its versions.'),
    });
  }
  return { set, versions };
}

function pick(versions: PolicyVersion[], version: string | undefined, fallback: PolicyVersion | undefined, label: string): PolicyVersion {
  const found = version ? versions.find((v) => v.version === version) : fallback;
  if (!found)
    throw new UsageError('USAGE', `no version ${version ?? '(none)'}`, {
      field: label,
      expected: versions.map((v) => v.version).join(', '),
      received: version ?? 'nothing',
      hint: see('policy', '`candor policy list` shows every policy and its versions.'),
    });
  return found;
}

interface DiffFlags {
  json?: boolean;
  html?: boolean;
  color?: boolean;
}

export async function policyDiff(policy: string, a: string | undefined, b: string | undefined, flags: DiffFlags, ctx: Context): Promise<void> {
  const { versions } = await loadPolicy(ctx, policy);
  const to = pick(versions, b, versions.at(-1), 'B');
  const from = pick(versions, a, versions[versions.indexOf(to) - 1], 'A');
  const diff = diffPolicies(from.body, to.body);
  const facts = diffFacts(from.facts, to.facts);
  if (flags.json) {
    ctx.io.out(
      JSON.stringify(
        { policy, from: from.version, to: to.version, change: to.change, summary: to.summary, effective: to.effective, facts, diff: diffToJson(diff) },
        null,
        2,
      ),
    );
    return;
  }
  if (flags.html) {
    ctx.io.out(
      `<section class="policy-diff"><h2>${escapeHtml(`${policy} ${from.version} → ${to.version}`)}</h2>\n${facts.length ? `<ul class="facts">${facts.map((f) => `<li>${escapeHtml(f.text)}</li>`).join('')}</ul>\n` : ''}${renderDiffHtml(diff)}</section>`,
    );
    return;
  }
  ctx.io.out(
    [
      `${to.title} ${from.version} → ${to.version} (${to.change}, effective ${to.effective})`,
      `Summary: ${to.summary}`,
      ...(facts.length ? ['Facts:', ...facts.map((f) => `  ${f.text}`)] : []),
      '',
      renderDiffTerminal(diff, { color: flags.color ?? false }),
    ].join('\n'),
  );
}

export async function policyList(flags: { json?: boolean }, ctx: Context): Promise<void> {
  const set = await readPolicies(ctx.project);
  const rows = [...set.policies].map(([policy, versions]) => ({
    policy,
    title: versions.at(-1)?.title ?? policy,
    versions: policyChangelog(versions, ctx.now).map((e) => ({
      version: e.version,
      effective: e.effective,
      published: e.published,
      change: e.change,
      status: e.status,
      summary: e.summary,
    })),
  }));
  if (flags.json) return ctx.io.out(JSON.stringify(rows, null, 2));
  ctx.io.out(
    rows
      .map((r) =>
        [
          `${r.policy}: ${r.title}`,
          ...r.versions.map((v) => `  ${v.version.padEnd(6)} ${v.effective} ${v.change.padEnd(9)} ${v.status.padEnd(8)} ${v.summary}`),
        ].join('\n'),
      )
      .join('\n\n') || 'No policies under content/policies/.',
  );
}

function nextVersion(version: string): string {
  const parts = version.split('.').map(Number);
  if (parts.length === 1) parts.push(0);
  parts[parts.length - 1]! += 1;
  return parts.join('.');
}

async function noticeDays(ctx: Context): Promise<number> {
  const file = path.join(ctx.project.content, 'service.yml');
  return parseServiceConfig(await readText(file), 'content/service.yml').policies.noticePeriodDays;
}

/** Starts the next version: today's publication, the notice period's effective date, an empty summary to fill. */
export async function policyNew(policy: string, flags: { version?: string }, ctx: Context): Promise<string> {
  const { versions } = await loadPolicy(ctx, policy);
  const latest = versions.at(-1)!;
  const version = flags.version ?? nextVersion(latest.version);
  // The version names the file: only a version number, and one after the latest.
  if (!versionNumber.safeParse(version).success || compareVersions(version, latest.version) <= 0) {
    throw new UsageError('USAGE', 'not a next version number', {
      field: '--version',
      expected: `a version number after ${latest.version}, like ${nextVersion(latest.version)}`,
      received: version,
      hint: 'See docs/content.md#policy-versions.',
    });
  }
  const file = path.join(ctx.project.content, 'policies', policy, `${version}.md`);
  if (await exists(file))
    throw new ContentError('COMPOSE_REFUSED', 'that version exists', { file: relative(ctx.project.root, file), hint: 'Edit it, or pass --version.' });
  const today = ctx.now.toISOString().slice(0, 10);
  const effective = new Date(Date.parse(`${today}T00:00:00Z`) + (await noticeDays(ctx)) * 86_400_000).toISOString().slice(0, 10);
  const front = {
    title: latest.title,
    version,
    effective,
    published: today,
    change: 'material',
    summary: '',
    ...(latest.supplements ? { supplements: latest.supplements } : {}),
    ...(latest.language !== 'en' ? { language: latest.language } : {}),
    ...(latest.facts ? { facts: latest.facts } : {}),
  };
  await writeFileAtomic(file, `---\n${stringify(front, { lineWidth: 0 })}---\n${latest.body}`);
  ctx.io.out(
    `Started ${relative(ctx.project.root, file)} from ${latest.version}: edit the text and facts, write the summary, set the change class (material needs ${effective} or later), then run candor check.`,
  );
  return file;
}

interface ImportFlags {
  policy?: string;
  version?: string;
  effective?: string;
  published?: string;
  title?: string;
  dryRun?: boolean;
}

function flag<T>(schema: { safeParse(v: unknown): { success: boolean } }, name: string, value: T | undefined, expected: string): T | undefined {
  if (value !== undefined && !schema.safeParse(value).success) throw new UsageError('USAGE', 'not a valid value', { field: name, expected, received: value });
  return value;
}

/** candor policy import FILE|DIR: version files from a saved page, a Markdown or text file, or a folder of snapshots. */
export async function policyImport(target: string, flags: ImportFlags, ctx: Context): Promise<PlannedVersion[]> {
  const policy = flag(policyId, '--policy', flags.policy ?? 'privacy', 'a folder name: lower-case letters, digits and -')!;
  const opts: ImportOptions = {
    policy,
    existing: (await readPolicies(ctx.project)).policies.get(policy) ?? [],
    ...(flags.title ? { title: flags.title } : {}),
    ...(flag(versionNumber, '--version', flags.version, 'a version like 2 or 2.1') ? { version: flags.version! } : {}),
    ...(flag(day, '--effective', flags.effective, 'a date like 2024-03-01') ? { effective: flags.effective! } : {}),
    ...(flag(day, '--published', flags.published, 'a date like 2024-03-01') ? { published: flags.published! } : {}),
  };
  // Loaded here, not at start-up: the HTML libraries cost every other command nothing.
  const [{ planHistory, planSingle }, { readImportSource }] = await Promise.all([
    import('../../core/policy/import/versions.ts'),
    import('../../io/read-import.ts'),
  ]);
  const source = await readImportSource(target);
  if (source.kind === 'folder' && (flags.effective || flags.published))
    throw new UsageError('USAGE', 'dates are read from each snapshot', {
      field: flags.effective ? '--effective' : '--published',
      expected: 'no date flag with a folder (each snapshot is dated by its text or its file name)',
      received: flags.effective ?? flags.published,
    });
  const planned = source.kind === 'file' ? [planSingle(source.documents[0]!, opts)] : planHistory(source.documents, opts);
  for (const v of planned) {
    const file = path.join(ctx.project.content, v.path);
    if (await exists(file))
      throw new ContentError('COMPOSE_REFUSED', 'that version exists', {
        file: relative(ctx.project.root, file),
        hint: 'Pass --version, or --policy for another policy.',
      });
  }
  for (const v of planned) {
    if (!flags.dryRun) await writeFileAtomic(path.join(ctx.project.content, v.path), v.text);
    ctx.io.out(`${flags.dryRun ? 'Would write' : 'Wrote'} content/${v.path}: effective ${v.effective}, ${v.change} (${v.why}), from ${v.sources.join(', ')}`);
  }
  const skipped = source.documents.length - planned.length;
  ctx.io.out(
    `${planned.length} version(s)${skipped ? `, ${skipped} identical snapshot(s) collapsed` : ''}. Next: write each summary, add the facts, check the change classes, then run candor check.`,
  );
  return planned;
}

export function policyCommand(program: Command, ctx: () => Context): void {
  const policy = program.command('policy').description('privacy policies: list versions, diff two versions, start the next one, import existing ones');
  policy
    .command('list')
    .description('every policy and its versions, newest first')
    .option('--json', 'machine-readable output')
    .action(async (flags: { json?: boolean }) => {
      await policyList(flags, ctx());
    });
  policy
    .command('diff')
    .description('word diff and facts diff between two versions (default: the latest and the one before)')
    .argument('<policy>')
    .argument('[a]', 'older version')
    .argument('[b]', 'newer version')
    .option('--json', 'machine-readable output')
    .option('--html', 'an HTML fragment (ins/del)')
    .option('--color', 'ANSI colours in the terminal')
    .action(async (p: string, a: string | undefined, b: string | undefined, flags: DiffFlags) => {
      await policyDiff(p, a, b, flags, ctx());
    });
  policy
    .command('new')
    .description('start the next version of a policy from the latest one')
    .argument('<policy>')
    .option('--version <version>', 'the new version number (default: the next minor)')
    .action(async (p: string, flags: { version?: string }) => {
      await policyNew(p, flags, ctx());
    });
  policy
    .command('import')
    .description('version files from a saved web page, a Markdown or text policy, or a folder of dated snapshots')
    .argument('<file-or-folder>')
    .option('--policy <id>', 'the policy folder under content/policies/', 'privacy')
    .option('--version <version>', 'the (first) version number')
    .option('--effective <date>', 'the day it took effect (one file)')
    .option('--published <date>', 'the day it was published (one file)')
    .option('--title <title>', 'the title readers see')
    .option('--dry-run', 'say what would be written, write nothing')
    .action(async (t: string, flags: ImportFlags) => {
      await policyImport(t, flags, ctx());
    });
  labelsCommand(policy, ctx);
}
