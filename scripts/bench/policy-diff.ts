/**
 * Policy diff speed, as a ratio against `git diff --no-index --word-diff` on the same
 * two ~100 KB Markdown files (target: candor ≤ 2× git). Called by scripts/bench.ts.
 *
 * Not like for like, and in our favour: git's time includes starting a process (a few
 * ms of its ~5), ours is `diffPolicies` in-process. So when `candor policy diff`
 * exists, the whole CLI process (Node start-up, reading the policy folder, front
 * matter, rendering) is measured too, as the end-to-end number.
 *
 * The documents are pseudo-random from a fixed seed, so every run and every machine
 * diffs the same text: many sections, paragraphs wrapped at 80 columns, lists with
 * nested items, links, some tables. B changes a few percent of A's blocks (words
 * replaced or inserted, link targets changed, blocks added or removed: about 20 hunks
 * in 470 blocks) and reflows a few paragraphs without changing their words.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBlocks } from '../../src/core/policy/diff/blocks.ts';
import { diffPolicies } from '../../src/core/policy/diff/word-diff.ts';
import { measure, measureRounds, runProcess } from './measure.ts';
import { hasTool } from './tools.ts';

export interface PolicyDiffBench {
  /** Median in-process `diffPolicies(a, b)`, ms. */
  candorMs: number;
  /** Median `git diff --no-index --word-diff a.md b.md` process, ms. */
  gitMs: number;
  /** candorMs / gitMs. */
  ratio: number;
  /** Median `node bin/candor.mjs policy diff` process, when that command exists. */
  cliMs?: number;
  /** Why the CLI was not measured. */
  cliSkipped?: string;
  bytes: { a: number; b: number };
  /** Blocks in A, and hunks in the diff. */
  blocks: number;
  changedBlocks: number;
}

const SEED = 0x5eed_d1ff;
const TARGET_BYTES = 100_000;
const CHANGE_RATE = 0.08;
const REFLOW_RATE = 0.01;
const repo = path.resolve(import.meta.dirname, '..', '..');

export async function benchPolicyDiff(opts: { tmpDir: string; runs: number }): Promise<PolicyDiffBench> {
  if (!hasTool('git')) throw new Error('git not found: it is the baseline of the policy diff bench');
  const { a, b } = generatePair(SEED);
  mkdirSync(opts.tmpDir, { recursive: true });
  const fileA = path.join(opts.tmpDir, 'policy-a.md');
  const fileB = path.join(opts.tmpDir, 'policy-b.md');
  writeFileSync(fileA, a);
  writeFileSync(fileB, b);
  const changedBlocks = diffPolicies(a, b).stats.changedBlocks;
  const blocks = parseBlocks(a).length;
  // In rounds (candor, git, candor, git…) so that both see the same load drift; a long
  // warm-up because the first diffs run before the JIT has compiled markdown-it.
  const [candor, git] = await measureRounds(
    [
      { label: 'diffPolicies', fn: () => diffPolicies(a, b) },
      { label: 'git diff --word-diff', fn: () => runProcess('git', gitArgs(fileA, fileB), { expect: 1, env: gitEnv(opts.tmpDir) }) },
    ],
    opts.runs,
    { warmup: 10 },
  );
  const cli = await measureCli(opts, a, b);
  return { candorMs: candor!.ms, gitMs: git!.ms, ratio: candor!.ms / git!.ms, ...cli, bytes: { a: a.length, b: b.length }, blocks, changedBlocks };
}

/** No pager, no colour, no external diff driver, no user or system config. */
const gitArgs = (a: string, b: string) => ['-c', 'core.pager=cat', 'diff', '--no-index', '--no-ext-diff', '--no-color', '--word-diff', a, b];
const gitEnv = (home: string) => ({ HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });

// ------------------------------------------------------------------ the CLI, if present

async function measureCli(opts: { tmpDir: string; runs: number }, a: string, b: string): Promise<{ cliMs?: number; cliSkipped?: string }> {
  const cli = path.join(repo, 'bin', 'candor.mjs');
  // Commander answers --help for an unknown command with the top-level help: look for the command's own usage line.
  const help = runProcess(process.execPath, [cli, 'policy', 'diff', '--help'], { expect: 'any' });
  if (help.status !== 0 || !help.stdout.includes('policy diff')) return { cliSkipped: 'no `candor policy diff` command (yet)' };
  const root = path.join(opts.tmpDir, 'project');
  const folder = path.join(root, 'content', 'policies', 'bench');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, '1.0.md'), `${front('1.0', '2026-01-01')}${a}`);
  writeFileSync(path.join(folder, '1.1.md'), `${front('1.1', '2026-03-01')}${b}`);
  const args = [cli, '--root', root, 'policy', 'diff', 'bench', '1.0', '1.1'];
  const probe = runProcess(process.execPath, args, { expect: 'any' });
  if (probe.status !== 0) return { cliSkipped: `candor policy diff exited ${probe.status}: ${probe.stderr.split('\n')[0] ?? ''}` };
  const m = await measure('candor policy diff', () => runProcess(process.execPath, args), opts.runs);
  return { cliMs: m.ms };
}

