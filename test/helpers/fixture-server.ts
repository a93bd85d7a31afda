/**
 * A local HTTP server that replays recorded responses, so network code runs for real
 * (sockets, timeouts, status codes) without the internet.
 *
 *   const server = await startFixtureServer({ '/api/blocks/tip/height': { body: '800010' } });
 *   try { ... server.url ... } finally { await server.close(); }
 *
 * Routes are matched on the full request path with its query first, then on the path
 * alone; anything else gets 404 "Not found". Every request path is appended to `hits`.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureResponse {
  status?: number;
  body: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Wait before answering; longer than the client's timeout to simulate a hang. */
  delayMs?: number;
  /** Drop the connection without answering (a network error for the client). */
  reset?: boolean;
}
export type FixtureHandler = (req: IncomingMessage) => FixtureResponse | Promise<FixtureResponse>;
export type FixtureRoute = FixtureResponse | FixtureHandler;
export interface FixtureServer {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** Reads a recorded response body from test/fixtures. */
export function fixture(relativePath: string): string {
  return readFileSync(new URL(relativePath, FIXTURES), 'utf8');
}

/** A handler answering each request with the next response; the last one repeats. */
export function sequence(...responses: FixtureResponse[]): FixtureHandler {
  let next = 0;
  return () => responses[Math.min(next++, responses.length - 1)] as FixtureResponse;
}

function defaultType(body: string | Buffer): string {
  const text = body.toString().trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return 'application/json';
  if (text.startsWith('<')) return 'application/xml';
  return 'text/plain; charset=utf-8';
}

async function answer(route: FixtureRoute | undefined, req: IncomingMessage, res: ServerResponse, timers: Set<NodeJS.Timeout>): Promise<void> {
  const found = typeof route === 'function' ? await route(req) : route;
  const spec = found ?? { status: 404, body: 'Not found' };
  if (spec.delayMs) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (timers.delete(timer), resolve()), spec.delayMs);
      timers.add(timer);
    });
  }
  if (spec.reset || res.destroyed) return void req.socket.destroy();
  res.writeHead(spec.status ?? 200, { 'content-type': spec.contentType ?? defaultType(spec.body), ...spec.headers });
  res.end(spec.body);
}

export async function startFixtureServer(routes: Record<string, FixtureRoute>): Promise<FixtureServer> {
  const hits: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(path);
    const route = routes[path] ?? routes[path.split('?')[0] ?? path];
    answer(route, req, res, timers).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url: `http://127.0.0.1:${port}`, hits, close };
}

/** A URL on which nothing listens, for "connection refused". */
export async function refusedUrl(): Promise<string> {
  const server = await startFixtureServer({});
  const { url } = server;
  await server.close();
  return url;
}
