/**
 * Where one heartbeat's verification time goes: each step of readSignedDocument
 * (src/core/verify/signed-document.ts) timed on its own over a sample of the archive,
 * both ways: through openpgp.js, zod and Web Crypto alone, and through the fast path
 * the CLI uses (decision 0005). The steps re-create what the core does with its public
 * parts, so the numbers stay close to, not exactly, the real call; the bench prints
 * the real totals beside them.
 */
import * as openpgp from 'openpgp';
import { parseCanaryText, renderDocument } from '../../src/core/canary/document.ts';
import { canaryData } from '../../src/core/canary/model.ts';
import { parseCanaryTextFast } from '../../src/core/canary/read-text.ts';
import { parseCanaryDataFast } from '../../src/core/canary/validate.ts';
import { DATA_MARKER } from '../../src/core/canary/render.ts';
import { canonicalJson, documentHash, findCanonicalProblems } from '../../src/core/canonical.ts';
import { splitSignedFile, type SplitFile } from '../../src/core/pgp/armor.ts';
import { readSignedFile } from '../../src/core/pgp/cleartext.ts';
import { checkSignatures, newCheckContext } from '../../src/core/pgp/check-signatures.ts';
import { documentHashSync } from '../../src/core/pgp/fast-crypto.ts';
import { verifiesFast } from '../../src/core/pgp/fast-verify.ts';
import { isRevoked } from '../../src/core/pgp/keys.ts';
import { makeCleartext } from '../../src/core/pgp/openpgp-internals.ts';
import type { FastSignature } from '../../src/core/pgp/signature-packet.ts';
import { readSignedDocument } from '../../src/core/verify/signed-document.ts';
import { nodeCrypto } from '../../src/io/node-crypto.ts';

export interface Stage {
  label: string;
  /** Microseconds per heartbeat. */
  us: number;
}

async function perItem<T>(items: T[], fn: (item: T) => unknown): Promise<number> {
  for (const item of items.slice(0, 50)) await fn(item); // warm the JIT for this step
  const started = performance.now();
  for (const item of items) await fn(item);
  return ((performance.now() - started) * 1000) / items.length;
}

function jsonPart(text: string): string {
  const lines = text.split('\n');
  return lines
    .slice(lines.indexOf(DATA_MARKER) + 2)
    .join('\n')
    .trimEnd();
}

async function signatureOnly(split: SplitFile, keys: openpgp.Key[]): Promise<void> {
  const packet = split.signatures[0]!;
  const key = keys.find((k) => k.getKeys(packet.issuerKeyID).length > 0)!;
  const result = await openpgp.verify({
    message: makeCleartext(split.text, [packet]),
    verificationKeys: [key],
    ...(packet.created ? { date: packet.created } : {}),
    expectSigned: true,
  });
  await Promise.all(result.signatures.map((s) => s.verified));
}

/** What check-signatures.ts does around the signature itself: revocation and expiry of the key. */
async function keyChecks(split: SplitFile, keys: openpgp.Key[]): Promise<void> {
  const packet = split.signatures[0]!;
  const key = keys.find((k) => k.getKeys(packet.issuerKeyID).length > 0)!;
  await isRevoked(key);
  await key.getExpirationTime().catch(() => null);
  await key.getSigningKey(packet.issuerKeyID, packet.created ?? undefined);
}

function keyFor(split: SplitFile, keys: openpgp.Key[]): openpgp.Key {
  return keys.find((k) => k.getKeys(split.signatures[0]!.issuerKeyID).length > 0)!;
}

/**
 * readSignedDocument `batch` at a time: verifyArchive awaits one document after the
 * other, and every WebCrypto call (verify, digest) is a round trip to libuv's thread
 * pool, during which the main thread idles. Overlapping documents hides that wait.
 */
async function concurrently(files: string[], keys: openpgp.Key[], batch: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < files.length; i += batch) {
    await Promise.all(files.slice(i, i + batch).map((f) => readSignedDocument(f, 'heartbeat', keys, 'signature-time', 'archive')));
  }
  return ((performance.now() - started) * 1000) / files.length;
}

/** The hand-read packets of each file, for the fast path's steps. */
async function fastSignatures(files: string[]): Promise<{ text: string; signature: FastSignature }[]> {
  const out = [];
  for (const file of files) {
    const read = await readSignedFile(file, 'heartbeat');
    const signature = read.ok ? read.value.signatures[0] : undefined;
    if (!read.ok || !signature || !('hashedPart' in signature)) throw new Error('a heartbeat the fast path does not read by hand');
    out.push({ text: read.value.text, signature });
  }
  return out;
}

