/**
 * 8. `candor watch` over 1,000 local sites (issue 16): half Candor sites with a canary log
 * of ten years' size (3,712 entries), half another system's cleartext-signed canary, all
 * on 127.0.0.1 from a server process of their own. Two runs, as a scheduled watcher has
 * them: the first check of every site (trust and the checkpoint remembered), then the next
 * day's (a new heartbeat, the log one entry larger, so a consistency proof read from the
 * tiles). Each is the shipped CLI as a process; its baseline is the very same requests (the
 * server records them) made with plain fetch() at the same concurrency, also a process.
 * Reported: wall time, CPU time and peak memory (maxRSS) of each, and their ratios. No
 * target: the watcher verifies what the baseline only downloads; the ratio says what that
 * costs. Its wall time is mostly waiting: a Candor site's files are fetched in a few rounds
 * one after another (the canary, its keys, then the log), at most 16 sites at once.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import * as openpgp from 'openpgp';
import { composeAttestation, composeHeartbeat } from '../../src/core/canary/compose.ts';
import { signCheckpoint } from '../../src/core/tlog/checkpoint.ts';
import { inclusionProof, leafHash, memoryTree } from '../../src/core/tlog/merkle.ts';
import { formatVerifierKey, signerFromSeed } from '../../src/core/tlog/note.ts';
import { formatTlogProof } from '../../src/core/tlog/proof.ts';
import { buildTile, tilePath, tilesForSize } from '../../src/core/tlog/tiles.ts';
import { logOriginOf } from '../../src/core/watch/log.ts';
import { blockProof, issue, makeConfig, makeKey, SERVICE, STATEMENTS } from './world.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = new Date('2015-06-01T00:00:00Z');
const CONCURRENCY = 16;
/** Each watch run is a day of a watcher's life (it changes the state), measured once; its baseline this many times. */
const BASELINE_RUNS = 3;
/** Ten years of daily heartbeats and 60-day attestations, before the two real documents. */
const LOG_FILLER = 3_710;

export interface WatchRound {
  label: string;
  requests: number;
  watchMs: number;
  fetchMs: number;
  watchRssKb: number;
  fetchRssKb: number;
  watchCpuMs: number;
  fetchCpuMs: number;
  exit: number;
}

export interface WatchBench {
  sites: number;
  candorSites: number;
  logEntries: number;
  concurrency: number;
  rounds: WatchRound[];
}

interface Usage {
  ms: number;
  maxRssKb: number;
  cpuMs: number;
  status: number;
  stdout: string;
}

function measured(args: string[], env: NodeJS.ProcessEnv = {}): Usage {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', path.join(import.meta.dirname, 'usage.ts'), ...args], {
    env: { ...process.env, LC_ALL: 'C', ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (r.error) throw r.error;
  const line = r.stderr.trim().split('\n').at(-1) ?? '';
  const usage = (JSON.parse(line.startsWith('{') ? line : '{}') as { benchUsage?: { maxRssKb: number; cpuMs: number } }).benchUsage;
  if (!usage) throw new Error(`no usage reported: ${args.join(' ')}\n${r.stderr.slice(-2000)}`);
  return { ms, ...usage, status: r.status ?? 128, stdout: r.stdout };
}

/** The log of `filler` other entries, then the real documents: its files, and the proof of each real one. */
function logOf(key: ReturnType<typeof signerFromSeed>, origin: string, filler: number, docs: string[]) {
  const entries = [
    ...Array.from({ length: filler }, (_, i) => new TextEncoder().encode(`archived document ${i}\n`)),
    ...docs.map((d) => new TextEncoder().encode(d)),
  ];
  const tree = memoryTree(entries.map(leafHash));
  const checkpoint = signCheckpoint({ origin, size: tree.size, root: tree.root(), extensions: [] }, key);
  const files: Record<string, Uint8Array | string> = { 'canary/log/checkpoint': checkpoint };
  for (const tile of tilesForSize(tree.size)) files[`canary/log/${tilePath(tile)}`] = buildTile(tile, tree.read);
  const proof = (doc: string) =>
    formatTlogProof({ index: filler + docs.indexOf(doc), proof: inclusionProof(filler + docs.indexOf(doc), tree.size, tree.read), checkpoint });
  return { files, proof };
}

async function writeAll(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [rel, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), body);
  }
}

