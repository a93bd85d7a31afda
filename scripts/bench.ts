// npm run bench: how fast `candor verify` is, as RATIOS against baselines measured in
// the same run on the same machine (absolute times vary too much between machines to
// mean anything). Not a test: it reports targets met or missed and exits 0 either way
// (1 only when it could not measure, e.g. the archive did not verify).
//
//   1. `candor verify FILE --keyring DIR --keys FPRS --heartbeat HB`, whole process, against a bare
//      `node -e 0` with the same Node binary (target ≤ 1.5×), and against gpg and sqop.
//   2. Ten years of daily heartbeats (3,650, plus their attestations) verified as an
//      archive, against raw node:crypto Ed25519 verification of as many signatures
//      (throughput target ≥ 0.5×) and against gpg --verify over the same files.
//   3. One heartbeat's verification, step by step.
//   4. A policy diff of two ~100 KB policies, against git diff --word-diff (≤ 2×).
//   5–7. The site (scripts/bench/site-build.ts): `npm run build` of a large generated
//      project (10 years of heartbeats, 200 policy versions, 20 reports) against a bare
//      Astro build of as many trivial pages (target ≤ 1.5×), the same at half the size
//      (linear growth?), and the gzip size of a policy page with its CSS (≤ 20 KB).
//      Builds take seconds each: 3 rounds, a few minutes in all.
//   8. `candor watch` over 1,000 sites on 127.0.0.1 (scripts/bench/watch.ts): time and peak
//      memory against fetching the same files with plain HTTP requests, in the same run.
//
// Parts: `npm run bench -- --only site` runs only 5–7; `--only verify` only 1–3,
// `--only diff` only 4, `--only watch` only 8 (`--watch-sites N` for another count than 1,000) (a comma-separated list, e.g. `--only verify,diff`, works too).
// Without --only, everything runs.
//
// Works offline: keys, archive and gpg homedir are made in temp folders (the archive
// is cached in os.tmpdir(), see scripts/bench/world.ts). The last line is JSON.
import { benchPolicyDiff, type PolicyDiffBench } from './bench/policy-diff.ts';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as openpgp from 'openpgp';
import { verifyArchive, type ArchiveInput } from '../src/core/verify/archive.ts';
import { listArchive } from '../src/io/archive.ts';
import { verifyArchiveFast } from '../src/io/archive-verify.ts';
import { nodeCrypto } from '../src/io/node-crypto.ts';
import { readPublicKeysFrom } from '../src/io/keyring.ts';
import { heartbeatBreakdown, webCryptoVerifiesPerHeartbeat, type Stage } from './bench/breakdown.ts';
import { fmtMs, fmtRatio, measure, measureRounds, processTask, runProcess, table, type Measurement, type Task } from './bench/measure.ts';
import { benchSite, printSite, siteJson, type SiteBench } from './bench/site-build.ts';
import { gpgHome, gpgVerify, hasTool, type GpgHome } from './bench/tools.ts';
import { benchWatch, printWatch, watchJson, type WatchBench } from './bench/watch.ts';
import { benchWorld, type BenchWorld } from './bench/world.ts';

const repo = path.resolve(import.meta.dirname, '..');
const NODE = process.execPath;
const CLI = path.join(repo, 'bin', 'candor.mjs');
const MAIN = path.join(repo, 'src', 'cli', 'main.ts');
/** Short processes are noisy on a busy 2-core machine: many runs, median. */
const PROCESS_RUNS = 11;
/** Archive runs take seconds each: fewer, still a median. */
const ARCHIVE_RUNS = 3;
/** gpg starts one process per file: a sample, extrapolated to the whole archive. */
const GPG_SAMPLE = 200;
const BREAKDOWN_SAMPLE = 1000;
const TARGET_START = 1.5;
const TARGET_THROUGHPUT = 0.5;

const log = (line: string) => console.error(line);

// ---------------------------------------------------------------- setup

interface Archive {
  input: ArchiveInput;
  heartbeatFiles: string[];
  attestationFile: string;
  heartbeatFile: string;
}