function front(version: string, day: string): string {
  return `---\ntitle: Bench policy\nversion: "${version}"\neffective: ${day}\npublished: ${day}\nchange: editorial\nsummary: Generated for the policy diff benchmark.\n---\n\n`;
}

// ------------------------------------------------------------------ the documents

/** mulberry32: a small, well-mixed 32-bit PRNG; the same seed gives the same policy everywhere. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

const VOCABULARY = (
  'we you your our data account address message messages mail mailbox server servers backup backups log logs ' +
  'keep kept store stored delete deleted days months year retention period purpose legal basis consent contract interest ' +
  'legitimate processor processors third party parties share shared receive receives law request requests authority ' +
  'cookie cookies session security encrypted encryption access right rights copy correct erase object complaint ' +
  'the a an and or of to in for with without on at by from only never always when until after before unless if ' +
  'which that this these those it is are be been may must will can not no any each every all some other'
).split(' ');

interface GenBlock {
  kind: 'heading' | 'paragraph' | 'list' | 'table';
  /** One entry per line of a list or row of a table; a heading or paragraph has one. */
  parts: string[][];
  /** Wrap width for paragraphs (a reflow changes it). */
  width: number;
}

function sentence(rand: Rand, n: number, linkId: () => number): string[] {
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.02) words.push(`[${pick(rand, VOCABULARY)} ${pick(rand, VOCABULARY)}](https://lumen.example/policy/${linkId()})`);
    else if (r < 0.03) words.push(`**${pick(rand, VOCABULARY)}**`);
    else words.push(pick(rand, VOCABULARY) + (rand() < 0.08 ? pick(rand, [',', '.', ';']) : ''));
  }
  words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
  words.push(`${words.pop()!.replace(/[,.;]$/, '')}.`);
  return words;
}

function section(rand: Rand, n: number, linkId: () => number): GenBlock[] {
  const blocks: GenBlock[] = [
    { kind: 'heading', parts: [[`${n}.`, ...sentence(rand, int(rand, 2, 4), linkId).map((w) => w.replace(/[.*[\]()]/g, ''))]], width: 0 },
  ];
  for (let p = int(rand, 2, 4); p > 0; p--) blocks.push({ kind: 'paragraph', parts: [sentence(rand, int(rand, 40, 90), linkId)], width: 80 });
  if (rand() < 0.7) blocks.push({ kind: 'list', parts: Array.from({ length: int(rand, 3, 6) }, () => sentence(rand, int(rand, 5, 15), linkId)), width: 0 });
  if (rand() < 0.3)
    blocks.push({
      kind: 'table',
      parts: Array.from({ length: int(rand, 2, 4) }, () => [pick(rand, VOCABULARY), `${int(rand, 1, 90)} days`, pick(rand, VOCABULARY)]),
      width: 0,
    });
  return blocks;
}

function wrap(words: readonly string[], width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  return [...lines, line].join('\n');
}

function renderBlock(b: GenBlock): string {
  switch (b.kind) {
    case 'heading':
      return `## ${b.parts[0]!.join(' ')}`;
    case 'paragraph':
      return wrap(b.parts[0]!, b.width);
    case 'list':
      return b.parts.map((item, i) => `${i > 0 && i % 3 === 0 ? '  ' : ''}- ${item.join(' ')}`).join('\n');
    case 'table':
      return ['| What | Kept | Why |', '|---|---|---|', ...b.parts.map((row) => `| ${row.join(' | ')} |`)].join('\n');
  }
}

const render = (blocks: readonly GenBlock[]): string => `${blocks.map(renderBlock).join('\n\n')}\n`;

/** A policy of about TARGET_BYTES, and the same with a few percent of its blocks edited. */
export function generatePair(seed: number): { a: string; b: string } {
  const rand = prng(seed);
  let links = 0;
  const linkId = () => ++links;
  const blocks: GenBlock[] = [];
  for (let n = 1; render(blocks).length < TARGET_BYTES; n++) blocks.push(...section(rand, n, linkId));
  const edited = blocks.flatMap((b) => editBlock(rand, b, linkId));
  return { a: render(blocks), b: render(edited) };
}

/** The few-percent edits: words replaced or inserted, link targets moved, blocks dropped or added, reflows. */
function editBlock(rand: Rand, b: GenBlock, linkId: () => number): GenBlock[] {
  if (b.kind === 'paragraph' && rand() < REFLOW_RATE) return [{ ...b, width: int(rand, 50, 100) }];
  if (b.kind === 'heading' || rand() >= CHANGE_RATE) return [b];
  const parts = b.parts.map((p) => [...p]);
  const part = parts[Math.floor(rand() * parts.length)]!;
  const at = Math.floor(rand() * part.length);
  const action = rand();
  if (action < 0.4) part[at] = pick(rand, VOCABULARY);
  else if (action < 0.6) part.splice(at, 0, ...sentence(rand, int(rand, 3, 12), linkId).map((w) => w.toLowerCase().replace(/\.$/, '')));
  else if (action < 0.7) part[at] = `[${pick(rand, VOCABULARY)}](https://lumen.example/moved/${linkId()})`;
  else if (action < 0.85) return [];
  else return [b, { kind: 'paragraph', parts: [sentence(rand, int(rand, 20, 60), linkId)], width: 80 }];
  return [{ ...b, parts }];
}
