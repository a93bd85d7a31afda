/**
 * The body of the pull-request review comment (pr-check workflow, the untrusted side):
 * for each policy version the pull request adds, edits or removes, the word diff, the
 * facts diff, the notice-period check and the notice that will go out; any change to
 * the canary's statements, shown loudly; signer policy, keys and archive changes; and
 * the result of `candor check --since BASE`. Reads git and the working tree only: no
 * secret, no network.
 *
 *   node scripts/pr-review.ts --base origin/main [--head HEAD] [--pr N --head-sha SHA]
 *                             [--out-dir DIR] [--root DIR] [--now INSTANT]
 *
 * Without --out-dir the body goes to stdout. With it: DIR/body.md and DIR/meta.json
 * ({ pr, headSha, base }), the artifact that scripts/post-pr-comment.ts reads.
 */
import { escapeMarkdownLine } from '../src/core/escape.ts';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs, promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { check, type Problem as CheckProblem } from '../src/cli/commands/check.ts';
import { makeContext, parseNow } from '../src/cli/context.ts';
import { parseServiceConfig, parseStatements } from '../src/core/content/canary-config.ts';
import { isCandorError } from '../src/core/errors.ts';
import { collectEvents, renderNoticeText } from '../src/core/notify/events.ts';
import { diffPolicies, renderDiffHtml } from '../src/core/policy/diff/index.ts';
import { diffFacts } from '../src/core/policy/facts-diff.ts';
import { compareVersions, type PolicyVersion } from '../src/core/policy/model.ts';
import { parsePolicyVersion } from '../src/core/policy/parse.ts';
import { filesAtRef } from '../src/io/git.ts';

const exec = promisify(execFile);

/** GitHub refuses comments over 65,536 characters; the poster adds a header and footer. */
export const MAX_BODY = 60_000;
const DAY = 86_400_000;

export interface ReviewOptions {
  root: string;
  /** The published state, e.g. origin/main. */
  base: string;
  /** The proposed state (default HEAD; the working tree is what `candor check` reads). */
  head?: string;
  now: Date;
  /** Shown in the heading: the pull request's head commit (the checkout is a merge commit). */
  headSha?: string;
}

// ------------------------------------------------------------------ Markdown helpers

/** Literal text in Markdown, on one line (src/core/escape.ts). */
export const md = escapeMarkdownLine;

