/**
 * The canary log's witnesses in the simulated year (docs/witness.md): each one
 * `candor witness serve` as shipped, in its own child process on 127.0.0.1, with its own
 * state folder and a key made by `candor witness keygen`, its witness.yml naming the
 * simulated service's log origin and log key. canary.yml's `log.witnesses` names them with
 * their submission URLs, so the publish job's `candor canary log append` asks them to
 * cosign each new checkpoint. A witness can be stopped and started again on the same
 * port and state folder (an outage); its clock is the simulated one (witness-clock.ts).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const CLOCK_PRELOAD = pathToFileURL(path.join(import.meta.dirname, 'witness-clock.ts')).href;

export interface SimWitness {
  /** Its name in the policy (w1, w2, …). */
  name: string;
  /** Its key name, the name on its cosignature lines. */
  keyName: string;
  vkey: string;
  /** Its submission prefix, as the policy names it. */
  url: string;
  state: string;
  up: boolean;
  /** Everything its processes wrote to stderr: one line per request. */
  log(): string;
  /**
   * CPU time of its running process, in ms (Linux /proc). A stopped one's is the
   * simulation's reaped children's time, which the runner's cpuMs() already counts.
   */
  cpuMs(): number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A port below Linux's ephemeral range (32768-60999), free now: a witness restarted later on
 * it cannot find it taken by some process's outgoing connection, as a port chosen by the
 * kernel (port 0) could be.
 */
async function stablePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface WitnessOptions {
  node: string;
  candor: string;
  /** Where the state folders go. */
  dir: string;
  /** Where the signer keys go (mode 600 files, never in the repository). */
  secretsDir: string;
  count: number;
  log: { origin: string; vkey: string };
  /** The simulated clock's file (witness-clock.ts). */
  clockFile: string;
  env: NodeJS.ProcessEnv;
}

async function makeWitness(o: WitnessOptions, i: number): Promise<SimWitness> {
  const name = `w${i}`;
  const keyName = `${name}.witness.example/candor`;
  const state = path.join(o.dir, `witness-${name}`);
  const keyFile = path.join(o.secretsDir, `witness-${name}.key`);
  await mkdir(state, { recursive: true });
  const made = await exec(o.node, [o.candor, '--root', state, 'witness', 'keygen', '--name', keyName, '--out', keyFile], { env: o.env });
  const vkey = made.stdout.trim();
  const key = (await readFile(keyFile, 'utf8')).trim();
  await writeFile(path.join(state, 'witness.yml'), `logs:\n  - origin: ${o.log.origin}\n    key: "${o.log.vkey}"\n`);
  const port = await stablePort();
  let child: ChildProcess | undefined;
  let stderr = '';
  const w: SimWitness = {
    name,
    keyName,
    vkey,
    url: `http://127.0.0.1:${port}`,
    state,
    up: false,
    log: () => stderr,
    cpuMs: () => {
      if (!child?.pid || child.exitCode !== null) return 0;
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      } catch {
        return 0;
      }
    },
    start: () =>
      new Promise((resolve, reject) => {
        const args = [
          '--import',
          CLOCK_PRELOAD,
          o.candor,
          '--root',
          state,
          'witness',
          'serve',
          '--state',
          state,
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
        ];
        const proc = spawn(o.node, args, {
          env: { ...o.env, CANDOR_WITNESS_KEY: key, CANDOR_SIM_CLOCK: o.clockFile },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        const failed = (code: number | null) => reject(new Error(`witness ${name} exited ${code}: ${out}${stderr.slice(-2000)}`));
        proc.once('exit', failed);
        proc.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (!/listening on http:\/\/\S+\/add-checkpoint/.test(out)) return;
          proc.off('exit', failed);
          child = proc;
          w.up = true;
          resolve();
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        const proc = child;
        w.up = false;
        child = undefined;
        if (!proc || proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
  return w;
}

/** `count` witnesses, keys made and processes started. */
export async function startWitnesses(o: WitnessOptions): Promise<SimWitness[]> {
  const witnesses = await Promise.all(Array.from({ length: o.count }, (_, i) => makeWitness(o, i + 1)));
  const started = await Promise.allSettled(witnesses.map((w) => w.start()));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(witnesses.map((w) => w.stop()));
    throw failed.reason;
  }
  return witnesses;
}

/** canary.yml's `log.witnesses`: the witnesses with their submission URLs, `quorum` of them needed. */
export function witnessPolicy(witnesses: readonly SimWitness[], quorum: number): string {
  return [
    ...witnesses.map((w) => `witness ${w.name} ${w.vkey} ${w.url}`),
    `group witnesses ${quorum} ${witnesses.map((w) => w.name).join(' ')}`,
    'quorum witnesses',
    '',
  ].join('\n');
}
