/**
 * Attacks on the canary log (decision 0031), each through the whole verifier: the site's
 * files served from memory and gathered as a verifier gathers them (proofs beside the
 * canary, tiles under /canary/log/), then verifyCanary. A rolled-back log, a log forked to
 * show two verifiers different heartbeats, inclusion proofs in trees that are not full,
 * and checkpoints not signed by the log key the attestation names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { appendEntries, proofFile } from '../../src/core/tlog/log.ts';
import { formatVerifierKey, signerFromSeed, type SignerKey } from '../../src/core/tlog/note.ts';
import { formatTlogProof, parseTlogProof } from '../../src/core/tlog/proof.ts';
import { tilePath, type TileId } from '../../src/core/tlog/tiles.ts';
import { checkpointToRemember, gatherLogEvidence, type LogEvidence } from '../../src/core/verify/log.ts';
import { verdictText } from '../../src/core/verify/verdict-text.ts';
import { HOUR, at, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { check, NOW } from './verify.ts';

const ORIGIN = 'lumen-mail.example/canary/log';
const LOG_KEY = signerFromSeed(ORIGIN, new Uint8Array(32).fill(11));
const IMPOSTOR = signerFromSeed(ORIGIN, new Uint8Array(32).fill(12));
const SITE = 'https://lumen-mail.example/';
const URLS = { canary: `${SITE}canary.txt`, heartbeat: `${SITE}heartbeat.txt`, logBase: `${SITE}canary/log/` };
const enc = (s: string) => new TextEncoder().encode(s);
const MINUTE = 60_000;

let w: World;
let att: Issued<AttestationData>;
let beats: Issued<HeartbeatData>[];

/** A site whose log holds `docs` (signed files), serving the proofs of `canary` and `heartbeat`. */
function site(docs: string[], canary: string, heartbeat: string, key: SignerKey = LOG_KEY) {
  const grown = appendEntries([], docs.map(enc), ORIGIN, key);
  const files = new Map(grown.files);
  const source = (t: TileId) => files.get(tilePath(t))!;
  const proof = (doc: string) => proofFile(enc(doc), docs.map(enc), grown.checkpoint, source)!;
  const served = new Map<string, Uint8Array>([...files].map(([p, b]) => [`${URLS.logBase}${p}`, b]));
  served.set(`${URLS.canary}.tlog-proof`, enc(proof(canary)));
  served.set(`${URLS.heartbeat}.tlog-proof`, enc(proof(heartbeat)));
  return { checkpoint: grown.checkpoint, served, proof };
}

async function evidence(served: Map<string, Uint8Array>, remembered?: string): Promise<LogEvidence> {
  return gatherLogEvidence(URLS, remembered, (url) => Promise.resolve(served.get(url) ?? null));
}

const verify = async (heartbeat: Issued<HeartbeatData>, log: LogEvidence) =>
  check(w, { attestation: att.file, heartbeat: heartbeat.file, log, requireHeartbeat: true }, NOW);

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest({ config: { log: { key: formatVerifierKey(LOG_KEY) } } });
  beats = [];
  for (let i = 0; i < 7; i++) beats.push(await w.heartbeat(att, { now: at(HOUR + i * MINUTE), ...(i > 0 ? { previous: beats[i - 1]! } : {}) }));
});

describe('the log as published', () => {
  it('an attestation and heartbeat in a log the attestation names: alive', async () => {
    const s = site([att.file, beats[0]!.file], att.file, beats[0]!.file);
    const r = await verify(beats[0]!, await evidence(s.served));
    expect(r.verdict).toBe('alive');
    expect(r.log).toMatchObject({ origin: ORIGIN, size: 2 });
  });

  it('no proofs beside the canary: LOG_PROOF_MISSING, invalid (the attestation promised a log)', async () => {
    const r = await verify(beats[0]!, await evidence(new Map()));
    expect(r.codes.filter((c) => c === 'LOG_PROOF_MISSING')).toHaveLength(2);
    expect(r.verdict).toBe('invalid');
  });
});

describe('a rolled-back checkpoint', () => {
  it('a site serving the log as it was, to a verifier that saw it larger: LOG_ROLLBACK, invalid', async () => {
    const seen = site([att.file, ...beats.slice(0, 3).map((b) => b.file)], att.file, beats[2]!.file);
    const old = site([att.file, beats[0]!.file], att.file, beats[0]!.file);
    const r = await verify(beats[0]!, await evidence(old.served, seen.checkpoint));
    expect(r.codes).toContain('LOG_ROLLBACK');
    expect(r.verdict).toBe('invalid');
  });
});

