/**
 * A synthetic Bitcoin chain that follows the simulated clock (a block every 10 minutes,
 * deterministic hashes), served on 127.0.0.1 by three explorers in the formats of the
 * recordings in test/fixtures/explorers/: two Esplora (mempool.space answers an unknown
 * block with 404, blockstream.info with 400) and one blockchain.info. Every answer is the
 * recorded JSON with the block's own fields put in, so src/io/explorers.ts parses exactly
 * the shapes it parses in its fixture tests.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fixture, startFixtureServer, type FixtureResponse, type FixtureServer } from '../helpers/fixture-server.ts';

const SPACING_S = 600;
/** Height of the block mined at `genesis`. */
const BASE_HEIGHT = 870_000;

export interface Block {
  height: number;
  hash: string;
  time: number;
}

export interface Chain {
  /** As canary.yml lists them (the real names, local URLs). */
  sources: { name: string; kind: 'esplora' | 'blockchain-info'; url: string }[];
  blockAt(height: number): Block;
  tipAt(at: Date): Block;
  /** While down, every explorer drops the connection (unreachable). */
  setDown(down: boolean): void;
  /** Requests answered since the start (proof that the explorers were asked). */
  requests(): number;
  close(): Promise<void>;
}

export function blockHash(height: number): string {
  return `00000000${createHash('sha256').update(`candor-sim-block-${height}`).digest('hex').slice(0, 56)}`;
}

export async function startChain(opts: { genesis: Date; now: () => Date }): Promise<Chain> {
  const genesisS = Math.floor(opts.genesis.getTime() / 1000);
  const blockAt = (height: number): Block => ({ height, hash: blockHash(height), time: genesisS + (height - BASE_HEIGHT) * SPACING_S });
  const tipAt = (at: Date): Block => blockAt(BASE_HEIGHT + Math.floor((Math.floor(at.getTime() / 1000) - genesisS) / SPACING_S));
  const byHash = (hash: string, tip: Block): Block | undefined => {
    // Only blocks up to the tip exist; search back a year of blocks at most.
    for (let h = tip.height; h > tip.height - 60_000 && h >= BASE_HEIGHT; h--) if (blockHash(h) === hash) return blockAt(h);
    return undefined;
  };
  const esploraBlock = JSON.parse(fixture('explorers/esplora/block-800000.json')) as Record<string, unknown>;
  const infoBlock = JSON.parse(fixture('explorers/blockchain-info/rawblock-800000.json')) as Record<string, unknown>;
  const infoHeight = JSON.parse(fixture('explorers/blockchain-info/block-height-800000.json')) as { blocks: Record<string, unknown>[] };
  const notFoundInfo = fixture('explorers/blockchain-info/rawblock-not-found.json');
  const notFoundEsplora = fixture('explorers/esplora/block-not-found.txt');
  let down = false;
  let count = 0;

  const esplora =
    (notFound: number) =>
    (req: IncomingMessage): FixtureResponse => {
      if (down) return { body: '', reset: true };
      count++;
      const tip = tipAt(opts.now());
      const url = new URL(req.url ?? '/', 'http://x');
      let m: RegExpExecArray | null;
      if (url.pathname === '/api/blocks/tip/height') return { body: String(tip.height), contentType: 'text/plain' };
      if ((m = /^\/api\/block-height\/(\d+)$/.exec(url.pathname))) {
        const h = Number(m[1]);
        return h <= tip.height && h >= BASE_HEIGHT
          ? { body: blockHash(h), contentType: 'text/plain' }
          : { status: 404, body: 'Block not found', contentType: 'text/plain' };
      }
      if ((m = /^\/api\/block\/([0-9a-f]{64})$/.exec(url.pathname))) {
        const b = byHash(m[1]!, tip);
        if (!b) return { status: notFound, body: notFoundEsplora, contentType: 'text/plain' };
        return {
          body: JSON.stringify({
            ...esploraBlock,
            id: b.hash,
            height: b.height,
            timestamp: b.time,
            mediantime: b.time - 3000,
            previousblockhash: blockHash(b.height - 1),
          }),
          contentType: 'application/json',
        };
      }
      return { status: 404, body: 'Not found' };
    };
  const infoJson = (b: Block): Record<string, unknown> => ({
    ...infoBlock,
    hash: b.hash,
    height: b.height,
    time: b.time,
    prev_block: blockHash(b.height - 1),
    next_block: [],
    main_chain: true,
    block_index: b.height,
  });
  const blockchainInfo = (req: IncomingMessage): FixtureResponse => {
    if (down) return { body: '', reset: true };
    count++;
    const tip = tipAt(opts.now());
    const url = new URL(req.url ?? '/', 'http://x');
    let m: RegExpExecArray | null;
    if (url.pathname === '/q/getblockcount') return { body: String(tip.height), contentType: 'text/plain' };
    if ((m = /^\/block-height\/(\d+)$/.exec(url.pathname)) && url.searchParams.get('format') === 'json') {
      const h = Number(m[1]);
      if (h > tip.height) return { status: 404, body: notFoundInfo };
      return { body: JSON.stringify({ ...infoHeight, blocks: [infoJson(blockAt(h))] }), contentType: 'application/json' };
    }
    if ((m = /^\/rawblock\/([0-9a-f]{64})$/.exec(url.pathname))) {
      const b = byHash(m[1]!, tip);
      return b ? { body: JSON.stringify(infoJson(b)), contentType: 'application/json' } : { status: 404, body: notFoundInfo };
    }
    return { status: 404, body: 'Not found' };
  };
  const catchAll = (handler: (req: IncomingMessage) => FixtureResponse): Record<string, (req: IncomingMessage) => FixtureResponse> =>
    new Proxy({}, { get: () => handler });
  const servers: FixtureServer[] = await Promise.all([
    startFixtureServer(catchAll(esplora(404))),
    startFixtureServer(catchAll(esplora(400))),
    startFixtureServer(catchAll(blockchainInfo)),
  ]);
  return {
    sources: [
      { name: 'mempool.space', kind: 'esplora', url: `${servers[0]!.url}/api` },
      { name: 'blockstream.info', kind: 'esplora', url: `${servers[1]!.url}/api` },
      { name: 'blockchain.info', kind: 'blockchain-info', url: servers[2]!.url },
    ],
    blockAt,
    tipAt,
    setDown: (d) => {
      down = d;
    },
    requests: () => count,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
