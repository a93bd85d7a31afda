/**
 * An OpenTimestamps calendar and an esplora explorer on 127.0.0.1, speaking the real
 * protocols (POST /digest, GET /timestamp/<hex>; GET /block-height/:h, /block/:hash/header)
 * with generated data: the calendar answers a submission with a pending attestation
 * naming itself, and once `mine(height)` is called, answers upgrades with a path to a
 * Bitcoin attestation at that height; `roots` says which merkle root that block needs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toHex } from '../../src/core/ots/bytes.ts';
import { applyOp, type Op } from '../../src/core/ots/ops.ts';
import { pathTimestamp, serializeTimestamp } from '../../src/core/ots/timestamp.ts';
import { blockHash, type Chain } from './ots-chain.ts';
import { startFixtureServer, type FixtureServer } from './fixture-server.ts';

export interface Calendar {
  url: string;
  /** Every request as "METHOD path accept". */
  requests: string[];
  /** The commitments POSTed to /digest, in hex. */
  submitted: string[];
  /** Decide that everything submitted so far is in block `height`; returns the merkle root it needs. */
  mine(height: number): Uint8Array;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startCalendar(): Promise<Calendar> {
  const requests: string[] = [];
  const submitted: string[] = [];
  /** Pending message (hex) → its upgrade answer, once mined. */
  const pending = new Map<string, Uint8Array | null>();
  let url = '';
  const server = createServer((req, res) => {
    void (async () => {
      requests.push(`${req.method} ${req.url} ${req.headers.accept ?? ''}`);
      if (req.method === 'POST' && req.url === '/digest') {
        const commitment = await body(req);
        submitted.push(toHex(commitment));
        const path: Op[] = [{ kind: 'append', arg: new Uint8Array(randomBytes(8)) }, { kind: 'sha256' }];
        const msg = path.reduce<Uint8Array>((m, op) => applyOp(op, m), commitment);
        pending.set(toHex(msg), null);
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(serializeTimestamp(pathTimestamp(commitment, path, { kind: 'pending', uri: url })));
        return;
      }
      const m = /^\/timestamp\/([0-9a-f]+)$/.exec(req.url ?? '');
      const answer = m ? pending.get(m[1]!) : undefined;
      if (req.method === 'GET' && answer) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(answer);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(answer === null ? 'Pending confirmation in Bitcoin blockchain' : 'Not found');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    submitted,
    mine(height) {
      // One block for everything pending: a merkle tree would do the same with more steps.
      const msgs = [...pending.keys()];
      if (msgs.length !== 1) throw new Error(`the test calendar mines exactly one submission, has ${msgs.length}`);
      const sibling = new Uint8Array(randomBytes(32));
      let root: Uint8Array = new Uint8Array();
      for (const hex of msgs) {
        const path: Op[] = [{ kind: 'prepend', arg: sibling }, { kind: 'sha256' }, { kind: 'sha256' }];
        const msg = Uint8Array.from(Buffer.from(hex, 'hex'));
        root = path.reduce<Uint8Array>((m, op) => applyOp(op, m), msg);
        pending.set(hex, serializeTimestamp(pathTimestamp(msg, path, { kind: 'bitcoin', height })));
      }
      return root;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An esplora explorer serving the headers of `chain` (and its tip height). */
export async function startHeaderExplorer(chain: Chain, opts: { tamper?: (height: number, hex: string) => string } = {}): Promise<FixtureServer> {
  const routes: Record<string, { body: string }> = { '/api/blocks/tip/height': { body: String(chain.start + chain.headers.length - 1) } };
  chain.headers.forEach((raw, i) => {
    const height = chain.start + i;
    const hash = blockHash(raw);
    routes[`/api/block-height/${height}`] = { body: hash };
    routes[`/api/block/${hash}/header`] = { body: opts.tamper ? opts.tamper(height, toHex(raw)) : toHex(raw) };
  });
  return startFixtureServer(routes);
}

export const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
