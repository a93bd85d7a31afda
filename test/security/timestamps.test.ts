/**
 * Attacks on the upper-bound timestamp (issue 15, item 6): each case tampers one artefact
 * of a genuine proof bundle (the document, the .ots, or the headers) and the offline
 * verifier must refuse it with its own code. A proof that only "matches a supplied
 * header" is never a success: the header's proof of work and the pinned floor decide.
 * The last case is a live site (127.0.0.1) serving a wrong proof to `candor verify <URL>`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.ts';
import { makeWorld, type Issued, type World } from '../helpers/world.ts';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { pinsArg, siteRoutes, verifyCli } from './cli.ts';
import { DEFAULT_MINIMUM_BITS, verifyTimestamp, type TimestampCheck, type TimestampInput } from '../../src/core/ots/verify.ts';
import { anchoredProof, blockHash, bundleText, EASY_BITS, makeChain, makeHeader, MAINNET_BITS, unmined } from '../helpers/ots-chain.ts';

const codes = (check: TimestampCheck): string[] => (check.ok ? [] : check.problems.map((p) => p.code));
/** Harder than regtest, still mined in milliseconds: a floor the easy header falls below. */
const TEST_FLOOR = 0x2000ffff;

const document = new TextEncoder().encode('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nCandor heartbeat 12\n');
const ANCHOR = 800_010;
const { ots, merkleRoot } = anchoredProof(document, ANCHOR);
const chain = makeChain({ start: 800_000, count: 11, roots: { [ANCHOR]: merkleRoot }, bits: TEST_FLOOR });
const genuine: TimestampInput = { document, ots, headers: bundleText(chain), freshness: { height: 800_000, hash: blockHash(chain.headers[0]!) } };
const run = (input: Partial<TimestampInput>, minimumBits = TEST_FLOOR): TimestampCheck => verifyTimestamp({ ...genuine, ...input }, { minimumBits });
const withHeaders = (headers: Uint8Array[]): Partial<TimestampInput> => ({ headers: bundleText({ start: chain.start, headers }) });

describe('the genuine bundle', () => {
  it('verifies: issued between the freshness block and block 800010', () => {
    const check = run({});
    expect(check.ok && [check.bounds.notBefore?.height, check.bounds.notAfter.height]).toEqual([800_000, ANCHOR]);
  });
});

describe('attacks', () => {
  it('the anchoring header with its nonce changed: fails its own proof of work', () => {
    const headers = [...chain.headers.slice(0, -1), unmined(chain.headers.at(-1)!)];
    expect(codes(run(withHeaders(headers)))).toEqual(['OTS_HEADER_POW_INVALID']);
  });

  it('a header written to "match" the proof, claiming mainnet difficulty, never mined: not a success', () => {
    const forged = makeHeader({ prev: new Uint8Array(32), merkleRoot, time: 1_795_000_000, bits: MAINNET_BITS, mine: false });
    const check = verifyTimestamp({ document, ots, headers: bundleText({ start: ANCHOR, headers: [forged] }) }, { minimumBits: DEFAULT_MINIMUM_BITS });
    expect(codes(check)).toEqual(['OTS_HEADER_POW_INVALID']);
  });

  it('the proof checked against another document (the previous heartbeat): OTS for another document', () => {
    const other = new TextEncoder().encode('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nCandor heartbeat 11\n');
    expect(codes(run({ document: other }))).toEqual(['OTS_WRONG_DOCUMENT']);
  });

  it('a header replaced by one mined on another parent: the chain is broken', () => {
    const headers = chain.headers.slice();
    headers[5] = makeHeader({ prev: new Uint8Array(32).fill(7), merkleRoot: new Uint8Array(32).fill(5), time: 1_795_003_000, bits: TEST_FLOOR });
    const found = codes(run(withHeaders(headers)));
    expect(new Set(found)).toEqual(new Set(['OTS_HEADER_CHAIN_BROKEN']));
  });

  it('the anchoring header mined at an nBits easier than the pinned minimum', () => {
    const easy = makeChain({
      start: 800_000,
      count: 11,
      roots: { [ANCHOR]: merkleRoot },
      bits: TEST_FLOOR,
      bitsAt: { [ANCHOR]: EASY_BITS },
      prev: chain.headers[0]!.slice(4, 36),
    });
    const input = { headers: bundleText(easy), freshness: { height: 800_000, hash: blockHash(easy.headers[0]!) } };
    expect(codes(run(input))).toEqual(['OTS_HEADER_DIFFICULTY_TOO_LOW']);
  });

  it('a whole chain at regtest difficulty against the default (mainnet) floor', () => {
    expect(new Set(codes(run({}, DEFAULT_MINIMUM_BITS)))).toEqual(new Set(['OTS_HEADER_DIFFICULTY_TOO_LOW']));
  });

  it('a bundle started at a later block than the freshness block (a moved lower bound)', () => {
    const later = bundleText({ start: 800_001, headers: chain.headers.slice(1) });
    expect(codes(run({ headers: later }))).toEqual(['OTS_FRESHNESS_MISMATCH']);
  });

  it('the reference client’s bad-stamp.txt.ots: names the real block 358391, commits to another root', () => {
    const fixtures = new URL('../fixtures/ots/', import.meta.url);
    const read = (n: string) => new Uint8Array(readFileSync(new URL(n, fixtures)));
    const check = verifyTimestamp(
      {
        document: read('client/bad-stamp.txt'),
        ots: read('client/bad-stamp.txt.ots'),
        headers: readFileSync(new URL('recorded/block-358391.ots-headers', fixtures), 'utf8'),
      },
      { minimumBits: 0x1d00ffff },
    );
    expect(codes(check)).toEqual(['OTS_MERKLE_MISMATCH']);
  });
});

