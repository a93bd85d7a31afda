/** Two recorded esplora explorers on 127.0.0.1 that agree on block 800000 at depth 10. */
import { fixture, startFixtureServer, type FixtureServer } from './fixture-server.ts';

export const BLOCK_HASH = '00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054';

export async function startExplorers(): Promise<{ servers: FixtureServer[]; sources: { name: string; kind: string; url: string }[]; close(): Promise<void> }> {
  const routes = {
    '/api/blocks/tip/height': { body: fixture('explorers/esplora/blocks-tip-height.txt') },
    '/api/block-height/800000': { body: fixture('explorers/esplora/block-height-800000.txt') },
    [`/api/block/${BLOCK_HASH}`]: { body: fixture('explorers/esplora/block-800000.json') },
  };
  const servers = [await startFixtureServer(routes), await startFixtureServer(routes)];
  return {
    servers,
    sources: servers.map((s, i) => ({ name: `explorer-${i + 1}`, kind: 'esplora', url: `${s.url}/api` })),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