async function loadArchive(world: BenchWorld): Promise<Archive> {
  const read = async (kind: 'attestation' | 'heartbeat') =>
    Promise.all((await listArchive(world.archive, kind)).map(async (name) => ({ name, file: await readFile(path.join(world.archive, name), 'utf8') })));
  const attestations = await read('attestation');
  const heartbeats = await read('heartbeat');
  const keys: openpgp.Key[] = await readPublicKeysFrom(world.keys, repo);
  return {
    input: { attestations, heartbeats, keys, pins: keys.map((k) => k.getFingerprint().toUpperCase()) },
    heartbeatFiles: heartbeats.map((h) => h.file),
    attestationFile: path.join(world.archive, attestations.at(-1)!.name),
    heartbeatFile: path.join(world.archive, heartbeats.at(-1)!.name),
  };
}

/** The keys folder as key material, every fingerprint in it pinned (a heartbeat key among them never counts as a signer: decision 0009). */
const keyArgs = (world: BenchWorld, archive: Archive): string[] => ['--keyring', world.keys, '--keys', archive.input.pins.join(',')];

/** Every n-th item, so that a sample spans the whole ten years. */
const spread = <T>(items: T[], count: number): T[] =>
  Array.from({ length: Math.min(count, items.length) }, (_, i) => items[Math.floor((i * items.length) / Math.min(count, items.length))]!);

const firstLine = (s: string) => s.split('\n')[0] ?? '';

// ---------------------------------------------------------------- 1. one canary

interface SingleResult {
  baseline: Measurement;
  candor: Measurement;
  verdict: string;
  gpg?: Measurement;
  gpgExit?: number;
  sqop?: Measurement;
  startup: Measurement[];
}

async function benchSingle(world: BenchWorld, archive: Archive, gpg: GpgHome | null): Promise<SingleResult> {
  const args = [CLI, 'verify', archive.attestationFile, ...keyArgs(world, archive), '--heartbeat', archive.heartbeatFile, '--now', world.now];
  // Check the verdict before timing: timing a run that failed to verify means nothing.
  const verdict = firstLine(runProcess(NODE, args).stdout);
  if (!verdict.startsWith('ALIVE')) throw new Error(`candor verify did not say ALIVE: ${verdict}`);
  log('1. timing candor verify against node -e 0, gpg, sqop...');
  let gpgExit: number | undefined;
  const tasks: Task[] = [
    processTask('node -e 0 (baseline)', NODE, ['-e', '0']),
    processTask('candor verify FILE --heartbeat HB', NODE, args),
    ...startupTasks(),
  ];
  if (gpg) {
    tasks.push({
      label: 'gpg --verify (attestation)',
      fn: () => {
        const check = gpgVerify(archive.attestationFile, gpg);
        if (check.valid !== 2) throw new Error(`gpg found ${check.valid} valid signatures on the attestation, expected 2`);
        gpgExit = check.status;
      },
    });
  }
  if (hasTool('sqop')) {
    const input = await readFile(archive.attestationFile, 'utf8');
    tasks.push(processTask('sqop inline-verify (attestation)', 'sqop', ['inline-verify', world.certs], { input }));
  }
  const [baseline, candor, ...rest] = await measureRounds(tasks, PROCESS_RUNS);
  const byLabel = (prefix: string) => rest.find((m) => m.label.startsWith(prefix));
  const result: SingleResult = { baseline: baseline!, candor: candor!, verdict, startup: rest.filter((m) => m.label.startsWith('  ')) };
  const gpgM = byLabel('gpg');
  const sqopM = byLabel('sqop');
  if (gpgM) Object.assign(result, { gpg: gpgM, gpgExit });
  if (sqopM) result.sqop = sqopM;
  return result;
}

/**
 * Start-up split into steps, each a whole process: what importing openpgp alone costs,
 * zod alone, the CLI's entry module, and the CLI doing no work (--version). The imports share
 * bin/candor.mjs's compile cache (module.enableCompileCache's default folder).
 */
function startupTasks(): Task[] {
  const env = { NODE_COMPILE_CACHE: process.env['NODE_COMPILE_CACHE'] ?? path.join(os.tmpdir(), 'node-compile-cache') };
  const importOnly = (label: string, url: string) => processTask(label, NODE, ['--input-type=module', '-e', `await import(${JSON.stringify(url)})`], { env });
  return [
    importOnly('  node + import openpgp', import.meta.resolve('openpgp')),
    importOnly('  node + import zod', import.meta.resolve('zod')),
    importOnly('  node + import src/cli/main.ts', pathToFileURL(MAIN).href),
    processTask('  candor --version', NODE, [CLI, '--version']),
  ];
}

