/**
 * A canary log for witness tests: entries in a memory tree, published as the log contract
 * says (`/canary/log/checkpoint`, `/canary/log/tile/…`) by a local static server whose
 * files a test can replace (to grow, fork or roll back the log), and `candor witness
 * serve` started as shipped, in a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signCheckpoint } from '../../src/core/tlog/checkpoint.ts';
import { leafHash, memoryTree, type MemoryTree } from '../../src/core/tlog/merkle.ts';
import { signerFromSeed, type SignerKey } from '../../src/core/tlog/note.ts';
import { buildTile, entryBundle, tilePath, tilesForSize, TILE_WIDTH } from '../../src/core/tlog/tiles.ts';
import { CANDOR_BIN, cleanEnv } from './candor-bin.ts';

export interface TestLog {
  key: SignerKey;
  origin: string;
  entries: Uint8Array[];
  tree: MemoryTree;
  /** The signed checkpoint of the current tree. */
  checkpoint(): string;
  /** The log's files under /canary/log/, as the publish step writes them. */
  files(): Map<string, Buffer>;
}

const enc = new TextEncoder();

/** A log of `n` entries named `entry <i>`; `rewrite` changes entry `at` (a fork of the same log, same key). */
export function testLog(origin: string, n: number, opts: { seed?: number; rewrite?: { at: number; text: string } } = {}): TestLog {
  const key = signerFromSeed(origin, new Uint8Array(32).fill(opts.seed ?? 9));
  const entries = Array.from({ length: n }, (_, i) => enc.encode(opts.rewrite?.at === i ? opts.rewrite.text : `entry ${i}\n`));
  const tree = memoryTree(entries.map(leafHash));
  const log: TestLog = {
    key,
    origin,
    entries,
    tree,
    checkpoint: () => signCheckpoint({ origin, size: tree.size, root: tree.root(), extensions: [] }, key),
    files: () => {
      const files = new Map<string, Buffer>([['checkpoint', Buffer.from(log.checkpoint())]]);
      for (const tile of tilesForSize(tree.size)) {
        files.set(tilePath(tile), Buffer.from(buildTile(tile, tree.read)));
        if (tile.level === 0) {
          const first = tile.index * TILE_WIDTH;
          files.set(tilePath({ ...tile, level: 'entries' }), Buffer.from(entryBundle(entries.slice(first, first + tile.width))));
        }
      }
      return files;
    },
  };
  return log;
}

export interface StaticSite {
  url: string;
  /** Serve these files under /canary/log/ from now on. */
  publish(files: Map<string, Buffer>): void;
  hits: string[];
  close(): Promise<void>;
}

export async function staticSite(): Promise<StaticSite> {
  let files = new Map<string, Buffer>();
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(path);
    const body = path.startsWith('/canary/log/') ? files.get(path.slice('/canary/log/'.length)) : undefined;
    if (!body) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits,
    publish: (next) => {
      files = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ServedWitness {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr (one line per request). */
  log(): string;
  stop(): Promise<void>;
}

/** `candor witness serve --port 0` as shipped; resolves once it prints where it listens. */
export function serveWitness(state: string, key: string, extra: string[] = []): Promise<ServedWitness> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CANDOR_BIN, 'witness', 'serve', '--state', state, '--port', '0', '--host', '127.0.0.1', ...extra], {
      env: cleanEnv({ CANDOR_WITNESS_KEY: key }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`witness did not start: ${out}${err}`)), 30_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+)\/add-checkpoint/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          log: () => err,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`witness exited ${code}: ${out}${err}`));
    });
  });
}

/** A port nothing listens on (bound, then released): an offline witness. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