describe('a forked log shown to two verifiers', () => {
  it('each verifier alone sees a consistent log; the checkpoint of one, shown the other history, is LOG_FORK, shown like a trip', async () => {
    const common = [att.file, beats[0]!.file];
    // The same heartbeat sequence, issued twice: one history for verifier A, another for verifier B.
    const other = await w.heartbeat(att, { now: at(HOUR + 30_000), previous: beats[0]! });
    const forA = site([...common, beats[1]!.file], att.file, beats[1]!.file);
    const forB = site([...common, other.file], att.file, other.file);
    const start = site(common, att.file, beats[0]!.file).checkpoint;
    const a = await verify(beats[1]!, await evidence(forA.served, start));
    const b = await verify(other, await evidence(forB.served, start));
    expect([a.verdict, b.verdict]).toEqual(['alive', 'alive']);
    // Verifier A's checkpoint, compared with what B was shown: same size, another root, both signed by the log key.
    expect(a.log!.size).toBe(b.log!.size);
    expect(a.log!.root).not.toBe(b.log!.root);
    const forked = await verify(other, await evidence(forB.served, a.log!.checkpoint));
    expect(forked.codes).toContain('LOG_FORK');
    expect(forked.verdict).toBe('tripped');
    expect(verdictText(forked, { showText: false }).split('\n')[1]).toMatch(/^!!! LOG_FORK: FORK: /);
  });

  it('a fork that rewrote an entry below the remembered size, in a larger log: LOG_FORK', async () => {
    const seen = site([att.file, ...beats.slice(0, 3).map((b) => b.file)], att.file, beats[2]!.file);
    const rewritten = site([att.file, beats[0]!.file, beats[1]!.file, beats[3]!.file, beats[4]!.file], att.file, beats[4]!.file);
    const r = await verify(beats[4]!, await evidence(rewritten.served, seen.checkpoint));
    expect(r.codes).toContain('LOG_FORK');
  });
});

describe('inclusion proofs in trees that are not full', () => {
  const docs = () => [att.file, ...beats.map((b) => b.file)];

  it.each([0, 3, 5, 6])('a log of 8 documents minus one (7): the heartbeat at entry %i verifies', async (i) => {
    const entries = docs().slice(0, 7);
    const beat = i === 0 ? beats[0]! : beats[i - 1]!;
    const s = site(entries, att.file, beat.file);
    const r = await verify(beat, await evidence(s.served));
    expect(r.verdict, r.codes.join()).toBe('alive');
  });

  it('a proof moved to another index of the same tree, or made for a larger tree: LOG_PROOF_BAD', async () => {
    const s = site(docs().slice(0, 7), att.file, beats[5]!.file);
    const proof = parseTlogProof(s.proof(beats[5]!.file));
    if (typeof proof === 'string') throw new Error(proof);
    const moved = new Map(s.served);
    moved.set(`${URLS.heartbeat}.tlog-proof`, enc(formatTlogProof({ ...proof, index: 5 })));
    expect((await verify(beats[5]!, await evidence(moved))).codes).toContain('LOG_PROOF_BAD');
    const larger = site(docs(), att.file, beats[5]!.file);
    const mixed = new Map(s.served);
    mixed.set(
      `${URLS.heartbeat}.tlog-proof`,
      enc(formatTlogProof({ ...(parseTlogProof(larger.proof(beats[5]!.file)) as typeof proof), checkpoint: s.checkpoint })),
    );
    expect((await verify(beats[5]!, await evidence(mixed))).codes).toContain('LOG_PROOF_BAD');
  });
});

describe('a bad log signature', () => {
  it('a log signed by another key under the same name: LOG_PROOF_BAD for both documents, invalid', async () => {
    const s = site([att.file, beats[0]!.file], att.file, beats[0]!.file, IMPOSTOR);
    const r = await verify(beats[0]!, await evidence(s.served));
    expect(r.codes.filter((c) => c === 'LOG_PROOF_BAD')).toHaveLength(2);
    expect(r.verdict).toBe('invalid');
  });

  it("a checkpoint whose size line was changed under the log key's signature: LOG_PROOF_BAD", async () => {
    const s = site([att.file, beats[0]!.file], att.file, beats[0]!.file);
    const altered = new Map(s.served);
    for (const url of [`${URLS.canary}.tlog-proof`, `${URLS.heartbeat}.tlog-proof`])
      altered.set(url, enc(new TextDecoder().decode(s.served.get(url)).replace(`${ORIGIN}\n2\n`, `${ORIGIN}\n3\n`)));
    const r = await verify(beats[0]!, await evidence(altered));
    expect(r.codes).toContain('LOG_PROOF_BAD');
    expect(r.reasons.find((x) => x.code === 'LOG_PROOF_BAD')!.message).toContain('signature by the log key does not verify');
  });
});

