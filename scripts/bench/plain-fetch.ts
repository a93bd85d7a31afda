// The watch bench's baseline: the URLs in a JSON file fetched with plain HTTP requests
// (Node's fetch, every body read), at most N at a time, as the watcher's concurrency.
//
//   node --import ./scripts/bench/usage.ts scripts/bench/plain-fetch.ts URLS.json N
import { readFile } from 'node:fs/promises';

const [list, n] = process.argv.slice(2);
const urls = JSON.parse(await readFile(list!, 'utf8')) as string[];
let next = 0;
let bytes = 0;
const worker = async () => {
  while (next < urls.length) {
    const url = urls[next++]!;
    const response = await fetch(url);
    bytes += (await response.arrayBuffer()).byteLength;
  }
};
await Promise.all(Array.from({ length: Number(n) }, worker));
console.log(JSON.stringify({ requests: urls.length, bytes }));
