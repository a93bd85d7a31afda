// A minimal static file server for the demo and the site tests (127.0.0.1 only).
import path from 'node:path';
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.asc': 'application/pgp-keys',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.js': 'text/javascript',
  '.md': 'text/plain; charset=utf-8',
  '.yml': 'text/plain; charset=utf-8',
};

async function resolveFile(root: string, urlPath: string): Promise<string | null> {
  const decoded = decodeURIComponent(urlPath.split('?')[0]!);
  const file = path.join(root, path.normalize(decoded));
  if (!file.startsWith(root)) return null;
  const info = await stat(file).catch(() => null);
  if (info?.isDirectory()) return resolveFile(root, path.join(decoded, 'index.html'));
  return info ? file : null;
}

/**
 * The site's base path (service.yml `base`, decision 0022): the build's files answer under
 * it, as a project site's host serves them; anything outside it is a 404, and the base
 * without its slash redirects to it.
 */
async function respond(root: string, base: string, url: string, res: http.ServerResponse): Promise<void> {
  const pathname = url.split('?')[0]!;
  if (base !== '/' && pathname === base.slice(0, -1)) {
    res.writeHead(301, { location: base }).end();
    return;
  }
  const file = pathname.startsWith(base) ? await resolveFile(root, `/${pathname.slice(base.length)}`) : null;
  if (!file) {
    // As static hosts do: the site's own 404 page when it has one.
    const page = await readFile(path.join(root, '404.html')).catch(() => null);
    res.writeHead(404, { 'content-type': page ? TYPES['.html']! : 'text/plain', 'x-content-type-options': 'nosniff' }).end(page ?? 'not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' });
  res.end(await readFile(file));
}

export async function serveStatic(root: string, port: number, base = '/'): Promise<{ port: number; close: () => Promise<void> }> {
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`a base path starts and ends with /, not ${base}`);
  // A file that vanishes between lookup and read is a 500, not an unhandled rejection.
  const server = http.createServer((req, res) => {
    respond(path.resolve(root), base, req.url ?? '/', res).catch(() => res.writeHead(500, { 'content-type': 'text/plain' }).end('cannot read the file'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? server.listen(0, '127.0.0.1', resolve) : reject(error)));
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : port, close: () => new Promise((r) => server.close(() => r())) };
}
