/**
 * The time bounds of the live site (issue 15, items 4 and 5): a throwaway operator
 * repository whose archived attestation and heartbeat carry anchored OpenTimestamps
 * proofs (generated at regtest difficulty), built with the shipped `candor build`. The
 * site serves the proofs byte for byte (under /archive/ and at the stable paths), lists
 * them in the manifest, shows the bounds on /canary/ with the test-floor notice and in
 * /canary/status.json; built at the pinned floor the same proofs show as failures; a
 * pending proof shows pending and a tampered header bundle invalid. Then the shipped
 * `candor verify <URL>` reads the served proofs.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../scripts/serve.ts';
import { readableInstant } from '../../src/core/dates.ts';
import { pathTimestamp, serializeDetached } from '../../src/core/ots/timestamp.ts';
import { candor } from '../helpers/candor-bin.ts';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.ts';
import { anchoredProof, blockHash, bundleText, makeChain, minedHeader, sha256d, unmined, type Chain } from '../helpers/ots-chain.ts';
import { makeProject, NOW, type TestProject } from '../helpers/project.ts';

const EASY = '207fffff';
/** Block 800000, the heartbeat's freshness block: mined once (its hash must start with 32 zero bits), a few hours before NOW. */
const FRESHNESS = minedHeader();
const FRESHNESS_TIME = FRESHNESS.time;
const first = FRESHNESS.raw;
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000', '');
/** A block time as the pages write it. */
const shown = (t: number) => readableInstant(iso(t));

let p: TestProject;
let explorers: FixtureServer[];
let rest: Chain;
const archive = (name: string) => path.join(p.root, 'content', 'canary', 'archive', name);
const ATT = 'attestation-000001.txt';
const HB = 'heartbeat-000001.txt';

/** Two esplora explorers that agree on the mined block 800000 at depth 10. */
async function chainExplorers(header: Uint8Array): Promise<FixtureServer[]> {
  const hash = blockHash(header);
  const routes = {
    '/api/blocks/tip/height': { body: '800010' },
    '/api/block-height/800000': { body: hash },
    [`/api/block/${hash}`]: { body: JSON.stringify({ id: hash, height: 800_000, timestamp: FRESHNESS_TIME }) },
  };
  return [await startFixtureServer(routes), await startFixtureServer(routes)];
}

/**
 * `candor build` as shipped, in its own process, from Candor's folder as an operator runs it
 * from theirs (Astro resolves its chunks' packages from there); a build takes longer than a
 * CLI call's default time limit.
 */
async function build(out: string, minimumBits?: string): Promise<string> {
  const r = await candor(['--root', p.root, '--now', NOW, 'build', '--out', out], {
    timeoutMs: 240_000,
    env: minimumBits ? { CANDOR_OTS_MINIMUM_BITS: minimumBits } : {},
  });
  expect(r.code, r.out + r.err).toBe(0);
  return out;
}

/** A new file in the place of the old, as candor writes them: the built sites hard-link the archive's files. */
async function replace(file: string, bytes: Uint8Array | string): Promise<void> {
  await writeFile(`${file}.new`, bytes);
  await rename(`${file}.new`, file);
}

const read = (site: string, rel: string) => readFile(path.join(site, rel));
const text = async (site: string, rel: string) => (await read(site, rel)).toString('utf8');
/** The page's text as a reader sees it: tags removed (so a missing space shows), spaces collapsed. */
const visible = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
/** One proof's part of /canary/ (the CanaryTimestamp component, alone in its <dd>), by the document it links. */
function proofBlock(html: string, which: 'canary.txt' | 'heartbeat.txt'): string {
  const blocks = html
    .split('<div data-timestamp=')
    .slice(1)
    .map((b) => `<div data-timestamp=${b.slice(0, b.indexOf('</dd>'))}`);
  const found = blocks.find((b) => b.includes(`href="/${which}.ots"`));
  if (!found) throw new Error(`no timestamp block for ${which} in the page`);
  return found;
}

let easySite: string;

