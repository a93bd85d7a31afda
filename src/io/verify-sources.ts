/**
 * Gathers what `candor verify` needs from files or a published site, then hands it to
 * the pure verifier. Remote files are fetched once; nothing here decides a verdict.
 * The network code is imported only for a URL or --online: checking local files is the
 * common case, and start-up time is what a monitor pays on every run.
 */
import path from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import type * as openpgp from 'openpgp';
import { parseCanaryTextFast } from '../core/canary/read-text.ts';
import type { AttestationData } from '../core/canary/model.ts';
import { UsageError } from '../core/errors.ts';
import { readSignedFile } from '../core/pgp/cleartext.ts';
import { fingerprintOf, readKeys } from '../core/pgp/keys.ts';
import type { VerifyInput } from '../core/verify/verify-canary.ts';
import { namedAttestation, namedFingerprints, siteDocuments, siteKeys } from '../core/verify/site-input.ts';
import type { ExplorerSource } from './explorers.ts';
import { readPublicKeysFrom } from './keyring.ts';
import { nodeCrypto } from './node-crypto.ts';
import type { VerifyState } from './verify-state.ts';

export interface SourceOptions {
  target: string;
  heartbeat?: string;
  keys: string[];
  previous?: string;
  state?: VerifyState;
  documents?: string;
  minSigners?: number;
  online?: boolean;
  explorers?: ExplorerSource[];
  timeoutMs?: number;
}

const FPR = /^[0-9A-Fa-f]{40}$/;
export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** A site URL names its files at stable paths (README "Public paths"). */
export function siteFiles(target: string): { canary: string; heartbeat: string; base: string } {
  if (/\.txt$/.test(new URL(target).pathname)) {
    const base = new URL('.', target).toString();
    return { canary: target, heartbeat: new URL('heartbeat.txt', base).toString(), base };
  }
  const base = target.endsWith('/') ? target : `${target}/`;
  return { canary: new URL('canary.txt', base).toString(), heartbeat: new URL('heartbeat.txt', base).toString(), base };
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Uint8Array | null> {
  const { fetchWithRetry } = await import('./http.ts');
  const response = await fetchWithRetry(url, { timeoutMs, retries: 2, backoffMs: 200 }).catch((error: Error) => {
    throw new UsageError('FETCH_FAILED', 'could not fetch', { file: url, received: error.message, cause: error, hint: 'Check the URL and your network; the verdict needs the published files.' });
  });
  if (response.status === 404) return null;
  if (!response.ok) throw new UsageError('FETCH_FAILED', `HTTP ${response.status}`, { file: url, expected: 'HTTP 200' });
  return new Uint8Array(await response.arrayBuffer());
}

async function load(source: string, timeoutMs: number): Promise<Uint8Array | null> {
  if (isUrl(source)) return fetchBytes(source, timeoutMs);
  return readFile(source).then((b) => new Uint8Array(b), () => null);
}

async function loadText(source: string, timeoutMs: number, required: boolean): Promise<string | undefined> {
  const bytes = await load(source, timeoutMs);
  if (!bytes && required) throw new UsageError('INPUT_UNREADABLE', 'not found', { file: source, expected: 'a canary file' });
  // ignoreBOM keeps a byte-order mark, which the verifier must see: gpg and sq refuse such a file (decision 0001).
  return bytes ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) : undefined;
}

async function keyMaterial(opts: SourceOptions, base: string | undefined, wanted: string[]): Promise<{ keys: openpgp.Key[]; pins: string[] }> {
  const timeout = opts.timeoutMs ?? 15_000;
  const keys: openpgp.Key[] = [];
  const pins: string[] = [...(opts.state?.pins ?? [])];
  for (const entry of opts.keys.flatMap((k) => k.split(',')).filter(Boolean)) {
    if (FPR.test(entry)) { pins.push(entry.toUpperCase()); continue; }
    const loaded = isUrl(entry) ? await readKeys((await loadText(entry, timeout, true))!, entry) : await readPublicKeysFrom(entry, process.cwd());
    keys.push(...loaded);
    pins.push(...loaded.map(fingerprintOf));
  }
  if (base) keys.push(...(await siteKeys(base, [...pins, ...wanted], new Set(keys.map(fingerprintOf)), (url) => load(url, timeout))));
  return { keys, pins };
}

async function documentBytes(att: AttestationData, where: string, timeoutMs: number): Promise<Record<string, Uint8Array | null>> {
  if (isUrl(where)) return siteDocuments(att, where.endsWith('/') ? where : `${where}/`, (url) => load(url, timeoutMs));
  const out: Record<string, Uint8Array | null> = {};
  for (const doc of att.documents) out[doc.path] = await load(path.join(where, doc.path), timeoutMs);
  return out;
}

export async function gatherVerifyInput(opts: SourceOptions): Promise<VerifyInput> {
  const timeout = opts.timeoutMs ?? 15_000;
  const site = isUrl(opts.target) ? siteFiles(opts.target) : undefined;
  const attestation = (await loadText(site?.canary ?? opts.target, timeout, true))!;
  const heartbeatSource = opts.heartbeat ?? site?.heartbeat ?? await siblingHeartbeat(opts.target);
  const heartbeat = heartbeatSource ? await loadText(heartbeatSource, timeout, Boolean(opts.heartbeat)) : undefined;
  const named = await namedAttestation(attestation);
  const wanted = namedFingerprints(named);
  const { keys, pins } = await keyMaterial(opts, site?.base, wanted);
  const previous = opts.previous ? await loadText(opts.previous, timeout, true) : opts.state?.attestation;
  const documentsAt = opts.documents ?? (site ? new URL('documents/', site.base).toString() : undefined);
  const input: VerifyInput = { attestation, keys, pins, crypto: nodeCrypto };
  if (heartbeat) input.heartbeat = heartbeat;
  if (previous) input.previous = previous;
  if (opts.state?.heartbeat) input.lastHeartbeat = opts.state.heartbeat;
  const minSigners = opts.minSigners ?? opts.state?.minSigners;
  if (minSigners) input.minSigners = minSigners;
  if (named && documentsAt) input.documents = await documentBytes(named, documentsAt, timeout);
  if (opts.online && heartbeat) await addBlockLookup(input, heartbeat, opts);
  return input;
}

async function siblingHeartbeat(target: string): Promise<string | undefined> {
  const candidate = path.join(path.dirname(target), 'heartbeat.txt');
  return path.basename(target) === 'canary.txt' && (await stat(candidate).then(() => true, () => false)) ? candidate : undefined;
}

async function addBlockLookup(input: VerifyInput, heartbeat: string, opts: SourceOptions): Promise<void> {
  const { DEFAULT_EXPLORERS, lookupBlock } = await import('./explorers.ts');
  const split = await readSignedFile(heartbeat, 'heartbeat');
  const parsed = split.ok ? await parseCanaryTextFast(split.value.text, 'heartbeat') : undefined;
  const proof = parsed?.ok && parsed.data.kind === 'heartbeat' ? (parsed.data.freshness as { bitcoin?: { hash?: unknown } } | null) : null;
  const hash = proof?.bitcoin?.hash;
  if (typeof hash !== 'string') return;
  const result = await lookupBlock(hash, { sources: opts.explorers ?? DEFAULT_EXPLORERS, timeoutMs: opts.timeoutMs ?? 15_000, retries: 2 });
  input.blockLookup = result.found ? { found: true, height: result.height, time: result.time, sources: result.sources } : { found: false, sources: result.sources };
}
