/**
 * src/io/timestamps.ts against local servers: the reference client's incomplete.txt.ots
 * upgraded with the alice calendar's recorded answer and the real header of block 428648
 * (served as an esplora explorer would), and calendars or explorers that answer wrongly.
 */
import os from 'node:os';
import path from 'node:path';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/core/ots/bytes.ts';
import { leaves, parseDetached } from '../../src/core/ots/timestamp.ts';
import { fetchHeaders } from '../../src/io/ots-headers.ts';
import { stampFile, upgradeFile } from '../../src/io/timestamps.ts';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.ts';
import { blockHash } from '../helpers/ots-chain.ts';

const FIXTURES = new URL('../fixtures/ots/', import.meta.url);
const fixture = (name: string): string => new URL(name, FIXTURES).pathname;
const HEADER_428648 = (JSON.parse(readFileSync(fixture('recorded/block-428648.ots-headers'), 'utf8')) as { headers: string[] }).headers[0]!;
const HASH_428648 = blockHash(fromHex(HEADER_428648));
const ALICE = 'https://alice.btc.calendar.opentimestamps.org';
const COMMITMENT = '57cfa5c46716df9bd9e83595bce439c58108d8fcc1678f30d4c6731c3f1fa6c79ed712c66fb1ac8d4e4eb0e7';

let dir: string;
const servers: FixtureServer[] = [];
async function serve(routes: Parameters<typeof startFixtureServer>[0]): Promise<FixtureServer> {
  const s = await startFixtureServer(routes);
  servers.push(s);
  return s;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'candor-ots-io-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('upgrade with recorded real data', () => {
  it('incomplete.txt.ots + alice’s answer + the header of block 428648: existed by 2016-09-07T05:56:43Z', async () => {
    const calendar = await serve({ [`/timestamp/${COMMITMENT}`]: { body: readFileSync(fixture('recorded/alice-incomplete-upgrade.bin')) } });
    const explorer = await serve({
      '/api/block-height/428648': { body: HASH_428648 },
      [`/api/block/${HASH_428648}/header`]: { body: HEADER_428648 },
    });
    const file = path.join(dir, 'incomplete.txt');
    await copyFile(fixture('client/incomplete.txt'), file);
    await copyFile(fixture('client/incomplete.txt.ots'), `${file}.ots`);
    // The proof names alice's public URL; the test points that host at the local server.
    const fetchImpl: typeof fetch = (input, init) => fetch(String(input instanceof Request ? input.url : input).replace(ALICE, calendar.url), init);
    const result = await upgradeFile(file, {
      whitelist: [ALICE],
      explorers: [{ name: 'local', kind: 'esplora', url: `${explorer.url}/api` }],
      minimumBits: 0x1d00ffff,
      fetchImpl,
    });
    expect(result).toEqual({ status: 'complete', bounds: { notAfter: { height: 428648, hash: HASH_428648, time: '2016-09-07T05:56:43Z' } } });
    expect(calendar.hits).toEqual([`/timestamp/${COMMITMENT}`]);
    const proof = parseDetached(new Uint8Array(await readFile(`${file}.ots`)));
    expect(leaves(proof.timestamp).map((l) => l.attestation)).toEqual([{ kind: 'bitcoin', height: 428648 }]);
    expect(await upgradeFile(file, { whitelist: [ALICE], explorers: [] })).toEqual({ status: 'already' });
  });

  it('refuses to upgrade a proof of another file', async () => {
    const file = path.join(dir, 'not-incomplete.txt');
    await writeFile(file, 'something else\n');
    await copyFile(fixture('client/incomplete.txt.ots'), `${file}.ots`);
    await expect(upgradeFile(file, { whitelist: [ALICE], explorers: [] })).rejects.toMatchObject({ code: 'TIMESTAMP_INVALID' });
  });
});

describe('calendars that answer wrongly', () => {
  it('garbage and oversized answers do not count; too few good ones write nothing', async () => {
    const garbage = await serve({ '/digest': { body: 'Not a timestamp at all' } });
    const huge = await serve({ '/digest': { body: Buffer.alloc(20_000, 0xf0) } });
    const file = path.join(dir, 'doc.txt');
    await writeFile(file, 'doc\n');
    await expect(stampFile(file, { calendars: [garbage.url, huge.url], minCalendars: 1 })).rejects.toMatchObject({ code: 'NOT_ENOUGH_CALENDARS' });
    expect(existsSync(`${file}.ots`)).toBe(false);
  });
});

describe('explorers that answer wrongly', () => {
  it('a header that does not hash to the block it was listed under is refused; the next explorer is used', async () => {
    const wrong = fromHex(HEADER_428648);
    wrong[79] = wrong[79]! ^ 1;
    const liar = await serve({
      '/api/block-height/428648': { body: HASH_428648 },
      [`/api/block/${HASH_428648}/header`]: { body: Buffer.from(wrong).toString('hex') },
    });
    const honest = await serve({
      '/api/block-height/428648': { body: HASH_428648 },
      [`/api/block/${HASH_428648}/header`]: { body: HEADER_428648 },
    });
    const liarOnly = [{ name: 'liar', kind: 'esplora' as const, url: `${liar.url}/api` }];
    await expect(fetchHeaders(428648, 428648, { sources: liarOnly })).rejects.toMatchObject({ code: 'HEADERS_FAILED' });
    const headers = await fetchHeaders(428648, 428648, { sources: [...liarOnly, { name: 'honest', kind: 'esplora', url: `${honest.url}/api` }] });
    expect(blockHash(headers[0]!.raw)).toBe(HASH_428648);
  });

  it('a range too long for a bundle is refused before any request', async () => {
    await expect(fetchHeaders(0, 5000, { sources: [] })).rejects.toMatchObject({ code: 'HEADERS_FAILED' });
  });
});