beforeAll(async () => {
  explorers = await chainExplorers(first);
  p = await makeProject({ explorers: explorers.map((s, i) => ({ name: `explorer-${i + 1}`, kind: 'esplora', url: `${s.url}/api` })) });
  for (const step of [['prepare'], ['sign', '--key', p.keyFile(p.signers[0]!)], ['sign', '--key', p.keyFile(p.signers[1]!)], ['publish']]) {
    const r = await p.cli(['canary', 'attest', ...step]);
    expect(r.code, r.err).toBe(0);
  }
  const hb = await p.cli(['canary', 'heartbeat', '--key', p.keyFile(p.ci)]);
  expect(hb.code, hb.err).toBe(0);
  // The proofs, as the publish job's upgrade leaves them: the attestation anchored in block 800003, the heartbeat in 800005.
  const att = anchoredProof(await readFile(archive(ATT)), 800_003);
  const beat = anchoredProof(await readFile(archive(HB)), 800_005);
  rest = makeChain({
    start: 800_001,
    count: 5,
    time: FRESHNESS_TIME + 600,
    prev: sha256d(first),
    roots: { 800_003: att.merkleRoot, 800_005: beat.merkleRoot },
  });
  await writeFile(archive(`${ATT}.ots`), att.ots);
  await writeFile(archive(`${ATT}.ots-headers`), bundleText({ start: 800_003, headers: [rest.headers[2]!] }));
  await writeFile(archive(`${HB}.ots`), beat.ots);
  await writeFile(archive(`${HB}.ots-headers`), bundleText({ start: 800_000, headers: [first, ...rest.headers] }));
  easySite = await build(path.join(p.secrets, 'site-easy'), EASY);
}, 400_000);
afterAll(async () => {
  await Promise.all((explorers ?? []).map((s) => s.close()));
  await p?.cleanup();
});

describe('the built site publishes the proofs', () => {
  it('under /archive/ and at /canary.txt.ots(-headers), /heartbeat.txt.ots(-headers), byte for byte', async () => {
    for (const name of [ATT, HB]) {
      for (const suffix of ['.ots', '.ots-headers']) {
        expect(Buffer.compare(await read(easySite, `archive/${name}${suffix}`), await readFile(archive(name + suffix))), name + suffix).toBe(0);
      }
    }
    for (const [stable, name] of [
      ['canary.txt', ATT],
      ['heartbeat.txt', HB],
    ] as const) {
      for (const suffix of ['.ots', '.ots-headers']) {
        expect(Buffer.compare(await read(easySite, stable + suffix), await readFile(archive(name + suffix))), stable + suffix).toBe(0);
      }
    }
  });

  it('the manifest lists every proof file with its hash', async () => {
    const manifest = JSON.parse(await text(easySite, 'manifest.json')) as { files: { path: string; sha256: string }[] };
    const listed = new Map(manifest.files.map((f) => [f.path, f.sha256]));
    for (const rel of [
      `archive/${ATT}.ots`,
      `archive/${ATT}.ots-headers`,
      `archive/${HB}.ots`,
      `archive/${HB}.ots-headers`,
      'canary.txt.ots',
      'heartbeat.txt.ots-headers',
    ]) {
      const sha = `sha256:${createHash('sha256')
        .update(await read(easySite, rel))
        .digest('hex')}`;
      expect(listed.get(`/${rel}`), rel).toBe(sha);
    }
  });
});

describe('/canary/ and /canary/status.json show the time bounds', () => {
  it('the heartbeat: issued between its freshness block and block 800005; the attestation: existed by block 800003; with links to the proofs', async () => {
    const html = await text(easySite, 'canary/index.html');
    const hb = proofBlock(html, 'heartbeat.txt');
    expect(hb).toContain('data-timestamp="anchored"');
    expect(visible(hb)).toContain(`Issued between block 800000 (${shown(FRESHNESS_TIME)}) and block 800005 (${shown(FRESHNESS_TIME + 3000)})`);
    expect(hb).toContain(`<time datetime="${iso(FRESHNESS_TIME)}">`);
    expect(hb).toContain('href="/heartbeat.txt.ots"');
    expect(hb).toContain('href="/heartbeat.txt.ots-headers"');
    const att = proofBlock(html, 'canary.txt');
    expect(visible(att)).toContain(`Existed by block 800003 (${shown(FRESHNESS_TIME + 1800)})`);
    expect(att).toContain('href="/canary.txt.ots-headers"');
  });

  it('says, next to each set of bounds, that they were checked against a test-network floor', async () => {
    const html = await text(easySite, 'canary/index.html');
    for (const which of ['canary.txt', 'heartbeat.txt'] as const) {
      expect(visible(proofBlock(html, which))).toContain(
        'Checked against a test-network difficulty floor (nBits 207fffff), not the pinned Bitcoin floor (170fffff)',
      );
    }
  });

  it('status.json carries the same bounds as `timestamps`, and its other fields as before', async () => {
    const status = JSON.parse(await text(easySite, 'canary/status.json')) as Record<string, unknown>;
    expect(status).toMatchObject({ format: 'candor-canary-monitor/1', state: 'current', attestation: { url: '/canary.txt', sequence: 1 } });
    expect(status['timestamps']).toEqual({
      minimumBits: EASY,
      testFloor: true,
      attestation: {
        status: 'anchored',
        url: '/canary.txt.ots',
        headersUrl: '/canary.txt.ots-headers',
        notBefore: null,
        notAfter: { height: 800_003, hash: blockHash(rest.headers[2]!), time: iso(FRESHNESS_TIME + 1800) },
      },
      heartbeat: {
        status: 'anchored',
        url: '/heartbeat.txt.ots',
        headersUrl: '/heartbeat.txt.ots-headers',
        notBefore: { height: 800_000, hash: blockHash(first), time: iso(FRESHNESS_TIME) },
        notAfter: { height: 800_005, hash: blockHash(rest.headers[4]!), time: iso(FRESHNESS_TIME + 3000) },
      },
    });
  });
});