// ---------------------------------------------------------------- 2. the archive

interface ArchiveBench {
  inProcess: Measurement;
  oneThread: Measurement;
  cli: Measurement;
  raw: Measurement;
  verdict: string;
  cliVerdict: string;
  gpgSample?: Measurement & { files: number; nonZeroExits: number };
  gpgExtrapolated?: number;
}

/** Raw node:crypto Ed25519: one signature per heartbeat-sized message, the floor for any verifier. */
function rawEd25519(messages: Buffer[]): Task {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signatures = messages.map((m) => sign(null, m, privateKey));
  return {
    label: `node:crypto Ed25519 verify ×${messages.length}`,
    fn: () =>
      messages.forEach((m, i) => {
        if (!verify(null, m, publicKey, signatures[i]!)) throw new Error('raw Ed25519 signature did not verify');
      }),
  };
}

async function benchArchive(world: BenchWorld, archive: Archive, gpg: GpgHome | null): Promise<ArchiveBench> {
  const clock = { now: new Date(world.now), skewSeconds: 300 };
  const { input } = archive;
  log(`2. timing verifyArchive over ${input.attestations.length} attestations + ${input.heartbeats.length} heartbeats...`);
  // Warm up on the first year only: the full archive takes seconds per run.
  await verifyArchiveFast({ ...input, attestations: input.attestations.slice(0, 7), heartbeats: input.heartbeats.slice(0, 365) }, clock);
  let verdict = '';
  let cliVerdict = '';
  const alive = (label: string, result: { verdict: string; reasons: unknown[] }) => {
    if (result.verdict !== 'alive') throw new Error(`${label} said ${result.verdict}: ${JSON.stringify(result.reasons.slice(0, 3))}`);
    return `${result.verdict} (${result.reasons.length} history problem(s))`;
  };
  const [raw, inProcess, oneThread, cli] = (await measureRounds(
    [
      rawEd25519(archive.heartbeatFiles.map((f) => Buffer.from(f))),
      // As the CLI runs it (src/io/archive-verify.ts): node:crypto, and an Ed25519 worker started inside the timed call.
      {
        label: 'verifyArchive (in-process, as the CLI)',
        fn: async () => {
          verdict = alive('verifyArchive', await verifyArchiveFast(input, clock));
        },
      },
      {
        label: '  same, no worker thread',
        fn: async () => {
          alive('verifyArchive', await verifyArchive({ ...input, crypto: nodeCrypto }, clock));
        },
      },
      {
        label: 'candor verify --archive (process)',
        fn: () => {
          cliVerdict = firstLine(runProcess(NODE, [CLI, 'verify', '--archive', world.archive, ...keyArgs(world, archive), '--now', world.now]).stdout);
          if (!cliVerdict.startsWith('ALIVE')) throw new Error(`candor verify --archive did not say ALIVE: ${cliVerdict}`);
        },
      },
    ],
    ARCHIVE_RUNS,
    { warmup: 0 },
  )) as [Measurement, Measurement, Measurement, Measurement];
  const result: ArchiveBench = { inProcess, oneThread, cli, raw, verdict, cliVerdict };
  if (gpg) {
    log(`   gpg --verify over a sample of ${GPG_SAMPLE} heartbeats...`);
    const sample = spread(
      input.heartbeats.map((h) => path.join(world.archive, h.name)),
      GPG_SAMPLE,
    );
    let nonZeroExits = 0;
    const m = await measure(
      `gpg --verify ×${sample.length} (sample)`,
      () => {
        nonZeroExits = 0;
        for (const file of sample) {
          const check = gpgVerify(file, gpg);
          if (check.valid !== 1) throw new Error(`gpg found no valid signature on ${file}`);
          if (check.status !== 0) nonZeroExits++;
        }
      },
      ARCHIVE_RUNS,
      { warmup: 0 },
    );
    result.gpgSample = { ...m, files: sample.length, nonZeroExits };
    result.gpgExtrapolated = (m.ms * input.heartbeats.length) / sample.length;
  }
  return result;
}

