/**
 * Hostile servers on 127.0.0.1 against the shipped CLI: slowloris (headers, then a trickle
 * or nothing), endless and gzip-bomb bodies, a lying Content-Length, redirects off the
 * site, slow documents, and an unverified attestation that lists documents and keys for
 * the verifier to fetch. Each must end in a clean exit (69, or a verdict): the test
 * asserts the exit code and the reason, never a duration.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentHash } from '../../src/core/canonical.ts';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { startFixtureServer } from '../helpers/fixture-server.ts';
import { startHostProxy } from '../helpers/host-proxy.ts';
import { reissue } from '../helpers/tamper.ts';
import { makeKey, makeWorld, type Issued, type TestKey, type World } from '../helpers/world.ts';
import { pinsArg, verifyCli } from './cli.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
interface Hostile {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

/** A server whose routes may misbehave; everything it started is stopped by close(). */
async function hostile(routes: Record<string, Handler>, fallback: Record<string, string> = {}): Promise<Hostile> {
  const hits: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(path);
    const route = routes[path];
    if (route) return route(req, res);
    const body = fallback[path];
    if (body === undefined) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const allTimers = new Set<NodeJS.Timeout>();
const every = (ms: number, fn: () => void) => {
  const t = setInterval(fn, ms);
  allTimers.add(t);
  return t;
};

let w: World;
let att: Issued<AttestationData>;
let hb: Issued<HeartbeatData>;
let routes: Record<string, string>;
const servers: Hostile[] = [];

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest();
  hb = await w.heartbeat(att);
  routes = { '/canary.txt': att.file, '/heartbeat.txt': hb.file };
  for (const k of [...w.signers, w.ci, w.panic]) routes[`/keys/${k.ref.fingerprint}.asc`] = k.publicArmored;
});
afterAll(async () => {
  for (const t of allTimers) clearInterval(t);
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(over: Record<string, Handler>, fallback = routes): Promise<Hostile> {
  const s = await hostile(over, fallback);
  servers.push(s);
  return s;
}

/** Short limits, so that a hostile server costs the test seconds, not minutes. */
const QUICK = ['--timeout', '1', '--time-limit', '4'];

describe('slow servers', () => {
  it('headers, then a trickle of one byte at a time (slowloris): exit 69, FETCH_FAILED', async () => {
    const s = await serve({
      '/canary.txt': (_, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        every(200, () => res.write('-'));
      },
    });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.code).toBe(69);
    expect(r.err).toContain('error FETCH_FAILED');
    expect(r.err).toContain('timed out');
  });

  it('headers, then nothing: exit 69', async () => {
    const s = await serve({
      '/canary.txt': (_, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.flushHeaders();
      },
    });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.code).toBe(69);
    expect(r.err).toContain('FETCH_FAILED');
  });

  it('nothing at all (not even headers): exit 69', async () => {
    const s = await serve({ '/canary.txt': () => undefined });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.code).toBe(69);
  });

  it("documents that each answer slowly, within the per-request limit: the run's own limit ends it (exit 69)", async () => {
    const docs = Array.from({ length: 12 }, (_, i) => `policies/p${i}.md`);
    const listed = await w.attest({ documents: await Promise.all(docs.map(async (p) => ({ path: p, sha256: await documentHash(`# ${p}\n`) }))) });
    const slow: Record<string, Handler> = {};
    for (const p of docs)
      slow[`/documents/${p}`] = (_, res) => {
        const t = setTimeout(() => res.end(`# ${p}\n`), 900);
        allTimers.add(t);
      };
    const s = await serve(slow, { ...routes, '/canary.txt': listed.file, '/heartbeat.txt': (await w.heartbeat(listed)).file });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), '--timeout', '3', '--time-limit', '3']);
    expect(r.code).toBe(69);
    expect(r.err).toContain('time limit');
  });
});

describe('large answers', () => {
  it('an endless chunked canary: exit 69, too large', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const s = await serve({
      '/canary.txt': (_, res) => {
        res.writeHead(200);
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        pump();
      },
    });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.code).toBe(69);
    expect(r.err).toContain('too large');
  });

  it('a gzip bomb (64 MiB of zeros in 64 KiB): stopped at the limit, counted decompressed (exit 69)', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const s = await serve({ '/canary.txt': (_, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }).end(bomb) });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.code).toBe(69);
    expect(r.err).toContain('too large');
  });

  it('a Content-Length of 10 GB: refused before reading (exit 69)', async () => {
    const s = await serve({
      '/heartbeat.txt': (_, res) => {
        res.writeHead(200, { 'content-length': String(10 * 1024 ** 3) });
        res.write('x');
      },
    });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.code).toBe(69);
    expect(r.err).toContain('too large');
  });

  it('an endless key body: exit 69', async () => {
    const chunk = 'y'.repeat(64 * 1024);
    const key = `/keys/${w.signers[0]!.ref.fingerprint}.asc`;
    const s = await serve({
      [key]: (_, res) => {
        res.writeHead(200);
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        pump();
      },
    });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.code).toBe(69);
  });
});