describe('what the state remembers', () => {
  it('after a fork: the trip recorded, the checkpoint from before the fork kept; after a clean run: the new checkpoint', async () => {
    const { nextState } = await import('../../src/io/verify-state.ts');
    const common = [att.file, beats[0]!.file];
    const start = site(common, att.file, beats[0]!.file).checkpoint;
    const forA = site([...common, beats[1]!.file], att.file, beats[1]!.file);
    const run = { signedAttestation: att.file, pins: w.pins, automated: [], acknowledge: false };
    const clean = await verify(beats[1]!, await evidence(forA.served, start));
    const remembered = nextState(undefined, clean, run)!;
    expect(remembered.log?.checkpoint).toBe(forA.checkpoint);
    const other = await w.heartbeat(att, { now: at(HOUR + 30_000), previous: beats[0]! });
    const forB = site([...common, other.file], att.file, other.file);
    const forked = await verify(other, await evidence(forB.served, remembered.log!.checkpoint));
    const after = nextState(remembered, forked, run)!;
    expect(after.log?.checkpoint).toBe(forA.checkpoint);
    expect(after.tripped?.reasons.map((r) => r.code)).toContain('LOG_FORK');
  });

  it('a fork whose tiles are withheld (the consistency cannot be proven): LOG_UNCHECKED only, and the forked checkpoint is not adopted', async () => {
    const { nextState } = await import('../../src/io/verify-state.ts');
    const seen = site([att.file, ...beats.slice(0, 3).map((b) => b.file)], att.file, beats[2]!.file);
    const rewritten = site([att.file, beats[0]!.file, beats[1]!.file, beats[3]!.file, beats[4]!.file], att.file, beats[4]!.file);
    const withheld = new Map([...rewritten.served].filter(([url]) => !url.startsWith(`${URLS.logBase}tile/`)));
    const r = await verify(beats[4]!, await evidence(withheld, seen.checkpoint));
    expect(r.codes).toContain('LOG_UNCHECKED');
    expect(r.codes).not.toContain('LOG_FORK');
    expect(r.log?.compared).toBe('unchecked');
    expect(checkpointToRemember(seen.checkpoint, r)).toBe(seen.checkpoint);
    const run = { signedAttestation: att.file, pins: w.pins, automated: [], acknowledge: false };
    const previous = { ...nextState(undefined, r, run)!, log: { checkpoint: seen.checkpoint } };
    expect(nextState(previous, r, run)!.log?.checkpoint).toBe(seen.checkpoint);
    // Served with its tiles, the same log is the fork it is.
    const shown = await verify(beats[4]!, await evidence(rewritten.served, seen.checkpoint));
    expect(shown.codes).toContain('LOG_FORK');
    expect(shown.log?.compared).toBe('fork');
  });

  it('what replaces the remembered checkpoint: only one shown to extend it, or a first one, or one of another log', async () => {
    const common = [att.file, beats[0]!.file];
    const start = site(common, att.file, beats[0]!.file);
    const grown = site([...common, beats[1]!.file], att.file, beats[1]!.file);
    const first = await verify(beats[0]!, await evidence(start.served));
    expect(first.log?.compared).toBe('none');
    expect(checkpointToRemember(undefined, first)).toBe(start.checkpoint);
    const extended = await verify(beats[1]!, await evidence(grown.served, start.checkpoint));
    expect(extended.log?.compared).toBe('extends');
    expect(checkpointToRemember(start.checkpoint, extended)).toBe(grown.checkpoint);
    const rolledBack = await verify(beats[0]!, await evidence(start.served, grown.checkpoint));
    expect(rolledBack.log?.compared).toBe('rollback');
    expect(checkpointToRemember(grown.checkpoint, rolledBack)).toBe(grown.checkpoint);
    // A log key for another address starts a new log: the old checkpoint is of another log, a note, then replaced.
    const elsewhere = appendEntries(
      [],
      common.map(enc),
      'lumen-mail.example/old/canary/log',
      signerFromSeed('lumen-mail.example/old/canary/log', new Uint8Array(32).fill(13)),
    );
    const moved = await verify(beats[1]!, await evidence(grown.served, elsewhere.checkpoint));
    expect(moved.log?.compared).toBe('other-log');
    expect(checkpointToRemember(elsewhere.checkpoint, moved)).toBe(grown.checkpoint);
  });
});