describe('the build checks the proofs against the pinned floor', () => {
  it('without CANDOR_OTS_MINIMUM_BITS the regtest headers fail, and the page says so instead of showing bounds', async () => {
    const site = await build(path.join(p.secrets, 'site-pinned'));
    const html = await text(site, 'canary/index.html');
    for (const which of ['canary.txt', 'heartbeat.txt'] as const) {
      const block = proofBlock(html, which);
      expect(block).toContain('data-timestamp="invalid"');
      expect(block).toContain('<code>OTS_HEADER_DIFFICULTY_TOO_LOW</code>');
      expect(block).not.toContain('Issued between');
      expect(block).not.toContain('data-timestamp-floor');
    }
    const status = JSON.parse(await text(site, 'canary/status.json')) as {
      timestamps: { minimumBits: string; testFloor: boolean; heartbeat: { status: string } };
    };
    expect([status.timestamps.minimumBits, status.timestamps.testFloor, status.timestamps.heartbeat.status]).toEqual(['170fffff', false, 'invalid']);
    // Still published: a verifier must be able to see the failure for itself.
    expect(existsSync(path.join(site, 'canary.txt.ots'))).toBe(true);
  }, 300_000);

  it('a malformed CANDOR_OTS_MINIMUM_BITS stops the build', async () => {
    const r = await candor(['--root', p.root, '--now', NOW, 'build', '--out', path.join(p.secrets, 'site-bad')], {
      timeoutMs: 240_000,
      env: { CANDOR_OTS_MINIMUM_BITS: 'easy' },
    });
    expect(r.code).toBe(65);
    expect(r.err).toContain('error USAGE: CANDOR_OTS_MINIMUM_BITS: not an nBits value');
    expect(existsSync(path.join(p.secrets, 'site-bad'))).toBe(false);
  }, 300_000);
});