// ---------------------------------------------------------------- report

const status = (met: boolean) => (met ? 'met' : 'MISSED');

function row(m: Measurement, ratio: string, target = ''): string[] {
  return [m.label, fmtMs(m.ms), `${fmtMs(m.min)}–${fmtMs(m.max)}`, String(m.runs), ratio, target];
}

const HEADER = ['measurement', 'median', 'min–max', 'runs', 'ratio', 'target'];

function printSingle(s: SingleResult): void {
  const r = s.candor.ms / s.baseline.ms;
  const rows = [
    row(s.baseline, '1.00× (baseline)'),
    row(s.candor, `${fmtRatio(r)} node -e 0`, `≤ ${TARGET_START}× ${status(r <= TARGET_START)}`),
    ...s.startup.map((m) => row(m, `${fmtRatio(m.ms / s.baseline.ms)} node -e 0`)),
  ];
  if (s.gpg) rows.push(row(s.gpg, `candor = ${fmtRatio(s.candor.ms / s.gpg.ms)} gpg`));
  if (s.sqop) rows.push(row(s.sqop, `candor = ${fmtRatio(s.candor.ms / s.sqop.ms)} sqop`, 'info'));
  console.log(`\n1. One canary, whole process (verdict: ${s.verdict})`);
  console.log(table(HEADER, rows));
  if (s.gpgExit) console.log(`   note: gpg --verify exits ${s.gpgExit} on the attestation although both signatures are good (VALIDSIG).`);
}

function printArchive(a: ArchiveBench, hbCount: number): void {
  const tIn = a.raw.ms / a.inProcess.ms;
  const tCli = a.raw.ms / a.cli.ms;
  const rows = [
    row(a.raw, '1.00× (baseline)'),
    row(a.inProcess, `throughput ${fmtRatio(tIn)} raw`, `≥ ${TARGET_THROUGHPUT}× ${status(tIn >= TARGET_THROUGHPUT)}`),
    row(a.oneThread, `throughput ${fmtRatio(a.raw.ms / a.oneThread.ms)} raw`, 'info'),
    row(a.cli, `throughput ${fmtRatio(tCli)} raw`, `≥ ${TARGET_THROUGHPUT}× ${status(tCli >= TARGET_THROUGHPUT)}`),
  ];
  if (a.gpgSample && a.gpgExtrapolated) {
    rows.push(row(a.gpgSample, `→ ${fmtMs(a.gpgExtrapolated)} for ${hbCount}`, 'info'));
  }
  console.log(`\n2. Archive of ${hbCount} daily heartbeats (verdict in-process: ${a.verdict}; CLI: ${a.cliVerdict})`);
  console.log(table(HEADER, rows));
  console.log(
    `   per heartbeat: candor ${((a.inProcess.ms * 1000) / hbCount).toFixed(0)} µs in-process, raw Ed25519 ${((a.raw.ms * 1000) / hbCount).toFixed(0)} µs`,
  );
  if (a.gpgSample && a.gpgExtrapolated) {
    console.log(
      `   gpg: ${a.gpgSample.files} files sampled across the archive, one gpg process each, extrapolated ×${(hbCount / a.gpgSample.files).toFixed(2)}: candor in-process throughput = ${fmtRatio(a.gpgExtrapolated / a.inProcess.ms)} gpg, CLI = ${fmtRatio(a.gpgExtrapolated / a.cli.ms)} gpg`,
    );
    if (a.gpgSample.nonZeroExits > 0)
      console.log(`   note: gpg exited non-zero on ${a.gpgSample.nonZeroExits}/${a.gpgSample.files} files whose signature it reports good (VALIDSIG).`);
  }
}