/** A code span that no backtick in `text` can close early. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return longest === 0 ? `\`${text}\`` : `${ticks} ${text} ${ticks}`;
}

/** A fenced block that no line of `text` can close early. */
function fenced(text: string, info = 'text'): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text.replace(/\n$/, '')}\n${fence}`;
}

/** GitHub ends a raw HTML block at the first blank line: keep the fragment in one block. */
function htmlBlock(html: string): string {
  return html
    .split('\n')
    .filter((line) => line.trim() !== '')
    .join('\n');
}

const days = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

// ------------------------------------------------------------------ git

async function git(root: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', ['-C', root, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

async function showFile(root: string, ref: string, file: string): Promise<string | undefined> {
  return git(root, ['show', `${ref}:${file}`]).catch(() => undefined);
}

export interface ChangedFile {
  status: 'added' | 'modified' | 'deleted';
  path: string;
}

/** Files the pull request changes: from the merge base of `base` and `head` to `head`. */
export async function changedFiles(root: string, base: string, head: string): Promise<ChangedFile[]> {
  for (const ref of [base, head]) {
    await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
      throw new Error(`cannot read git ref ${ref}: fetch it first (actions/checkout with fetch-depth: 0, or git fetch origin)`);
    });
  }
  const out = await git(root, ['diff', '--name-status', '-z', '--no-renames', `${base}...${head}`, '--']);
  const parts = out.split('\0').filter((p) => p !== '');
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const letter = parts[i]![0];
    files.push({ status: letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified', path: parts[i + 1]! });
  }
  return files;
}

// ------------------------------------------------------------------ policies

const POLICY_FILE = /^content\/policies\/([^/]+)\/([^/]+)\.md$/;

interface PolicyState {
  /** By policy, sorted by version. */
  policies: Map<string, PolicyVersion[]>;
  /** Files that do not parse, by path under the repository. */
  broken: Map<string, string>;
}

async function policiesAt(root: string, ref: string): Promise<PolicyState> {
  const files = (await filesAtRef(root, ref, 'content/policies', 'content/')) ?? new Map<string, string>();
  const policies = new Map<string, PolicyVersion[]>();
  const broken = new Map<string, string>();
  for (const [rel, source] of files) {
    try {
      const v = parsePolicyVersion(source, rel);
      policies.set(v.policy, [...(policies.get(v.policy) ?? []), v]);
    } catch (error) {
      broken.set(`content/${rel}`, isCandorError(error) ? `${error.message}${error.details.field ? ` (${error.details.field})` : ''}` : String(error));
    }
  }
  for (const list of policies.values()) list.sort((a, b) => compareVersions(a.version, b.version));
  return { policies, broken };
}

const findVersion = (state: PolicyState, file: string): PolicyVersion | undefined =>
  [...state.policies.values()].flat().find((v) => `content/${v.path}` === file);

interface Service {
  name: string;
  url: string;
  noticePeriodDays: number;
}

async function serviceAt(root: string, ref: string): Promise<Service> {
  const text = await showFile(root, ref, 'content/service.yml');
  if (text === undefined) return { name: 'the service', url: 'https://example.invalid', noticePeriodDays: 30 };
  const s = parseServiceConfig(text, 'content/service.yml');
  return { name: s.name, url: s.url, noticePeriodDays: s.policies.noticePeriodDays };
}

function noticeCheck(v: PolicyVersion, noticeDays: number, today: string): string[] {
  const given = days(v.published, v.effective);
  if (v.change !== 'material') return [`— not required for a ${v.change} change (${plural(given, 'day')} between publication and effect)`];
  const lines = [
    `${given >= noticeDays ? '✅' : '❌'} ${plural(given, 'day')} between publication (${v.published}) and effect (${v.effective}); a material change needs at least ${noticeDays}`,
  ];
  if (today > v.published) {
    const left = days(today, v.effective);
    lines.push(`${left >= noticeDays ? 'ℹ️' : '⚠️'} the published date is already past: merged today (${today}), readers get ${plural(left, 'day')} of notice`);
  }
  return lines;
}

/** The notice the notifier will send for this version, rendered as its email text part. */
function noticePreview(v: PolicyVersion, versions: PolicyVersion[], service: Service, now: Date): string {
  const upTo = versions.filter((x) => compareVersions(x.version, v.version) <= 0);
  const published = new Date(`${v.published}T00:00:00Z`);
  // The notifier announces a version once its published date has come: look from that day.
  const asOf = published > now ? published : now;
  const events = collectEvents({
    policies: new Map([[v.policy, upTo]]),
    reports: [],
    attestations: [],
    siteUrl: service.url,
    now: asOf,
    announceEffective: false,
  });
  const event = events.find((e) => e.id === `policy:${v.policy}@${v.version}:published`);
  if (!event) return '_No notice: nothing to announce for this version._';
  const again =
    v.change === 'material' && v.effective > v.published
      ? `\n\nA material change is announced again on its effective date (${v.effective}) when \`announceEffective\` is on in content/notify.yml.`
      : '';
  const timing =
    v.published > now.toISOString().slice(0, 10)
      ? `by the first publish run on or after ${v.published}, its published date`
      : 'by the first publish run after the merge';
  return `Sent ${timing}, once per channel:\n\n${fenced(renderNoticeText(event))}${again}`;
}

interface Section {
  text: string;
  diff?: { html: string; label: string };
}

