/**
 * What a verifier gathers from a published site (README "Public paths"): the canary,
 * the heartbeat, the keys the attestation names and the documents it lists. Loading is
 * injected: the CLI fetches with retries, the site's in-browser check fetches from its own
 * origin, and both hand the same input to the same verifier.
 */
import type * as openpgp from 'openpgp';
import type { AttestationData } from '../canary/model.ts';
import { parseCanaryTextFast } from '../canary/read-text.ts';
import { readSignedFile } from '../pgp/cleartext.ts';
import { fingerprintOf, readKeys } from '../pgp/keys.ts';
import type { VerifyInput } from './verify-canary.ts';

/** Bytes at a URL, or null when there is nothing there (404). Other failures throw. */
export type Load = (url: string) => Promise<Uint8Array | null>;

const decoder = new TextDecoder();
/** For the signed files: ignoreBOM keeps a byte-order mark, which the verifier must see (gpg and sq refuse such a file, decision 0001). */
const signedDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The attestation's data, read WITHOUT trusting it: only to know which keys and documents to fetch. */
export async function namedAttestation(file: string): Promise<AttestationData | undefined> {
  const split = await readSignedFile(file, 'attestation');
  if (!split.ok) return undefined;
  const parsed = await parseCanaryTextFast(split.value.text);
  return parsed.ok && parsed.data.kind === 'attestation' ? parsed.data : undefined;
}

/** Every fingerprint an attestation names: signers, heartbeat keys and panic keys. */
export function namedFingerprints(a: AttestationData | undefined): string[] {
  return a ? [...a.heartbeat.keys, ...a.panicKeys, ...a.signers.keys].map((k) => k.fingerprint) : [];
}

/**
 * Public keys from the site's keys/<FINGERPRINT>.asc, for fingerprints not yet held.
 * Key material may come from the site itself: only the pins decide trust.
 */
export async function siteKeys(base: string, fingerprints: Iterable<string>, have: Set<string>, load: Load): Promise<openpgp.Key[]> {
  const keys: openpgp.Key[] = [];
  for (const fpr of new Set(fingerprints)) {
    if (have.has(fpr)) continue;
    const bytes = await load(new URL(`keys/${fpr}.asc`, base).toString());
    if (bytes) keys.push(...(await readKeys(decoder.decode(bytes), `keys/${fpr}.asc`)).filter((k) => fingerprintOf(k) === fpr));
  }
  return keys;
}

/** The documents an attestation lists, from `where` (a URL ending in /); null for each one missing. */
export async function siteDocuments(a: AttestationData, where: string, load: Load): Promise<Record<string, Uint8Array | null>> {
  const out: Record<string, Uint8Array | null> = {};
  for (const doc of a.documents) out[doc.path] = await load(new URL(doc.path, where).toString());
  return out;
}

/** The whole input for a site at `base` (ending in /), trusting only `pins`. */
export async function siteVerifyInput(base: string, pins: string[], load: Load): Promise<VerifyInput> {
  const canary = await load(new URL('canary.txt', base).toString());
  if (!canary) throw new Error(`${new URL('canary.txt', base).toString()}: not found (404); the site has published no canary`);
  const attestation = signedDecoder.decode(canary);
  const heartbeat = await load(new URL('heartbeat.txt', base).toString());
  const named = await namedAttestation(attestation);
  const keys = await siteKeys(base, [...pins, ...namedFingerprints(named)], new Set(), load);
  const input: VerifyInput = { attestation, keys, pins };
  if (heartbeat) input.heartbeat = signedDecoder.decode(heartbeat);
  if (named) input.documents = await siteDocuments(named, new URL('documents/', base).toString(), load);
  return input;
}
