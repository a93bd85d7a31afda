/**
 * A forward proxy on 127.0.0.1 that answers for real host names (lumen-mail.example,
 * evil.example…) with local servers, so that a test can verify a site by its name, the
 * way a reader does, without DNS or the internet. The CLI reaches it through Node's own
 * proxy support (`proxyEnv`), Chromium through --proxy-server. A name it does not know
 * gets 502: nothing leaves the machine.
 *
 *   const proxy = await startHostProxy({ 'lumen-mail.example': site.url });
 *   await candor(['verify', 'http://lumen-mail.example/'], { env: proxy.env });
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface HostProxy {
  url: string;
  /** Environment for a child `node` process: its fetch goes through this proxy (127.0.0.1 and localhost directly). */
  env: NodeJS.ProcessEnv;
  /** Every host:port asked for, in order. */
  asked: string[];
  close(): Promise<void>;
}

export async function startHostProxy(hosts: Record<string, string>): Promise<HostProxy> {
  const asked: string[] = [];
  const portOf = (host: string): number | undefined => {
    const target = hosts[host.toLowerCase()];
    return target ? Number(new URL(target).port) : undefined;
  };
  const sockets = new Set<Socket>();
  // Absolute-form requests (a browser's plain http through a proxy).
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = URL.parse(req.url ?? '');
    asked.push(url?.host ?? '?');
    const port = url ? portOf(url.hostname) : undefined;
    if (!url || !port) return void res.writeHead(502).end('unknown host');
    const upstream = request(
      { host: '127.0.0.1', port, path: `${url.pathname}${url.search}`, method: req.method, headers: { ...req.headers, host: url.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  // CONNECT tunnels (Node's fetch through HTTP_PROXY).
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    asked.push(req.url ?? '?');
    sockets.add(socket);
    const port = portOf((req.url ?? '').split(':')[0] ?? '');
    if (!port) return void socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const upstream = connect(port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    asked,
    env: { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: url, HTTPS_PROXY: url, NO_PROXY: '127.0.0.1,localhost' },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
