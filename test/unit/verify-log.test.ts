/**
 * The verifier's log checks (src/core/verify/log.ts): proofs for the attestation and the
 * heartbeat, the witness quorum, and consistency with the remembered checkpoint, from tiles
 * served by an injected loader as a site serves them. Each reason code at its rule.
 */
import { describe, expect, it } from 'vitest';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { cosign } from '../../src/core/tlog/cosignature.ts';
import { appendEntries, proofFile } from '../../src/core/tlog/log.ts';
import { addSignatures, COSIGNATURE_V1, formatVerifierKey, parseNote, signerFromSeed } from '../../src/core/tlog/note.ts';
import { tilePath, type TileId } from '../../src/core/tlog/tiles.ts';
import { consistencyFromTiles, gatherLogEvidence, logReasons, type LogEvidence } from '../../src/core/verify/log.ts';
import type { Load } from '../../src/core/verify/site-input.ts';

const ORIGIN = 'lumen-mail.example/canary/log';
const KEY = signerFromSeed(ORIGIN, new Uint8Array(32).fill(1));
const OTHER_KEY = signerFromSeed(ORIGIN, new Uint8Array(32).fill(2));
const W1 = signerFromSeed('w1.example', new Uint8Array(32).fill(3), COSIGNATURE_V1);
const W2 = signerFromSeed('w2.example', new Uint8Array(32).fill(4), COSIGNATURE_V1);
const enc = (s: string) => new TextEncoder().encode(s);
const SITE = 'https://lumen-mail.example/';

const attestation = (witnesses?: string[]) =>
  ({ log: { origin: ORIGIN, key: formatVerifierKey(KEY), ...(witnesses ? { witnesses } : {}) } }) as unknown as AttestationData;

/** A published log: its files at the site's URLs, as the site builds them. */
function site(docs: Uint8Array[], opts: { key?: typeof KEY; cosigners?: (typeof W1)[] } = {}) {
  const grown = appendEntries([], docs, ORIGIN, opts.key ?? KEY);
  const files = new Map(grown.files);
  let checkpoint = grown.checkpoint;
  const note = parseNote(checkpoint);
  if (typeof note !== 'string' && opts.cosigners)
    checkpoint = addSignatures(
      note,
      opts.cosigners.map((w) => cosign(note.text, w, 1_800_000_000)),
    );
  const src = (t: TileId) => files.get(tilePath(t))!;
  const proof = (doc: Uint8Array) => proofFile(doc, docs, checkpoint, src);
  const urls = new Map<string, Uint8Array>();
  for (const [p, b] of files) urls.set(`${SITE}canary/log/${p}`, b);
  return { checkpoint, proof, urls, files };
}

const loaderOf =
  (urls: Map<string, Uint8Array>): Load =>
  (url) =>
    Promise.resolve(urls.get(url) ?? null);

const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('inclusion', () => {
  const docs = [enc('attestation 1'), enc('heartbeat 1'), enc('heartbeat 2')];
  const log = site(docs);
  const evidence = (over: Partial<LogEvidence> = {}): LogEvidence => ({
    attestationProof: log.proof(docs[0]!),
    heartbeatProof: log.proof(docs[2]!),
    consistency: {},
    ...over,
  });

  it('both documents in a checkpoint the log key signed: only the note that nothing is remembered', () => {
    const r = logReasons(attestation(), { attestation: docs[0]!, heartbeat: docs[2]! }, evidence());
    expect(codes(r)).toEqual(['LOG_UNCHECKED']);
    expect(r.log).toMatchObject({ origin: ORIGIN, size: 3, cosignatures: [] });
  });

  it('an attestation without a log: nothing to check', () => {
    expect(logReasons({} as AttestationData, { attestation: docs[0]! }, evidence())).toEqual({ reasons: [] });
  });

  it('LOG_PROOF_MISSING for each document without a proof', () => {
    const r = logReasons(attestation(), { attestation: docs[0]!, heartbeat: docs[2]! }, evidence({ attestationProof: null, heartbeatProof: null }));
    expect(codes(r).filter((c) => c !== 'LOG_UNCHECKED')).toEqual(['LOG_PROOF_MISSING', 'LOG_PROOF_MISSING']);
  });

  it("LOG_PROOF_BAD for another document's proof (the heartbeat's proof given for the canary)", () => {
    const r = logReasons(attestation(), { attestation: docs[0]!, heartbeat: docs[2]! }, evidence({ attestationProof: log.proof(docs[2]!) }));
    expect(r.reasons[0]).toMatchObject({ code: 'LOG_PROOF_BAD', subject: 'attestation' });
    expect(r.reasons[0]!.message).toContain('not in this log');
  });

  it('LOG_PROOF_BAD for a checkpoint signed by another key of the same name', () => {
    const forged = site(docs, { key: OTHER_KEY });
    const r = logReasons(attestation(), { attestation: docs[0]! }, evidence({ attestationProof: forged.proof(docs[0]!) }));
    expect(r.reasons[0]).toMatchObject({ code: 'LOG_PROOF_BAD' });
    expect(r.reasons[0]!.message).toMatch(/not signed by the log key/);
  });

  it("LOG_PROOF_BAD for the log key's signature altered", () => {
    const proof = log.proof(docs[0]!)!;
    const at = proof.lastIndexOf('=') - 2;
    const altered = `${proof.slice(0, at)}${proof[at] === 'A' ? 'B' : 'A'}${proof.slice(at + 1)}`;
    const r = logReasons(attestation(), { attestation: docs[0]! }, evidence({ attestationProof: altered }));
    expect(r.reasons[0]).toMatchObject({ code: 'LOG_PROOF_BAD' });
    expect(r.reasons[0]!.message).toMatch(/signature by the log key does not verify/);
  });

  it('LOG_PROOF_BAD for a proof that is not a tlog-proof', () => {
    expect(codes(logReasons(attestation(), { attestation: docs[0]! }, evidence({ attestationProof: 'hello\n' })))).toContain('LOG_PROOF_BAD');
  });
});

