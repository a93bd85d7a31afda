// The bench's web: many sites on 127.0.0.1 in a process of their own (so that serving
// does not compete inside the measured process). /sNNNN/… answers from the Candor site
// folder, /tNNNN/… from the signed-text folder: the same bytes, a thousand addresses.
// Every path asked for is recorded; GET /__hits returns them (and forgets them and the files read), so the
// plain-HTTP baseline fetches exactly what the watcher fetched. Prints its port. A canary.json
// says SITE/ for the address of the site it is on.
//
//   node scripts/bench/watch-server.ts CANDOR_DIR TEXT_DIR
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const [candorDir, textDir] = process.argv.slice(2).map((d) => path.resolve(d));
if (!candorDir || !textDir) throw new Error('usage: watch-server.ts CANDOR_DIR TEXT_DIR');
const cache = new Map<string, Buffer | null>();
let hits: string[] = [];

async function file(root: string, rel: string): Promise<Buffer | null> {
  const full = path.join(root, path.normalize(`/${rel}`));
  if (!cache.has(full)) cache.set(full, await readFile(full).catch(() => null));
  return cache.get(full)!;
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/__hits') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hits));
    hits = [];
    // The bench rewrites the sites between runs.
    cache.clear();
    return;
  }
  hits.push(url);
  const m = /^\/([st])\d+\/(.*)$/.exec(url.split('?')[0]!);
  void (m ? file(m[1] === 's' ? candorDir : textDir, m[2]!) : Promise.resolve(null)).then((found) => {
    // canary.json names the checkpoint of the site it is on: SITE/ is that site's address.
    const site = `http://${req.headers.host}${url.slice(0, url.indexOf('/', 1) + 1)}`;
    const body = found && m![2] === 'canary.json' ? Buffer.from(found.toString('utf8').replaceAll('SITE/', site)) : found;
    if (!body) res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    else res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