describe('a pending proof and a tampered header bundle', () => {
  let site: string;
  let server: { port: number; close(): Promise<void> };
  const genuine: Record<string, Buffer> = {};

  beforeAll(async () => {
    for (const f of [`${ATT}.ots-headers`, `${HB}.ots`, `${HB}.ots-headers`]) genuine[f] = await readFile(archive(f));
    // The heartbeat just stamped: a calendar's promise, no Bitcoin attestation, no headers yet.
    const digest = createHash('sha256')
      .update(await readFile(archive(HB)))
      .digest();
    const pending = pathTimestamp(new Uint8Array(digest), [{ kind: 'append', arg: new Uint8Array(16).fill(9) }, { kind: 'sha256' }], {
      kind: 'pending',
      uri: 'https://alice.btc.calendar.opentimestamps.org',
    });
    await replace(archive(`${HB}.ots`), serializeDetached({ hashOp: 'sha256', timestamp: pending }));
    await rm(archive(`${HB}.ots-headers`));
    // The attestation's anchoring header with its nonce changed: it no longer carries its proof of work.
    await replace(archive(`${ATT}.ots-headers`), bundleText({ start: 800_003, headers: [unmined(rest.headers[2]!)] }));
    site = await build(path.join(p.secrets, 'site-tampered'), EASY);
    server = await serveStatic(site, 0);
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    for (const [f, bytes] of Object.entries(genuine)) await replace(archive(f), bytes);
  });

  it('the page shows the heartbeat pending and the attestation INVALID, with its code', async () => {
    const html = await text(site, 'canary/index.html');
    const hb = proofBlock(html, 'heartbeat.txt');
    expect(hb).toContain('data-timestamp="pending"');
    expect(visible(hb)).toContain('Timestamp pending at the calendars: not in a Bitcoin block yet.');
    expect(hb).not.toContain('heartbeat.txt.ots-headers');
    const att = proofBlock(html, 'canary.txt');
    expect(att).toContain('data-timestamp="invalid"');
    expect(visible(att)).toContain('Timestamp INVALID: the published proof does not prove when this file existed.');
    expect(att).toContain('<code>OTS_HEADER_POW_INVALID</code>');
    const status = JSON.parse(await text(site, 'canary/status.json')) as { timestamps: Record<string, { status: string; problems?: { code: string }[] }> };
    expect(status.timestamps['heartbeat']).toEqual({ status: 'pending', url: '/heartbeat.txt.ots', headersUrl: null, inBitcoinBlock: false });
    expect(status.timestamps['attestation']!.status).toBe('invalid');
    expect(status.timestamps['attestation']!.problems!.map((x) => x.code)).toEqual(['OTS_HEADER_POW_INVALID']);
    expect(existsSync(path.join(site, 'heartbeat.txt.ots-headers'))).toBe(false);
  });

  it('candor verify <URL>: the pending heartbeat changes nothing, the tampered attestation proof makes ALIVE invalid (exit 3)', async () => {
    const url = `http://127.0.0.1:${server.port}/`;
    const r = await candor(['verify', url, '--keys', p.signers.map((s) => s.ref.fingerprint).join(','), '--minimum-bits', EASY, '--now', NOW]);
    expect(r.code, r.out + r.err).toBe(3);
    expect(r.out).toContain('Timestamp (attestation): INVALID');
    expect(r.out).toContain('OTS_HEADER_POW_INVALID');
    expect(r.out).toContain('Timestamp (heartbeat): pending at the calendars (not in a Bitcoin block yet)');
  });
});

describe('candor verify <URL> checks the live site’s proofs', () => {
  let server: { port: number; close(): Promise<void> };
  let url: string;
  const pins = () => p.signers.map((s) => s.ref.fingerprint).join(',');

  beforeAll(async () => {
    server = await serveStatic(easySite, 0);
    url = `http://127.0.0.1:${server.port}/`;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('prints the bounds of both proofs under the verdict (exit 0), fetched from the site', async () => {
    const r = await candor(['verify', url, '--keys', pins(), '--minimum-bits', EASY, '--now', NOW]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain(`Timestamp (attestation): existed by block 800003 (${iso(FRESHNESS_TIME + 1800)})`);
    expect(r.out).toContain(`Timestamp (heartbeat): issued between block 800000 (${iso(FRESHNESS_TIME)}) and block 800005 (${iso(FRESHNESS_TIME + 3000)})`);
  });

  it('--json carries them as `timestamps`, naming the URLs', async () => {
    const r = await candor(['verify', url, '--keys', pins(), '--minimum-bits', EASY, '--now', NOW, '--json']);
    expect(r.code, r.out + r.err).toBe(0);
    const json = JSON.parse(r.out) as {
      verdict: string;
      timestamps: { subject: string; file: string; status: string; bounds: { notAfter: { height: number } } }[];
    };
    expect(json.verdict).toBe('alive');
    expect(json.timestamps.map((t) => [t.subject, t.file, t.status, t.bounds.notAfter.height])).toEqual([
      ['attestation', `${url}canary.txt`, 'anchored', 800_003],
      ['heartbeat', `${url}heartbeat.txt`, 'anchored', 800_005],
    ]);
  });

  it('at the pinned floor (no --minimum-bits) the regtest headers make the run invalid (exit 3)', async () => {
    const r = await candor(['verify', url, '--keys', pins(), '--now', NOW]);
    expect(r.code).toBe(3);
    expect(r.out).toContain('Timestamp (heartbeat): INVALID');
    expect(r.out).toContain('OTS_HEADER_DIFFICULTY_TOO_LOW');
  });
});