describe('witness quorum', () => {
  const docs = [enc('attestation 1')];
  const policy = [`witness one ${formatVerifierKey(W1)}`, `witness two ${formatVerifierKey(W2)}`, 'group both 2 one two', 'quorum both'];
  const check = (cosigners: (typeof W1)[], lines = policy) => {
    const log = site(docs, { cosigners });
    return logReasons(attestation(lines), { attestation: docs[0]! }, { attestationProof: log.proof(docs[0]!), consistency: {} });
  };

  it('met by both witnesses: their names and times in the result', () => {
    const r = check([W1, W2]);
    expect(codes(r)).toEqual(['LOG_UNCHECKED']);
    expect(r.log?.cosignatures).toEqual([
      { witness: 'w1.example', timestamp: 1_800_000_000 },
      { witness: 'w2.example', timestamp: 1_800_000_000 },
    ]);
  });

  it('LOG_QUORUM_NOT_MET with one of two, and with none at all (fail closed)', () => {
    expect(codes(check([W1]))).toContain('LOG_QUORUM_NOT_MET');
    expect(codes(check([]))).toContain('LOG_QUORUM_NOT_MET');
  });

  it('quorum none: no witness needed', () => {
    expect(codes(check([], [`witness one ${formatVerifierKey(W1)}`, 'quorum none']))).toEqual(['LOG_UNCHECKED']);
  });

  it('a forged cosignature (the right key ID, the wrong signer) is LOG_PROOF_BAD and does not count', () => {
    const impostor = { ...signerFromSeed('w2.example', new Uint8Array(32).fill(9), COSIGNATURE_V1), keyId: W2.keyId };
    const r = check([W1, impostor]);
    expect(codes(r)).toEqual(expect.arrayContaining(['LOG_PROOF_BAD', 'LOG_QUORUM_NOT_MET']));
  });
});

describe('consistency with the remembered checkpoint', () => {
  const docs = Array.from({ length: 300 }, (_, i) => enc(`document ${i}`));
  const earlier = site(docs.slice(0, 7));
  const now = site(docs);
  const urls = { canary: `${SITE}canary.txt`, heartbeat: `${SITE}heartbeat.txt`, logBase: `${SITE}canary/log/` };
  const served = (log: ReturnType<typeof site>, canary: Uint8Array, heartbeat: Uint8Array) =>
    new Map([...log.urls, [`${urls.canary}.tlog-proof`, enc(log.proof(canary)!)], [`${urls.heartbeat}.tlog-proof`, enc(log.proof(heartbeat)!)]]);

  async function verify(remembered: string | undefined, log = now) {
    const evidence = await gatherLogEvidence(urls, remembered, loaderOf(served(log, docs[0]!, docs[log === now ? 299 : 6]!)));
    return logReasons(attestation(), { attestation: docs[0]!, heartbeat: docs[log === now ? 299 : 6]! }, evidence);
  }

  it('a log that grew from the remembered checkpoint (7 → 300 entries, both trees not full): nothing to say', async () => {
    expect(codes(await verify(earlier.checkpoint))).toEqual([]);
  });

  it('the same checkpoint again: nothing to say', async () => {
    expect(codes(await verify(now.checkpoint))).toEqual([]);
  });

  it('LOG_ROLLBACK when the log shows fewer entries than remembered', async () => {
    expect(codes(await verify(now.checkpoint, earlier))).toEqual(['LOG_ROLLBACK']);
  });

  it('LOG_FORK when the remembered checkpoint is of another history of the same size', async () => {
    const other = site([enc('a different history'), ...docs.slice(1)]);
    const r = await verify(other.checkpoint);
    expect(codes(r)).toEqual(['LOG_FORK']);
    expect(r.reasons[0]!.message).toMatch(/^FORK: /);
  });

  it('LOG_FORK when the log does not extend the smaller remembered one', async () => {
    const other = site([...docs.slice(0, 6), enc('rewritten')]);
    expect(codes(await verify(other.checkpoint))).toEqual(['LOG_FORK']);
  });

  it('LOG_UNCHECKED when the tiles for the proof are not served; LOG_UNCHECKED for a checkpoint of another log key', async () => {
    const evidence = await gatherLogEvidence(urls, earlier.checkpoint, (url) =>
      Promise.resolve(url.includes('/tile/') ? null : (served(now, docs[0]!, docs[299]!).get(url) ?? null)),
    );
    expect(evidence.consistency['7 300']).toMatch(/not found/);
    expect(codes(logReasons(attestation(), { attestation: docs[0]!, heartbeat: docs[299]! }, evidence))).toEqual(['LOG_UNCHECKED']);
    expect(codes(await verify(site(docs, { key: OTHER_KEY }).checkpoint))).toEqual(['LOG_UNCHECKED']);
  });

  it('reads only the few tiles a proof needs', async () => {
    const fetched: string[] = [];
    const proof = await consistencyFromTiles(7, 300, urls.logBase, (url) => {
      fetched.push(url);
      return Promise.resolve(now.urls.get(url) ?? null);
    });
    expect(Array.isArray(proof)).toBe(true);
    expect(fetched.length).toBeLessThanOrEqual(3);
  });
});
