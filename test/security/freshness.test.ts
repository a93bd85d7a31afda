/** Attacks on the proof of freshness: missing, malformed, mis-dated, or (online) not a real block. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import type { BlockLookup } from '../../src/core/verify/heartbeat.ts';
import { reissue } from '../helpers/tamper.ts';
import { HOUR, at, blockProof, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

/** The default heartbeat's issue time (one hour after the attestation). */
const HB_NOW = at(HOUR);
const SOURCES = ['mempool.space', 'blockstream.info'];

let w: World;
let att: Issued<AttestationData>;
let hb: Issued<HeartbeatData>;

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest();
  hb = await w.heartbeat(att, { now: HB_NOW });
});

/** The valid heartbeat with another freshness proof, re-signed by the real CI key. */
const withFreshness = (freshness: unknown) => reissue({ ...hb.data, freshness }, [w.ci], HB_NOW);

const { hash: _hash, ...heightOnly } = blockProof(HB_NOW);

describe('shape of the proof', () => {
  it('a heartbeat without a block proof when the attestation requires one is FRESHNESS_MISSING', async () => {
    const bare = await withFreshness({});
    const r = await check(w, { attestation: att.file, heartbeat: bare.file });
    expect(r.codes).toContain('FRESHNESS_MISSING');
    expect(r.verdict).toBe('invalid');
  });

  it('a block height without its hash is FRESHNESS_MALFORMED', async () => {
    const bad = await withFreshness({ bitcoin: heightOnly });
    const r = await check(w, { attestation: att.file, heartbeat: bad.file });
    expect(r.codes).toContain('FRESHNESS_MALFORMED');
    expect(r.verdict).toBe('invalid');
  });

  it('a short block hash is FRESHNESS_MALFORMED', async () => {
    const bad = await withFreshness({ bitcoin: blockProof(HB_NOW, { hash: '00000000000000000001c7c4fb4f5b739e74f18ca4b3b6add30011982c0735d' }) });
    const r = await check(w, { attestation: att.file, heartbeat: bad.file });
    expect(r.codes).toContain('FRESHNESS_MALFORMED');
    expect(r.verdict).toBe('invalid');
  });

  it('a block hash without the leading zeros of proof of work is FRESHNESS_MALFORMED', async () => {
    const bad = await withFreshness({ bitcoin: blockProof(HB_NOW, { hash: `ffffffff${blockProof(HB_NOW).hash.slice(8)}` }) });
    const r = await check(w, { attestation: att.file, heartbeat: bad.file });
    expect(r.codes).toContain('FRESHNESS_MALFORMED');
    expect(r.verdict).toBe('invalid');
  });
});

describe('witnesses of the proof', () => {
  it('a block proof agreed by a single source is FRESHNESS_MALFORMED', async () => {
    const bad = await withFreshness({ bitcoin: blockProof(HB_NOW, { sources: ['mempool.space'] }) });
    const r = await check(w, { attestation: att.file, heartbeat: bad.file });
    expect(r.codes).toContain('FRESHNESS_MALFORMED');
    expect(r.verdict).toBe('invalid');
  });
});

describe('dates in the proof', () => {
  it('a block mined after the heartbeat was issued is FRESHNESS_BLOCK_TOO_NEW', async () => {
    const bad = await w.heartbeat(att, { now: HB_NOW, bitcoin: blockProof(HB_NOW, { time: '2026-11-01T13:30:00Z' }) });
    const r = await check(w, { attestation: att.file, heartbeat: bad.file });
    expect(r.codes).toContain('FRESHNESS_BLOCK_TOO_NEW');
    expect(r.verdict).toBe('invalid');
  });

  it('a block older than the attestation allows (24 h) is FRESHNESS_BLOCK_TOO_OLD', async () => {
    const bad = await w.heartbeat(att, { now: HB_NOW, bitcoin: blockProof(HB_NOW, { time: '2026-10-31T12:59:59Z' }) });
    const r = await check(w, { attestation: att.file, heartbeat: bad.file });
    expect(r.codes).toContain('FRESHNESS_BLOCK_TOO_OLD');
    expect(r.verdict).toBe('invalid');
  });

  it('a headline published after the heartbeat was issued is FRESHNESS_HEADLINE_TOO_NEW', async () => {
    const headline = {
      source: 'BBC World',
      title: 'Something that had not happened yet',
      url: 'https://www.bbc.co.uk/news/world-1',
      published: '2026-11-01T14:00:00Z',
    };
    const bad = await withFreshness({ bitcoin: blockProof(HB_NOW), headlines: [headline] });
    const r = await check(w, { attestation: att.file, heartbeat: bad.file });
    expect(r.codes).toContain('FRESHNESS_HEADLINE_TOO_NEW');
    expect(r.verdict).toBe('invalid');
  });
});

describe('online block lookups', () => {
  it('a block no explorer knows is FRESHNESS_BLOCK_UNKNOWN', async () => {
    const blockLookup: BlockLookup = { found: false, sources: SOURCES };
    const r = await check(w, { attestation: att.file, heartbeat: hb.file, blockLookup });
    expect(r.codes).toContain('FRESHNESS_BLOCK_UNKNOWN');
    expect(r.verdict).toBe('invalid');
  });

  it('a block hash that explorers place at another height is FRESHNESS_BLOCK_MISMATCH', async () => {
    const proof = blockProof(HB_NOW);
    const blockLookup: BlockLookup = { found: true, height: proof.height - 1000, time: proof.time, sources: SOURCES };
    const r = await check(w, { attestation: att.file, heartbeat: hb.file, blockLookup });
    expect(r.codes).toContain('FRESHNESS_BLOCK_MISMATCH');
    expect(r.verdict).toBe('invalid');
  });

  it('a block that explorers say was mined after the heartbeat (proof lies about its time) is caught', async () => {
    const proof = blockProof(HB_NOW);
    const blockLookup: BlockLookup = { found: true, height: proof.height, time: '2026-11-01T13:30:00Z', sources: SOURCES };
    const r = await check(w, { attestation: att.file, heartbeat: hb.file, blockLookup });
    // The recorded time disagrees with the chain, which is reported as a mismatch.
    expect(r.codes).toContain('FRESHNESS_BLOCK_MISMATCH');
    expect(r.verdict).toBe('invalid');
  });

  it('the genuine block looked up online is fine (no FRESHNESS_UNCHECKED)', async () => {
    const proof = blockProof(HB_NOW);
    const blockLookup: BlockLookup = { found: true, height: proof.height, time: proof.time, sources: SOURCES };
    const r = await check(w, { attestation: att.file, heartbeat: hb.file, blockLookup });
    expect(r.codes).not.toContain('FRESHNESS_UNCHECKED');
    expect(r.verdict).toBe('alive');
  });
});
