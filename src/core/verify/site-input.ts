/**
 * What a verifier gathers from a published site (README "Public paths"): the canary,
 * the heartbeat, the keys the attestation names and the documents it lists. Loading is
 * injected: the CLI fetches with retries, the site's in-browser check fetches from its own
 * origin, and both hand the same input to the same verifier.
 *
 * Nothing the attestation says decides a request before its signature is checked: first
 * the keys the verifier trusts are fetched and the attestation verified with them; only an
 * attestation signed by one of them gets its other keys and its documents fetched, within
 * the limits of limits.ts, and only from the site being verified.
 */
import type * as openpgp from 'openpgp';
import type { AttestationData } from '../canary/model.ts';
import { newCheckContext, type CheckContext } from '../pgp/check-signatures.ts';
import type { FastCrypto } from '../pgp/fast-crypto.ts';
import { fingerprintOf, readKeys } from '../pgp/keys.ts';
import { documentUrl } from './documents.ts';
import { LIMITS, type FetchKind } from './limits.ts';
import { gatherLogEvidence } from './log.ts';
import { readSignedDocument } from './signed-document.ts';
import { namedFingerprints, signerTrust, type Pins, type VerifyInput } from './verify-canary.ts';

/** Bytes at a URL (at most the kind's byte limit), or null when there is nothing there (404). Other failures throw. */
export type Load = (url: string, kind: FetchKind) => Promise<Uint8Array | null>;

const decoder = new TextDecoder();
/** For the signed files: ignoreBOM keeps a byte-order mark, which the verifier must see (gpg and sq refuse such a file, decision 0001). */
const signedDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The attestation's data when a key the verifier trusts signed it, else undefined: only
 * then may what it names (keys, documents) be fetched.
 */
export async function trustedAttestation(
  attestation: string,
  previous: string | undefined,
  keys: openpgp.Key[],
  pins: Pins,
  ctx: CheckContext = newCheckContext(),
): Promise<AttestationData | undefined> {
  const att = await readSignedDocument(attestation, 'attestation', keys, 'signature-time', 'attestation', ctx);
  if (!att.ok) return undefined;
  const prev = previous ? await readSignedDocument(previous, 'attestation', keys, 'signature-time', 'previous', ctx) : undefined;
  const trust = signerTrust(pins, att.doc, prev?.ok ? prev.doc : undefined);
  const policy = new Set(att.doc.data.signers.keys.map((k) => k.fingerprint));
  const signed = att.doc.signatures.some((s) => s.status === 'good' && s.fingerprint && policy.has(s.fingerprint) && trust.trusted.has(s.fingerprint));
  return signed ? att.doc.data : undefined;
}

/** The signers of the verifier's own previous attestation (its memory), read without checking: they are fetched to check it. */
async function previousSigners(previous: string | undefined, keys: openpgp.Key[]): Promise<string[]> {
  if (!previous) return [];
  const prev = await readSignedDocument(previous, 'attestation', keys, 'signature-time', 'previous');
  return prev.ok ? prev.doc.data.signers.keys.map((k) => k.fingerprint) : [];
}

/**
 * Public keys from the site's keys/<FINGERPRINT>.asc, for fingerprints not yet held, at
 * most LIMITS.keys of them. Key material may come from the site itself: only the pins decide trust.
 */
export async function siteKeys(base: string, fingerprints: Iterable<string>, have: Set<string>, load: Load): Promise<openpgp.Key[]> {
  const keys: openpgp.Key[] = [];
  const wanted = [...new Set(fingerprints)].filter((f) => /^[0-9A-F]{40}$/.test(f) && !have.has(f)).slice(0, LIMITS.keys);
  for (const fpr of wanted) {
    const bytes = await load(new URL(`keys/${fpr}.asc`, base).toString(), 'key');
    if (bytes) keys.push(...(await readKeys(decoder.decode(bytes), `keys/${fpr}.asc`)).filter((k) => fingerprintOf(k) === fpr));
  }
  return keys;
}