function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function startServer(candorDir: string, textDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'watch-server.ts'), candorDir, textDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    createInterface({ input: child.stdout }).once('line', (l) => resolve(Number(l)));
  });
  return { child, port };
}

export async function benchWatch(opts: { repo: string; log: (line: string) => void; sites?: number }): Promise<WatchBench> {
  const total = opts.sites ?? 1000;
  const candorSites = Math.floor(total / 2);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'candor-bench-watch-'));
  try {
    opts.log('8. candor watch over local sites: generating the sites...');
    const signers = await Promise.all(['Signer Ada', 'Signer Bruno', 'Signer Chidi'].map(makeKey));
    const [ci, panic, other] = await Promise.all(['CI heartbeat', 'Panic', 'Other system'].map(makeKey));
    const config = makeConfig(signers, ci!, panic!);
    const att = await issue(composeAttestation({ service: SERVICE, config, statements: STATEMENTS, documents: [] }, { now: T }), signers.slice(0, 2), T);
    const hbAt = (d: number) => new Date(T.getTime() + d * DAY + HOUR);
    const hb1 = await issue(composeHeartbeat({ attestation: att, freshness: { bitcoin: blockProof(hbAt(0), 0) } }, { now: hbAt(0) }), [ci!], hbAt(0));
    const hb2 = await issue(
      composeHeartbeat({ attestation: att, previous: hb1, freshness: { bitcoin: blockProof(hbAt(1), 1) } }, { now: hbAt(1) }),
      [ci!],
      hbAt(1),
    );
    const origin = logOriginOf(SERVICE.url);
    const logKey = signerFromSeed(origin, new Uint8Array(32).fill(7));
    const keys = Object.fromEntries([...signers, ci!, panic!].map((k) => [`keys/${k.ref.fingerprint}.asc`, k.publicArmored]));
    const text = (issued: Date) =>
      `Other system canary\nIssued: ${issued.toISOString()}\nExpires: ${new Date(issued.getTime() + 30 * DAY).toISOString()}\n\n * No warrant.\n * No gag order.\n`;
    const signedText = async (issued: Date) =>
      openpgp.sign({ message: await openpgp.createCleartextMessage({ text: text(issued) }), signingKeys: other!.privateKey, date: issued });

    const candorDir = path.join(tmp, 'candor');
    const textDir = path.join(tmp, 'text');
    /** Day 0: the attestation and the first heartbeat in a log; day 1: the next heartbeat, the log one larger. */
    const serveDay = async (day: 0 | 1, port: number) => {
      const hb = day === 0 ? hb1 : hb2;
      const docs = day === 0 ? [att.file, hb1.file] : [att.file, hb1.file, hb2.file];
      const log = logOf(logKey, origin, LOG_FILLER, docs);
      await writeAll(candorDir, {
        ...keys,
        ...log.files,
        'canary.txt': att.file,
        'heartbeat.txt': hb.file,
        'canary.txt.tlog-proof': log.proof(att.file),
        'heartbeat.txt.tlog-proof': log.proof(hb.file),
        // The same for every site: each /sNNNN/ is served from this folder (SITE/ is the one asked, watch-server.ts).
        'canary.json': JSON.stringify({
          format: 'candor-canary-status/1',
          log: { origin, key: formatVerifierKey(logKey), checkpoint: 'SITE/canary/log/checkpoint' },
        }),
      });
      await writeAll(textDir, { 'canary.txt': await signedText(hbAt(day)), 'key.asc': other!.publicArmored });
      return port;
    };

    const { child, port } = await startServer(candorDir, textDir);
    try {
      const base = `http://127.0.0.1:${port}`;
      const list = [
        'sites:',
        ...Array.from(
          { length: candorSites },
          (_, i) => `  - { name: s${i}, kind: candor, url: "${base}/s${i}/", pins: [${signers.map((s) => s.ref.fingerprint).join(', ')}] }`,
        ),
        ...Array.from(
          { length: total - candorSites },
          (_, i) =>
            `  - { name: t${i}, kind: signed-text, url: "${base}/t${i}/canary.txt", pins: [${other!.ref.fingerprint}], keys: ["${base}/t${i}/key.asc"], rule: { issued: { field: Issued }, expires: { field: Expires }, statements: { regex: '^ \\* (.+)$' } } }`,
        ),
        `checks: { concurrency: ${CONCURRENCY}, timeoutSeconds: 60, retries: 0 }`,
      ].join('\n');
      await writeFile(path.join(tmp, 'watch.yml'), list);
      const cli = path.join(opts.repo, 'bin', 'candor.mjs');
      const state = path.join(tmp, 'state');
      const rounds: WatchRound[] = [];
      // A new connection each time: the parent's event loop is blocked while a measured process runs, and a kept-alive socket goes stale.
      const hits = async () => (JSON.parse(await getText(`${base}/__hits`)) as string[]).map((p) => `${base}${p}`);
      for (const [day, label] of [
        [0, 'first check of every site'],
        [1, 'next day: a new heartbeat, each log one entry larger'],
      ] as const) {
        await serveDay(day, port);
        await hits();
        const now = new Date(hbAt(day).getTime() + HOUR).toISOString();
        opts.log(`   ${label}: candor watch over ${total} sites...`);
        const before = path.join(tmp, `state-before-${day}`);
        await cp(state, before, { recursive: true }).catch(() => undefined);
        const w = measured([cli, 'watch', '--list', path.join(tmp, 'watch.yml'), '--state', state, '--json', '--now', now]);
        const urls = await hits();
        await writeFile(path.join(tmp, 'urls.json'), JSON.stringify(urls));
        if (process.env['BENCH_DEBUG']) await writeFile(`/tmp/watch2-urls-${day}.json`, JSON.stringify(urls, null, 1));
        opts.log(`   the same ${urls.length} requests with plain fetch...`);
        // The baseline is cheap and stateless: the median of a few runs, against a busy machine's noise.
        const runs = Array.from({ length: BASELINE_RUNS }, () =>
          measured([path.join(import.meta.dirname, 'plain-fetch.ts'), path.join(tmp, 'urls.json'), String(CONCURRENCY)]),
        );
        const f = runs.sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
        await hits();
        rounds.push({
          label,
          requests: urls.length,
          watchMs: w.ms,
          fetchMs: f.ms,
          watchRssKb: w.maxRssKb,
          fetchRssKb: f.maxRssKb,
          watchCpuMs: w.cpuMs,
          fetchCpuMs: f.cpuMs,
          exit: w.status,
        });
      }
      return { sites: total, candorSites, logEntries: LOG_FILLER + 3, concurrency: CONCURRENCY, rounds };
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    if (!process.env['BENCH_DEBUG']) await rm(tmp, { recursive: true, force: true });
  }
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} MB`;

export function printWatch(w: WatchBench): void {
  console.log(
    `\n8. candor watch: ${w.sites} sites on 127.0.0.1 (${w.candorSites} Candor sites with a log of ${w.logEntries} entries, ${w.sites - w.candorSites} signed texts), ${w.concurrency} at once`,
  );
  for (const r of w.rounds) {
    console.log(`   ${r.label} (${r.requests} requests, exit ${r.exit}):`);
    console.log(
      `     time   candor watch ${(r.watchMs / 1000).toFixed(1)} s vs plain fetch ${(r.fetchMs / 1000).toFixed(1)} s: ${(r.watchMs / r.fetchMs).toFixed(1)}× (CPU ${(r.watchCpuMs / 1000).toFixed(1)} s vs ${(r.fetchCpuMs / 1000).toFixed(1)} s: ${(r.watchCpuMs / r.fetchCpuMs).toFixed(1)}×)`,
    );
    console.log(`     memory candor watch ${kb(r.watchRssKb)} vs plain fetch ${kb(r.fetchRssKb)} peak RSS: ${(r.watchRssKb / r.fetchRssKb).toFixed(1)}×`);
  }
}

export function watchJson(w: WatchBench) {
  return {
    ...w,
    rounds: w.rounds.map((r) => ({ ...r, timeRatio: r.watchMs / r.fetchMs, memoryRatio: r.watchRssKb / r.fetchRssKb, msPerSite: r.watchMs / w.sites })),
  };
}