function printBreakdown(stages: Stage[], webCryptoVerifies: number | null, sample: number, archiveUs: number): void {
  console.log(`\n3. One heartbeat, step by step (in-process, mean over ${sample} heartbeats; each step timed on its own)`);
  const rows = stages.map((s) => [s.label, s.us.toFixed(0)]);
  rows.push(['for scale: verifyArchive per heartbeat (section 2)', archiveUs.toFixed(0)]);
  console.log(table(['step', 'µs / heartbeat'], rows));
  if (webCryptoVerifies !== null)
    console.log(`   Ed25519 verifications per (already seen) heartbeat: ${webCryptoVerifies} (openpgp.js caches the key's self-signatures)`);
  console.log(
    '   fast path = docs/decisions/0005-fast-verification.md: armor, signature and schema read by hand, node:crypto, key checks asked of openpgp.js once per key.',
  );
}

// ---------------------------------------------------------------- main

/** Issue 3: a diff of two 100 KB policies within twice git's word diff. */
const TARGET_DIFF = 2;

const PARTS = ['verify', 'diff', 'site', 'watch'] as const;
type Part = (typeof PARTS)[number];

/** `--only site`, `--only=verify,diff`: the parts to run (all by default). */
function parseParts(argv: string[]): Set<Part> {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (i < 0) return new Set(PARTS);
  const value = argv[i]!.startsWith('--only=') ? argv[i]!.slice('--only='.length) : argv[i + 1];
  const parts = (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (parts.length === 0 || unknown.length > 0)
    throw new Error(`--only takes a comma-separated list of ${PARTS.join(', ')}; received ${JSON.stringify(value ?? '')}`);
  return new Set(parts as Part[]);
}

interface VerifyParts {
  single: SingleResult;
  arch: ArchiveBench;
  stages: Stage[];
  webCryptoVerifies: number | null;
  sample: number;
}

async function benchVerify(world: BenchWorld): Promise<VerifyParts> {
  const archive = await loadArchive(world);
  const gpg = hasTool('gpg') ? gpgHome(world.certs) : null;
  if (!gpg) log('gpg not installed: its comparisons are skipped');
  try {
    const single = await benchSingle(world, archive, gpg);
    const arch = await benchArchive(world, archive, gpg);
    log('3. per-heartbeat breakdown...');
    const sample = spread(archive.heartbeatFiles, BREAKDOWN_SAMPLE);
    const stages = await heartbeatBreakdown(sample, archive.input.keys);
    const webCryptoVerifies = await webCryptoVerifiesPerHeartbeat(archive.heartbeatFiles[0]!, archive.input.keys);
    return { single, arch, stages, webCryptoVerifies, sample: sample.length };
  } finally {
    gpg?.remove();
  }
}

function verifyJson(v: VerifyParts) {
  const { single, arch, stages, webCryptoVerifies } = v;
  return {
    verify: {
      ms: single.candor.ms,
      nodeMs: single.baseline.ms,
      ratioToNode: single.candor.ms / single.baseline.ms,
      target: TARGET_START,
      met: single.candor.ms / single.baseline.ms <= TARGET_START,
      ratioToGpg: single.gpg ? single.candor.ms / single.gpg.ms : null,
      gpgExit: single.gpgExit ?? null,
      ratioToSqop: single.sqop ? single.candor.ms / single.sqop.ms : null,
      startup: Object.fromEntries(single.startup.map((m) => [m.label.trim(), m.ms])),
    },
    archiveVerify: {
      inProcessMs: arch.inProcess.ms,
      oneThreadMs: arch.oneThread.ms,
      cliMs: arch.cli.ms,
      rawEd25519Ms: arch.raw.ms,
      throughputInProcess: arch.raw.ms / arch.inProcess.ms,
      throughputCli: arch.raw.ms / arch.cli.ms,
      target: TARGET_THROUGHPUT,
      metInProcess: arch.raw.ms / arch.inProcess.ms >= TARGET_THROUGHPUT,
      metCli: arch.raw.ms / arch.cli.ms >= TARGET_THROUGHPUT,
      gpgSampleFiles: arch.gpgSample?.files ?? null,
      gpgExtrapolatedMs: arch.gpgExtrapolated ?? null,
      verdict: arch.verdict,
      cliVerdict: arch.cliVerdict,
    },
    perHeartbeatUs: Object.fromEntries(stages.map((s) => [s.label.trim(), Math.round(s.us)])),
    ed25519VerifiesPerHeartbeat: webCryptoVerifies,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const parts = parseParts(process.argv.slice(2));
  // Other work on the machine skews absolute times; the ratios are measured in rounds to resist it, but say how busy it was.
  const loadAtStart = os.loadavg()[0]!;
  // The ten-year archive is for parts 1–7; the watch bench makes its own sites.
  const world = parts.has('verify') || parts.has('diff') || parts.has('site') ? await benchWorld(repo, log) : undefined;
  if (world) log(world.generatedSeconds === null ? `archive reused from ${world.dir}` : `archive generated in ${world.generatedSeconds.toFixed(1)} s`);
  const verify = world && parts.has('verify') ? await benchVerify(world) : undefined;
  let diff: PolicyDiffBench | undefined;
  if (world && parts.has('diff')) {
    log('4. policy diff of two 100 KB policies against git diff --word-diff...');
    diff = await benchPolicyDiff({ tmpDir: world.dir, runs: 15 });
  }
  let watched: WatchBench | undefined;
  const sitesAt = process.argv.indexOf('--watch-sites');
  if (parts.has('watch')) watched = await benchWatch({ repo, log, ...(sitesAt > 0 ? { sites: Number(process.argv[sitesAt + 1]) } : {}) });
  let site: SiteBench | undefined;
  if (world && parts.has('site')) {
    log('5–7. site builds (a few minutes)...');
    site = await benchSite({ repo, world, log });
  }

  console.log(
    `\ncandor bench (${[...parts].join(', ')}): Node ${process.version}, ${os.cpus().length} CPU(s), load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end; medians after a warm-up; ratios against baselines measured in this run`,
  );
  if (world)
    console.log(
      `archive: ${world.attestations} attestations, ${world.heartbeats} heartbeats, ${world.generatedSeconds === null ? 'from cache' : `generated in ${world.generatedSeconds.toFixed(1)} s`} (${world.dir})`,
    );
  if (world && verify) {
    printSingle(verify.single);
    printArchive(verify.arch, world.heartbeats);
    printBreakdown(verify.stages, verify.webCryptoVerifies, verify.sample, (verify.arch.inProcess.ms * 1000) / world.heartbeats);
  }
  if (diff) {
    console.log(`\n4. Policy diff, two ~100 KB policies (${diff.bytes.a} / ${diff.bytes.b} bytes, ${diff.changedBlocks} of ${diff.blocks} blocks changed)`);
    console.log(
      `   candor diffPolicies ${diff.candorMs.toFixed(1)} ms in-process vs git diff --no-index --word-diff ${diff.gitMs.toFixed(1)} ms (process): ${diff.ratio.toFixed(2)}× (target ≤ ${TARGET_DIFF}×) ${diff.ratio <= TARGET_DIFF ? 'met' : 'MISSED'}`,
    );
    if (diff.cliMs !== undefined) console.log(`   whole \`candor policy diff\` process: ${diff.cliMs.toFixed(0)} ms`);
  }
  if (site) printSite(site);
  if (watched) printWatch(watched);
  const seconds = (performance.now() - started) / 1000;
  console.log(`\nbench took ${seconds.toFixed(0)} s`);
  console.log(
    JSON.stringify({
      bench: 'candor',
      parts: [...parts],
      node: process.version,
      cpus: os.cpus().length,
      load: [loadAtStart, os.loadavg()[0]],
      seconds: Math.round(seconds),
      ...(world ? { archive: { attestations: world.attestations, heartbeats: world.heartbeats, generatedSeconds: world.generatedSeconds } } : {}),
      ...(verify ? verifyJson(verify) : {}),
      ...(diff ? { policyDiff: { ...diff, target: TARGET_DIFF, met: diff.ratio <= TARGET_DIFF } } : {}),
      ...(site ? { siteBuild: siteJson(site) } : {}),
      ...(watched ? { watch: watchJson(watched) } : {}),
    }),
  );
}

await main().catch((error: unknown) => {
  // Missed targets exit 0; a bench that could not measure at all (say, the archive did
  // not verify) is broken, and says so with exit 1.
  console.error(`bench could not run: ${(error as Error).stack ?? String(error)}`);
  console.log(JSON.stringify({ bench: 'candor', error: (error as Error).message }));
  process.exitCode = 1;
});