function policySection(file: ChangedFile, base: PolicyState, head: PolicyState, service: Service, problems: CheckProblem[], now: Date): Section {
  const today = now.toISOString().slice(0, 10);
  if (head.broken.has(file.path)) {
    return { text: `### ❌ ${code(file.path)} does not parse\n\n${md(head.broken.get(file.path)!)}` };
  }
  if (file.status === 'deleted') {
    const gone = findVersion(base, file.path);
    return {
      text: `### ❌ ${gone ? `${md(gone.title)} ${md(gone.version)}` : code(file.path)}: a version is deleted\n\nPublished versions stay: readers hold permalinks to them. ${code(file.path)}`,
    };
  }
  const after = findVersion(head, file.path);
  if (!after) return { text: `### ${code(file.path)}\n\nNot a policy version file.` };
  const versions = head.policies.get(after.policy) ?? [];
  const before = file.status === 'modified' ? findVersion(base, file.path) : versions[versions.indexOf(after) - 1];
  const what =
    file.status === 'added'
      ? before
        ? `new version of ${code(after.policy)}, after ${md(before.version)}`
        : `first version of ${code(after.policy)}`
      : `⚠️ published version edited (a correction)`;
  const own = problems.filter((p) => p.message.startsWith(`${file.path}:`) && p.level !== 'note');
  const facts = diffFacts(before?.facts, after.facts);
  const lines = [
    `### ${md(after.title)} ${md(after.version)}: ${what}`,
    '',
    '| | |',
    '| --- | --- |',
    `| File | ${code(file.path)} |`,
    `| Change class | **${after.change}** |`,
    `| Published → effective | ${after.published} → ${after.effective} |`,
    `| Notice period | ${noticeCheck(after, service.noticePeriodDays, today).join('<br>')} |`,
    '',
    `**Summary:** ${md(after.summary)}`,
    '',
    '**Facts**',
    '',
    ...(before === undefined
      ? ['_First version: nothing to compare with._']
      : facts.length
        ? facts.map((f) => `- ${md(f.text)}`)
        : ['_No change to the facts._']),
    ...(own.length ? ['', '**Checks for this file**', '', ...own.map(problemLine)] : []),
    '',
    '**Notification**',
    '',
    file.status === 'added'
      ? noticePreview(after, versions, service, now)
      : '_No new notice: this version was already announced, and a correction is not announced again._',
  ];
  if (!before) return { text: lines.join('\n') };
  const diff = diffPolicies(before.body, after.body);
  const label = `Word diff ${md(before.version)} → ${md(after.version)}: ${plural(diff.stats.changedBlocks, 'block')} changed, +${diff.stats.insertedWords} −${diff.stats.deletedWords} words`;
  return { text: lines.join('\n'), diff: { label, html: htmlBlock(renderDiffHtml(diff)) } };
}

// ------------------------------------------------------------------ canary

interface Statement {
  id: string;
  text: string;
}

async function statementsAt(root: string, ref: string): Promise<{ list?: Statement[]; error?: string }> {
  const text = await showFile(root, ref, 'content/canary/statements.yml');
  if (text === undefined) return { list: [] };
  try {
    return { list: parseStatements(text, 'content/canary/statements.yml') };
  } catch (error) {
    return { error: isCandorError(error) ? error.message : String(error) };
  }
}

export interface StatementChanges {
  removed: Statement[];
  added: Statement[];
  reworded: { id: string; before: string; after: string }[];
  reordered: { before: string[]; after: string[] } | null;
}

export function compareStatements(before: Statement[], after: Statement[]): StatementChanges {
  const old = new Map(before.map((s) => [s.id, s.text]));
  const now = new Map(after.map((s) => [s.id, s.text]));
  const common = (list: Statement[], other: Map<string, string>) => list.map((s) => s.id).filter((id) => other.has(id));
  const orderBefore = common(before, now);
  const orderAfter = common(after, old);
  return {
    removed: before.filter((s) => !now.has(s.id)),
    added: after.filter((s) => !old.has(s.id)),
    reworded: after.filter((s) => old.has(s.id) && old.get(s.id) !== s.text).map((s) => ({ id: s.id, before: old.get(s.id)!, after: s.text })),
    reordered: orderBefore.join('\0') === orderAfter.join('\0') ? null : { before: orderBefore, after: orderAfter },
  };
}