/**
 * The documents an attestation lists, from `where` (a URL ending in /); null for each one
 * missing. Paths that are not plain relative paths, or more documents than the limit, are
 * not fetched at all (the verifier says why).
 */
export async function siteDocuments(a: AttestationData, where: string, load: Load): Promise<Record<string, Uint8Array | null>> {
  const out: Record<string, Uint8Array | null> = {};
  if (a.documents.length > LIMITS.documents) return out;
  for (const doc of a.documents) {
    const url = documentUrl(doc.path, where);
    if (url) out[doc.path] = await load(url, 'document');
  }
  return out;
}

export interface SiteOptions extends Pins {
  /** The verifier's previous attestation (its state or --previous): its signers' keys are fetched too. */
  previous?: string;
  /** Key material the verifier already holds. */
  keys?: openpgp.Key[];
  /** The canary's URL when not <base>canary.txt (a URL ending in .txt was given). */
  canaryUrl?: string;
  /** The fast path's primitives (decision 0005), for the signature check before fetching more. */
  crypto?: FastCrypto;
  /** The log checkpoint the verifier remembers (--state): the consistency proof from it is read from the tiles. */
  rememberedCheckpoint?: string;
}

const pinsOf = (p: Pins): Pins => ({
  pins: p.pins,
  ...(p.automated ? { automated: p.automated } : {}),
  ...(p.heartbeatKeys ? { heartbeatKeys: p.heartbeatKeys } : {}),
  ...(p.notPinned ? { notPinned: p.notPinned } : {}),
});

/** The canary, heartbeat, keys and documents of the site at `base` (ending in /), trusting only the pins. */
export async function siteVerifyInput(base: string, opts: SiteOptions, unguarded: Load): Promise<VerifyInput> {
  const origin = new URL(base).origin;
  // Every URL below is built from `base`; this makes sure that stays true.
  const load: Load = (url, kind) =>
    new URL(url).origin === origin ? unguarded(url, kind) : Promise.reject(new Error(`${url}: not on the site being verified (${origin}); not fetched`));
  const canaryUrl = opts.canaryUrl ?? new URL('canary.txt', base).toString();
  const canary = await load(canaryUrl, 'signed');
  if (!canary) throw new Error(`${canaryUrl}: not found (404); the site has published no canary`);
  const attestation = signedDecoder.decode(canary);
  const heartbeat = await load(new URL('heartbeat.txt', base).toString(), 'signed');
  const held = [...(opts.keys ?? [])];
  const have = () => new Set(held.map(fingerprintOf));
  const trustedFprs = [...opts.pins, ...(opts.automated ?? []), ...(await previousSigners(opts.previous, held))].map((p) => p.toUpperCase());
  held.push(...(await siteKeys(base, trustedFprs, have(), load)));
  const input: VerifyInput = { ...pinsOf(opts), attestation, keys: held, services: [{ url: base, from: 'the site being verified' }] };
  if (opts.previous) input.previous = opts.previous;
  if (heartbeat) input.heartbeat = signedDecoder.decode(heartbeat);
  const named = await trustedAttestation(attestation, opts.previous, held, opts, newCheckContext(opts.crypto));
  if (!named) return input;
  if (namedFingerprints(named).length <= LIMITS.keys) held.push(...(await siteKeys(base, namedFingerprints(named), have(), load)));
  input.documents = await siteDocuments(named, new URL('documents/', base).toString(), load);
  if (named.log) {
    const urls = {
      canary: canaryUrl,
      logBase: new URL('canary/log/', base).toString(),
      ...(heartbeat ? { heartbeat: new URL('heartbeat.txt', base).toString() } : {}),
    };
    input.log = await gatherLogEvidence(urls, opts.rememberedCheckpoint, load);
  }
  return input;
}
