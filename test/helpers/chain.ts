/**
 * A synthetic Bitcoin chain that follows a test's clock, served by two local explorers in
 * the recorded formats of `test/fixtures/explorers/` (esplora and blockchain.info), so that
 * heartbeats can be issued on any simulated day with the real fetching code.
 *
 *   const chain = await startChain();        // block 800000 at 2023-07-24T03:17:09Z, one every 10 min
 *   chain.setNow(new Date('2026-12-01T09:00:00Z'));
 *   ... freshness.bitcoin.sources: chain.sources ...
 *   await chain.close();
 *
 * Only the fields the recordings carry, with the same types; hashes are deterministic and
 * start with the zeros a real block hash has.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const ANCHOR = { height: 800_000, time: Date.parse('2023-07-24T03:17:09Z') / 1000 };
const SPACING = 600;

export const blockHash = (height: number): string =>
  `00000000000000000002${createHash('sha256').update(`candor-test-block-${height}`).digest('hex').slice(20)}`;
export const blockTime = (height: number): number => ANCHOR.time + (height - ANCHOR.height) * SPACING;

interface Served {
  close(): Promise<void>;
  url: string;
  hits: string[];
}

export interface Chain {
  /** Moves the tip: the last block mined at or before `now`. */
  setNow(now: Date): void;
  tip(): number;
  /** Explorers answer nothing (connection reset) while down. */
  setDown(down: boolean): void;
  sources: { name: string; kind: 'esplora' | 'blockchain-info'; url: string }[];
  servers: Served[];
  close(): Promise<void>;
}

function esploraBlock(height: number): Record<string, unknown> {
  return {
    id: blockHash(height),
    height,
    version: 536887296,
    timestamp: blockTime(height),
    tx_count: 3000,
    size: 1_600_000,
    weight: 3_990_000,
    merkle_root: blockHash(height + 7_000_000).replace(/^0+/, 'a'),
    previousblockhash: blockHash(height - 1),
    mediantime: blockTime(height) - 3000,
    nonce: (height * 7) % 4_294_967_296,
    bits: 386218132,
    difficulty: 53911173001054.59,
  };
}

function rawBlock(height: number): Record<string, unknown> {
  return {
    hash: blockHash(height),
    ver: 536887296,
    prev_block: blockHash(height - 1),
    mrkl_root: blockHash(height + 7_000_000).replace(/^0+/, 'a'),
    time: blockTime(height),
    bits: 386218132,
    next_block: [],
    fee: 17004121,
    nonce: (height * 7) % 4_294_967_296,
    n_tx: 3000,
    size: 1_600_000,
    block_index: height,
    main_chain: true,
    height,
    weight: 3_990_000,
    tx: [],
  };
}

function heightOf(hash: string, tip: number): number | undefined {
  // Recent blocks only: a heartbeat asks for a block a few blocks below the tip.
  for (let h = tip; h > Math.max(ANCHOR.height - 1, tip - 20_000); h--) if (blockHash(h) === hash) return h;
  return undefined;
}

async function serve(handle: (path: string) => { status: number; type: string; body: string }, isDown: () => boolean): Promise<Served> {
  const hits: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    hits.push(req.url ?? '');
    if (isDown()) {
      req.socket.destroy();
      return;
    }
    const answer = handle(req.url ?? '/');
    res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const text = (body: string, status = 200) => ({ status, type: 'text/plain', body });
const json = (body: unknown, status = 200) => ({ status, type: 'application/json', body: JSON.stringify(body) });

export async function startChain(now = new Date(ANCHOR.time * 1000 + 100 * SPACING * 1000)): Promise<Chain> {
  let tip = 0;
  let down = false;
  const setNow = (d: Date) => {
    tip = ANCHOR.height + Math.floor((d.getTime() / 1000 - ANCHOR.time) / SPACING);
  };
  setNow(now);
  const esplora = (p: string) => {
    const m = /^\/api\/(?:blocks\/tip\/height|block-height\/(\d+)|block\/([0-9a-f]{64}))$/.exec(p);
    if (!m) return text('Not found', 404);
    if (m[1] !== undefined) return Number(m[1]) <= tip ? text(blockHash(Number(m[1]))) : text('Block not found', 404);
    if (m[2] !== undefined) {
      const h = heightOf(m[2], tip);
      return h === undefined ? text('Block not found', 404) : json(esploraBlock(h));
    }
    return text(String(tip));
  };
  const blockchainInfo = (p: string) => {
    if (p === '/q/getblockcount') return text(String(tip));
    const byHeight = /^\/block-height\/(\d+)\?format=json$/.exec(p);
    if (byHeight)
      return Number(byHeight[1]) <= tip
        ? json({ blocks: [rawBlock(Number(byHeight[1]))] })
        : json({ error: 'not-found-or-invalid-arg', message: 'Item not found or argument invalid' }, 404);
    const byHash = /^\/rawblock\/([0-9a-f]{64})$/.exec(p);
    const h = byHash ? heightOf(byHash[1]!, tip) : undefined;
    return h === undefined ? json({ error: 'not-found-or-invalid-arg', message: 'Item not found or argument invalid' }, 404) : json(rawBlock(h));
  };
  const servers = [await serve(esplora, () => down), await serve(blockchainInfo, () => down)];
  return {
    setNow,
    tip: () => tip,
    setDown: (d) => {
      down = d;
    },
    servers,
    sources: [
      { name: 'test-esplora', kind: 'esplora', url: `${servers[0]!.url}/api` },
      { name: 'test-blockchain-info', kind: 'blockchain-info', url: servers[1]!.url },
    ],
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