describe('redirects', () => {
  it('a redirect to another host is refused (exit 69), and that host is never asked', async () => {
    const evil = await serve({}, routes);
    const site = await serve({ '/canary.txt': (_, res) => res.writeHead(302, { location: 'http://evil.example/canary.txt' }).end() });
    const proxy = await startHostProxy({ 'lumen-mail.example': site.url, 'evil.example': evil.url });
    try {
      const r = await verifyCli(['http://lumen-mail.example/', ...pinsArg(w), ...QUICK], undefined, proxy.env);
      expect(r.code).toBe(69);
      expect(r.err).toContain('redirected off the site');
      expect(proxy.asked.filter((h) => h.startsWith('evil.example'))).toEqual([]);
      expect(evil.hits).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a redirect on the same host is followed: ALIVE', async () => {
    const s = await serve({ '/canary.txt': (_, res) => res.writeHead(301, { location: '/v2/canary.txt' }).end() }, { ...routes, '/v2/canary.txt': att.file });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.code, r.out + r.err).toBe(0);
  });
});

describe('what an unverified attestation lists is not fetched', () => {
  let mallory: TestKey;
  beforeAll(async () => {
    mallory = await makeKey('Mallory');
  });

  it('an attestation signed by an unpinned key, listing 400 documents and 50 keys: nothing of it is fetched', async () => {
    const panic = Array.from({ length: 50 }, (_, i) => ({ name: `P${i}`, fingerprint: (i + 1).toString(16).toUpperCase().padStart(40, 'A') }));
    const documents = Array.from({ length: 400 }, (_, i) => ({ path: `d/${i}.md`, sha256: `sha256:${'0'.repeat(64)}` }));
    const forged = await reissue(
      { ...att.data, signers: { threshold: 1, keys: [mallory.ref] }, panicKeys: panic, documents },
      [mallory],
      new Date(att.data.issued),
    );
    const s = await serve({}, { ...routes, '/canary.txt': forged.file });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.codes).toContain('KEY_UNPINNED');
    expect(r.code).toBe(3);
    expect(s.hits.filter((h) => h.startsWith('/documents/'))).toEqual([]);
    expect(s.hits.filter((h) => h.startsWith('/keys/')).sort()).toEqual(w.pins.map((p) => `/keys/${p}.asc`).sort());
  });

  it('a signed attestation naming 100 keys: LIMIT_EXCEEDED, and only the pinned keys are fetched', async () => {
    const panic = Array.from({ length: 100 }, (_, i) => ({ name: `P${i}`, fingerprint: (i + 1).toString(16).toUpperCase().padStart(40, 'B') }));
    const many = await reissue({ ...att.data, panicKeys: panic }, w.signers.slice(0, 2), new Date(att.data.issued));
    const s = await serve({}, { ...routes, '/canary.txt': many.file });
    const r = await verifyCli([`${s.url}/`, ...pinsArg(w), ...QUICK]);
    expect(r.codes).toContain('LIMIT_EXCEEDED');
    expect(r.code).toBe(3);
    expect(s.hits.filter((h) => h.startsWith('/keys/')).length).toBe(w.pins.length);
  });

  it('a signed attestation listing a document by absolute URL: DOCUMENT_PATH_INVALID, and the other host is never asked', async () => {
    const evil = await serve({}, { '/policy.md': 'anything' });
    const listed = await reissue(
      { ...att.data, documents: [{ path: 'http://evil.example/policy.md', sha256: await documentHash('anything') }] },
      w.signers.slice(0, 2),
      new Date(att.data.issued),
    );
    const site = await serve({}, { ...routes, '/canary.txt': listed.file, '/heartbeat.txt': (await w.heartbeat(listed)).file });
    const proxy = await startHostProxy({ 'lumen-mail.example': site.url, 'evil.example': evil.url });
    try {
      const r = await verifyCli(['http://lumen-mail.example/', ...pinsArg(w), ...QUICK], undefined, proxy.env);
      expect(r.codes).toContain('DOCUMENT_PATH_INVALID');
      expect(r.code).toBe(3);
      expect(evil.hits).toEqual([]);
      expect(proxy.asked.filter((h) => h.startsWith('evil.example'))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('--online: the block of a heartbeat no authorised key signed is never looked up; a signed one is', async () => {
    const explorers = await Promise.all([0, 1].map(() => startFixtureServer({})));
    try {
      const flags = explorers.flatMap((e) => ['--explorer', `esplora=${e.url}/api`]);
      const forgedHb = await reissue(hb.data, [mallory], new Date(hb.data.issued));
      const forged = await serve({}, { ...routes, '/heartbeat.txt': forgedHb.file });
      const r = await verifyCli([`${forged.url}/`, ...pinsArg(w), '--online', ...flags]);
      expect(r.codes).toContain('HEARTBEAT_KEY_UNAUTHORISED');
      expect(explorers.flatMap((e) => e.hits)).toEqual([]);
      const genuine = await serve({}, routes);
      const ok = await verifyCli([`${genuine.url}/`, ...pinsArg(w), '--online', ...flags]);
      expect(ok.codes).toContain('FRESHNESS_BLOCK_UNKNOWN');
      const block = (hb.data.freshness as { bitcoin: { hash: string } }).bitcoin.hash;
      expect(explorers.every((e) => e.hits.some((h) => h.includes(block)))).toBe(true);
    } finally {
      await Promise.all(explorers.map((e) => e.close()));
    }
  });
});