describe('a live site serving a proof', () => {
  let w: World;
  let att: Issued<AttestationData>;
  let hb: Issued<HeartbeatData>;
  const servers: FixtureServer[] = [];
  const bytes = (text: string) => new TextEncoder().encode(text);

  /** The world's site on 127.0.0.1, with `proof` (a proof and its genuine bundle) served as /canary.txt.ots(-headers). */
  async function siteWithProof(of: string): Promise<string> {
    const { ots, merkleRoot } = anchoredProof(bytes(of), 800_020);
    const bundle = bundleText(makeChain({ start: 800_020, count: 1, roots: { 800_020: merkleRoot } }));
    const routes = siteRoutes(w, { canary: att.file, heartbeat: hb.file });
    routes['/canary.txt.ots'] = { body: Buffer.from(ots), contentType: 'application/vnd.opentimestamps.v1' };
    routes['/canary.txt.ots-headers'] = { body: bundle };
    const server = await startFixtureServer(routes);
    servers.push(server);
    return `${server.url}/`;
  }

  beforeAll(async () => {
    w = await makeWorld();
    att = await w.attest();
    hb = await w.heartbeat(att);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('the genuine proof of canary.txt: ALIVE (exit 0) with its bound; the heartbeat without a proof (404) changes nothing', async () => {
    const r = await verifyCli([await siteWithProof(att.file), ...pinsArg(w), '--minimum-bits', '207fffff']);
    expect(r.code, r.out + r.err).toBe(0);
    const json = JSON.parse(r.out) as { timestamps: { subject: string; status: string }[] };
    expect(json.timestamps.map((t) => [t.subject, t.status])).toEqual([['attestation', 'anchored']]);
  });

  it('beside canary.txt, the genuine proof of another document (the heartbeat): OTS_WRONG_DOCUMENT, and the ALIVE canary is invalid (exit 3)', async () => {
    const r = await verifyCli([await siteWithProof(hb.file), ...pinsArg(w), '--minimum-bits', '207fffff']);
    expect(r.verdict).toBe('alive');
    expect(r.code).toBe(3);
    const json = JSON.parse(r.out) as { timestamps: { subject: string; status: string; problems: { code: string }[] }[] };
    expect(json.timestamps.map((t) => [t.subject, t.status, t.problems.map((p) => p.code)])).toEqual([['attestation', 'invalid', ['OTS_WRONG_DOCUMENT']]]);
  });
});