/** Per-heartbeat cost of each step, over `files` (signed heartbeat files). */
export async function heartbeatBreakdown(files: string[], keys: openpgp.Key[]): Promise<Stage[]> {
  const splits: SplitFile[] = [];
  for (const file of files) {
    const split = await splitSignedFile(file, 'heartbeat');
    if (!split.ok) throw new Error(`not a signed file: ${split.reasons[0]?.message}`);
    splits.push(split.value);
  }
  const texts = splits.map((s) => s.text);
  const raws = texts.map((t) => JSON.parse(jsonPart(t)) as unknown);
  const datas = raws.map((r) => canaryData.parse(r));
  const fast = await fastSignatures(files);
  const ctx = newCheckContext(nodeCrypto);
  return [
    {
      label: 'whole readSignedDocument, openpgp.js only, one at a time',
      us: await perItem(files, (f) => readSignedDocument(f, 'heartbeat', keys, 'signature-time', 'archive')),
    },
    { label: 'whole readSignedDocument, openpgp.js only, 32 at a time', us: await concurrently(files, keys, 32) },
    {
      label: 'whole readSignedDocument, fast path (node:crypto)',
      us: await perItem(files, (f) => readSignedDocument(f, 'heartbeat', keys, 'signature-time', 'archive', ctx)),
    },
    { label: '  frame + armor, openpgp.js (readCleartextMessage)', us: await perItem(files, (f) => splitSignedFile(f, 'heartbeat')) },
    { label: '  frame + armor, by hand (readSignedFile)', us: await perItem(files, (f) => readSignedFile(f, 'heartbeat')) },
    { label: '  parseCanaryText with zod (all of the next four)', us: await perItem(texts, (t) => parseCanaryText(t, 'heartbeat')) },
    { label: '    canonical text check', us: await perItem(texts, findCanonicalProblems) },
    { label: '    JSON.parse + zod schema', us: await perItem(texts, (t) => canaryData.safeParse(JSON.parse(jsonPart(t)))) },
    { label: '    canonical JSON re-serialise', us: await perItem(raws, canonicalJson) },
    { label: '    render human text again', us: await perItem(datas, renderDocument) },
    { label: '  parseCanaryTextFast (hand-written schema)', us: await perItem(texts, (t) => parseCanaryTextFast(t, 'heartbeat')) },
    { label: '    JSON.parse + hand-written schema', us: await perItem(texts, (t) => parseCanaryDataFast(JSON.parse(jsonPart(t)))) },
    { label: '  openpgp.verify (the signature)', us: await perItem(splits, (s) => signatureOnly(s, keys)) },
    {
      label: '  the signature by hand (verifiesFast, node:crypto)',
      us: await perItem(
        fast.map((f, i) => ({ ...f, key: keyFor(splits[i]!, keys) })),
        (f) => {
          if (!verifiesFast(f.text, f.signature, f.key, nodeCrypto)) throw new Error('the fast path refused a genuine signature');
        },
      ),
    },
    { label: '  key checks, openpgp.js (revoked, expiry, signing key)', us: await perItem(splits, (s) => keyChecks(s, keys)) },
    {
      label: '  all signature checks, fast path (KeyFacts, once per key)',
      us: await perItem(fast, (f) => checkSignatures(f.text, [f.signature], keys, 'signature-time', ctx)),
    },
    { label: '  sha256, Web Crypto (documentHash)', us: await perItem(texts, documentHash) },
    { label: '  sha256, node:crypto (documentHashSync)', us: await perItem(texts, (t) => documentHashSync(nodeCrypto, t)) },
  ];
}

/**
 * How many Ed25519 verifications (WebCrypto) openpgp.js makes for one already-seen
 * heartbeat: 1 means it caches the key's self-signatures; more means it re-checks them.
 */
export async function webCryptoVerifiesPerHeartbeat(file: string, keys: openpgp.Key[]): Promise<number | null> {
  const subtle = globalThis.crypto.subtle as unknown as Record<string, unknown>;
  const original = subtle['verify'] as (...args: unknown[]) => Promise<boolean>;
  const own = Object.hasOwn(subtle, 'verify');
  let count = 0;
  try {
    subtle['verify'] = (...args: unknown[]) => {
      count++;
      return original.apply(globalThis.crypto.subtle, args);
    };
    await readSignedDocument(file, 'heartbeat', keys, 'signature-time');
    count = 0;
    await readSignedDocument(file, 'heartbeat', keys, 'signature-time');
    return count;
  } catch {
    return null;
  } finally {
    // Back to the prototype's method, not an own copy of it.
    if (own) subtle['verify'] = original;
    else delete subtle['verify'];
  }
}