async function canarySection(root: string, base: string, head: string, changed: ChangedFile[]): Promise<string[]> {
  const out: string[] = [];
  if (changed.some((f) => f.path === 'content/canary/statements.yml')) {
    const [b, h] = await Promise.all([statementsAt(root, base), statementsAt(root, head)]);
    const lines = ['> [!CAUTION]', '> ## ⚠️ THE WARRANT CANARY STATEMENTS CHANGE', '>'];
    if (h.error || b.error) {
      lines.push(
        `> ${code('content/canary/statements.yml')} does not parse ${h.error ? 'in this pull request' : 'on the base branch'}: ${md(h.error ?? b.error ?? '')}`,
      );
    } else {
      const c = compareStatements(b.list!, h.list!);
      lines.push(
        '> Verifiers show the canary as **TRIPPED** when a statement is removed, reworded or reordered without a signed explanation in the next attestation (`candor canary attest prepare --explain ID="why"`). Readers watch for exactly this.',
        '>',
      );
      for (const s of c.removed) lines.push(`> - **REMOVED** ${code(s.id)}: ~~${md(s.text)}~~`);
      for (const s of c.reworded) lines.push(`> - **REWORDED** ${code(s.id)}`, `>   - before: ${md(s.before)}`, `>   - after: **${md(s.after)}**`);
      if (c.reordered) lines.push(`> - **REORDERED**: ${c.reordered.before.map(code).join(', ')} → ${c.reordered.after.map(code).join(', ')}`);
      for (const s of c.added) lines.push(`> - **ADDED** ${code(s.id)}: ${md(s.text)}`);
      if (!c.removed.length && !c.reworded.length && !c.reordered && !c.added.length)
        lines.push('> - The file changed, but every statement keeps its ID, text and place.');
    }
    out.push(lines.join('\n'));
  }
  if (changed.some((f) => f.path === 'content/canary/canary.yml')) {
    const parse = (text: string | undefined): Record<string, unknown> => {
      try {
        const data: unknown = text === undefined ? {} : parseYaml(text);
        return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
      } catch {
        return {};
      }
    };
    const [b, h] = [parse(await showFile(root, base, 'content/canary/canary.yml')), parse(await showFile(root, head, 'content/canary/canary.yml'))];
    const fields = [...new Set([...Object.keys(b), ...Object.keys(h)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(h[k])).sort();
    const trust = fields.filter((k) => ['signers', 'heartbeat', 'panicKeys', 'rotations'].includes(k));
    out.push(
      [
        trust.length ? '> [!WARNING]' : '> [!NOTE]',
        `> **The canary configuration changes** (${code('content/canary/canary.yml')}): ${fields.map(code).join(', ') || 'formatting only'}.`,
        ...(trust.length
          ? ['> Who may sign (signers, threshold, heartbeat and panic keys, rotations) is what verifiers trust: check each fingerprint out of band.']
          : []),
      ].join('\n'),
    );
  }
  const keys = changed.filter((f) => f.path.startsWith('keys/'));
  if (keys.length) {
    out.push(['> [!WARNING]', '> **Public keys change:**', ...keys.map((f) => `> - ${f.status} ${code(f.path)}`)].join('\n'));
  }
  const archive = changed.filter((f) => f.path.startsWith('content/canary/archive/'));
  if (archive.length) {
    const rewritten = archive.filter((f) => f.status !== 'added');
    out.push(
      [
        rewritten.length ? '> [!CAUTION]' : '> [!NOTE]',
        rewritten.length
          ? '> **The canary archive is append-only, and this pull request changes or deletes documents in it:**'
          : '> **New documents in the canary archive:**',
        ...archive.map((f) => `> - ${f.status} ${code(f.path)}`),
      ].join('\n'),
    );
  }
  return out;
}

// ------------------------------------------------------------------ checks

function problemLine(p: CheckProblem): string {
  const [first, ...rest] = p.message.split('\n');
  const hint = rest
    .map((l) => l.trim().replace(/^hint:\s*/, ''))
    .filter(Boolean)
    .join(' ');
  const icon = p.level === 'error' ? '❌' : p.level === 'warning' ? '⚠️' : 'ℹ️';
  return `- ${icon} ${code(p.code)} ${md(first ?? '')}${hint ? ` — _${md(hint)}_` : ''}`;
}

async function runChecks(root: string, base: string, now: Date): Promise<CheckProblem[]> {
  const ctx = makeContext({ root, now: now.toISOString() }, {}, { out: () => undefined, err: () => undefined }, now);
  return check(ctx, { since: base });
}

function checkSection(base: string, problems: CheckProblem[]): string {
  const errors = problems.filter((p) => p.level === 'error');
  const warnings = problems.filter((p) => p.level === 'warning');
  const notes = problems.filter((p) => p.level === 'note');
  const status = errors.length
    ? `❌ ${code(`candor check --since ${base}`)} found ${plural(errors.length, 'error')}${warnings.length ? ` and ${plural(warnings.length, 'warning')}` : ''}: this pull request cannot be merged as it is.`
    : `✅ ${code(`candor check --since ${base}`)} passed${warnings.length ? ` with ${plural(warnings.length, 'warning')}` : ''}.`;
  return [
    '### Checks',
    '',
    status,
    ...(errors.length || warnings.length ? ['', ...[...errors, ...warnings].map(problemLine)] : []),
    ...(notes.length ? ['', ...notes.map(problemLine)] : []),
  ].join('\n');
}

// ------------------------------------------------------------------ the body

function assemble(parts: { head: string[]; sections: Section[]; tail: string[] }, withDiff: Set<Section>): string {
  const sections = parts.sections.map((s) => {
    if (!s.diff) return s.text;
    const diff = withDiff.has(s)
      ? `<details open>\n<summary>${s.diff.label}</summary>\n\n${s.diff.html}\n\n</details>`
      : `_${s.diff.label}. Too long for a comment: run ${code('npx candor policy diff')} locally._`;
    return `${s.text}\n\n${diff}`;
  });
  return `${[...parts.head, ...sections, ...parts.tail].join('\n\n')}\n`;
}

/** Drops the longest word diffs first until the body fits in a comment. */
export function fit(parts: { head: string[]; sections: Section[]; tail: string[] }, max = MAX_BODY): string {
  const withDiff = new Set(parts.sections.filter((s) => s.diff));
  const bySize = [...withDiff].sort((a, b) => b.diff!.html.length - a.diff!.html.length);
  let body = assemble(parts, withDiff);
  for (const s of bySize) {
    if (body.length <= max) break;
    withDiff.delete(s);
    body = assemble(parts, withDiff);
  }
  return body.length <= max ? body : `${body.slice(0, max - 200)}\n\n_… cut: the review is longer than a comment can hold._\n`;
}

export async function buildReview(opts: ReviewOptions): Promise<string> {
  const head = opts.head ?? 'HEAD';
  const changed = await changedFiles(opts.root, opts.base, head);
  const [baseState, headState, service, problems] = await Promise.all([
    policiesAt(opts.root, opts.base),
    policiesAt(opts.root, head),
    serviceAt(opts.root, head),
    runChecks(opts.root, opts.base, opts.now),
  ]);
  const headSha = opts.headSha ?? (await git(opts.root, ['rev-parse', head])).trim();
  const policyFiles = changed.filter((f) => POLICY_FILE.test(f.path) && !f.path.endsWith('/README.md'));
  const others = changed.filter((f) => f.path.startsWith('content/') && !policyFiles.includes(f) && !f.path.startsWith('content/canary/'));
  const sections = policyFiles.map((f) => policySection(f, baseState, headState, service, problems, opts.now));
  const top = [
    `## Candor review`,
    `Base ${code(opts.base)} · head ${code(headSha.slice(0, 12))} · ${opts.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    ...(await canarySection(opts.root, opts.base, head, changed)),
    checkSection(opts.base, problems),
    ...(policyFiles.length ? [] : ['_No policy version changes in this pull request._']),
  ];
  const tail = [...(others.length ? ['### Other content', others.map((f) => `- ${f.status} ${code(f.path)}`).join('\n')] : [])];
  return fit({ head: top, sections, tail });
}

// ------------------------------------------------------------------ command line

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: 'string' },
      head: { type: 'string', default: 'HEAD' },
      root: { type: 'string', default: '.' },
      now: { type: 'string' },
      pr: { type: 'string' },
      'head-sha': { type: 'string' },
      'out-dir': { type: 'string' },
    },
  });
  if (!values.base) {
    process.stderr.write('usage: node scripts/pr-review.ts --base REF [--head REF] [--pr N --head-sha SHA] [--out-dir DIR]\n');
    return 64;
  }
  const now = parseNow(values.now ?? env['CANDOR_NOW'], new Date());
  const root = path.resolve(values.root);
  const body = await buildReview({ root, base: values.base, head: values.head, now, ...(values['head-sha'] ? { headSha: values['head-sha'] } : {}) });
  if (!values['out-dir']) {
    process.stdout.write(body);
    return 0;
  }
  const dir = path.resolve(values['out-dir']);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'body.md'), body);
  const pr = values.pr ? Number(values.pr) : null;
  await writeFile(path.join(dir, 'meta.json'), `${JSON.stringify({ pr, headSha: values['head-sha'] ?? null, base: values.base }, null, 2)}\n`);
  process.stderr.write(`Wrote ${path.relative(process.cwd(), path.join(dir, 'body.md'))} (${body.length} characters)\n`);
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), process.env).catch((error: unknown) => {
    process.stderr.write(`pr-review: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  });
}
