/**
 * Gathers what `candor verify` needs from files or a published site, then hands it to
 * the pure verifier. Remote files are fetched once; nothing here decides a verdict.
 * The network code is imported only for a URL or --online: checking local files is the
 * common case, and start-up time is what a monitor pays on every run.
 *
 * Every read is bounded (src/core/verify/limits.ts, README.md#resource-limits), and what
 * the attestation names is fetched only once a trusted key has signed it (site-input.ts).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { open, stat } from 'node:fs/promises';
import type * as openpgp from 'openpgp';
import { parseCanaryTextFast } from '../core/canary/read-text.ts';
import { CandorError, UsageError } from '../core/errors.ts';
import { newCheckContext } from '../core/pgp/check-signatures.ts';
import { readSignedFile } from '../core/pgp/cleartext.ts';
import { fingerprintOf, readKeys } from '../core/pgp/keys.ts';
import { documentPathProblem } from '../core/verify/documents.ts';
import { gatherLogEvidence } from '../core/verify/log.ts';
import { LIMITS, byteLimit, type FetchKind } from '../core/verify/limits.ts';
import type { ExpectedService } from '../core/verify/service.ts';
import { siteDocuments, siteVerifyInput, trustedAttestation } from '../core/verify/site-input.ts';
import type { Pins, VerifyInput } from '../core/verify/verify-canary.ts';
import type { ExplorerSource } from './explorers.ts';
import { readPublicKeysFrom } from './keyring.ts';
import { nodeCrypto } from './node-crypto.ts';
import type { VerifyState } from './verify-state.ts';

export interface SourceOptions {
  target: string;
  heartbeat?: string;
  /** Signer pins: fingerprints, or a file or URL holding one public key. */
  keys: string[];
  /** Key material only (files, folders, URLs): never pins. */
  keyring?: string[];
  /** Heartbeat keys accepted as attestation signers (an automated canary). */
  automated?: string[];
  /** The service the canary must be for. */
  service?: string;
  previous?: string;
  state?: VerifyState;
  documents?: string;
  minSigners?: number;
  online?: boolean;
  explorers?: ExplorerSource[];
  /** Per request (default LIMITS.requestSeconds). */
  timeoutMs?: number;
  /** Every request of the run together (default LIMITS.runSeconds). */
  timeLimitMs?: number;
  acknowledge?: boolean;
  /** Extra attempts after a failed request (default LIMITS.retries). */
  retries?: number;
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

/** The summary of a network error ("the answer is too large", "redirected off the site"…), without its location. */
function summaryOf(error: unknown): string {
  if (!(error instanceof CandorError)) return 'could not fetch';
  const first = error.message.split('\n')[0]!;
  const file = error.details.file;
  return file && first.startsWith(`${file}: `) ? first.slice(file.length + 2) : first;
}

const expectedOf = (error: unknown) => (error instanceof CandorError && error.details.expected ? { expected: error.details.expected } : {});

/** Reads files and URLs for one run, within the run's byte budget and time limit. */
export class Reader {
  private budget: number = LIMITS.runBytes;
  private readonly deadline: AbortSignal;
  readonly timeoutMs: number;
  readonly timeLimitMs: number;
  readonly retries: number;

  constructor(opts: { timeoutMs?: number; timeLimitMs?: number; retries?: number }) {
    this.retries = opts.retries ?? LIMITS.retries;
    this.timeoutMs = opts.timeoutMs ?? LIMITS.requestSeconds * 1000;
    this.timeLimitMs = opts.timeLimitMs ?? LIMITS.runSeconds * 1000;
    this.deadline = AbortSignal.timeout(this.timeLimitMs);
  }

  private take(source: string, size: number): void {
    this.budget -= size;
    if (this.budget < 0) {
      throw new UsageError('FETCH_FAILED', 'this run read too much', {
        file: source,
        expected: `at most ${LIMITS.runBytes} bytes in all`,
        received: 'more',
        hint: 'README.md#resource-limits: a canary, its keys and documents are far smaller.',
      });
    }
  }

  async url(url: string, kind: FetchKind): Promise<Uint8Array | null> {
    const { fetchBounded } = await import('./http.ts');
    const response = await fetchBounded(url, {
      timeoutMs: this.timeoutMs,
      maxBytes: Math.min(byteLimit(kind), Math.max(0, this.budget)),
      retries: this.retries,
      backoffMs: 200,
      maxRedirects: LIMITS.redirects,
      signal: this.deadline,
    }).catch((error: unknown) => {
      throw new UsageError('FETCH_FAILED', summaryOf(error), {
        file: url,
        ...expectedOf(error),
        received: error instanceof CandorError ? error.details.received : (error as Error).message,
        cause: error,
        hint: `Check the URL and your network. Each request may take ${this.timeoutMs / 1000} s (--timeout), the whole run ${this.timeLimitMs / 1000} s (--time-limit), and a site may redirect on its own host only: README.md#resource-limits.`,
      });
    });
    if (response.status === 404) return null;
    if (response.status < 200 || response.status > 299) throw new UsageError('FETCH_FAILED', `HTTP ${response.status}`, { file: url, expected: 'HTTP 200' });
    this.take(url, response.bytes.byteLength);
    return response.bytes;
  }

  /** A local file, at most the kind's byte limit; null when it does not exist. */
  async file(file: string, kind: FetchKind): Promise<Uint8Array | null> {
    const max = Math.min(byteLimit(kind), Math.max(0, this.budget));
    const handle = await open(file, 'r').catch(() => null);
    if (!handle) return null;
    try {
      const buffer = Buffer.alloc(max + 1);
      let size = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null);
        if (bytesRead === 0) break;
        size += bytesRead;
        if (size > max)
          throw new UsageError('INPUT_UNREADABLE', 'the file is too large', {
            file,
            expected: `at most ${max} bytes`,
            received: `more than ${max} bytes`,
            hint: 'README.md#resource-limits.',
          });
      }
      this.take(file, size);
      return new Uint8Array(buffer.subarray(0, size));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // A folder, a device that cannot be read: not a canary file.
      return null;
    } finally {
      await handle.close();
    }
  }

  load(source: string, kind: FetchKind): Promise<Uint8Array | null> {
    return isUrl(source) ? this.url(source, kind) : this.file(source, kind);
  }

  async text(source: string, kind: FetchKind, required: boolean): Promise<string | undefined> {
    const bytes = await this.load(source, kind);
    if (!bytes && required) {
      throw new UsageError('INPUT_UNREADABLE', 'not found', {
        file: source,
        expected: kind === 'key' ? 'a public key file' : 'a canary file',
        hint: isUrl(source)
          ? 'Check the address: a Candor site publishes its canary at /canary.txt or /.well-known/canary.txt (README.md#public-paths).'
          : 'Check the path (README.md#with-candor).',
      });
    }
    // ignoreBOM keeps a byte-order mark, which the verifier must see: gpg and sq refuse such a file (decision 0001); readKeys drops it from a key.
    return bytes ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) : undefined;
  }
}

/** The service the (not yet verified) attestation claims: only ever used to refuse a pin, never to grant trust. */
async function claimedService(attestation: string): Promise<string | undefined> {
  const split = await readSignedFile(attestation, 'attestation');
  const parsed = split.ok ? await parseCanaryTextFast(split.value.text) : undefined;
  return parsed?.ok ? parsed.data.service.url : undefined;
}

async function claimsLog(attestation: string): Promise<boolean> {
  const split = await readSignedFile(attestation, 'attestation');
  const parsed = split.ok ? await parseCanaryTextFast(split.value.text) : undefined;
  return Boolean(parsed?.ok && parsed.data.kind === 'attestation' && parsed.data.log);
}

/**
 * A canary file's log evidence: `<file>.tlog-proof` beside it (and beside the heartbeat), the
 * tiles in canary/log/ of the same folder, as a built site lays them out (dist/site/).
 */
async function localLogEvidence(target: string, heartbeat: string | undefined, remembered: string | undefined, reader: Reader) {
  const dir = path.dirname(path.resolve(target));
  const load = (url: string, kind: FetchKind) => (url.startsWith('file:') ? reader.file(fileURLToPath(url), kind) : reader.url(url, kind));
  const urls = {
    canary: pathToFileURL(path.resolve(target)).toString(),
    logBase: `${pathToFileURL(dir).toString()}/canary/log/`,
    ...(heartbeat ? { heartbeat: isUrl(heartbeat) ? heartbeat : pathToFileURL(path.resolve(heartbeat)).toString() } : {}),
  };
  return gatherLogEvidence(urls, remembered, load);
}

const hostOf = (url: string) => URL.parse(url)?.hostname.toLowerCase().replace(/\.$/, '');
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** The same site: the same host, one a subdomain of the other (www.), or two loopback names for this machine. */
function sameSite(a: string, hosts: Set<string>): boolean {
  for (const h of hosts) {
    if (a === h || a.endsWith(`.${h}`) || h.endsWith(`.${a}`) || (LOOPBACK_HOST.test(a) && LOOPBACK_HOST.test(h))) return true;
  }
  return false;
}

const ARMORED_KEY = /-----BEGIN PGP (?:PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP (?:PUBLIC|PRIVATE) KEY BLOCK-----/g;

/** Every key in a file or at a URL (each armored block: openpgp.js would read the first only), as public keys. */
async function keysAt(entry: string, reader: Reader): Promise<openpgp.Key[]> {
  if (
    !isUrl(entry) &&
    (await stat(entry).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return readPublicKeysFrom(entry, process.cwd());
  const bytes = await reader.load(entry, 'key');
  if (!bytes)
    throw new UsageError('INPUT_UNREADABLE', 'cannot read the key file', { file: entry, expected: 'a public key file (or, with --keyring, a folder of them)' });
  const text = new TextDecoder().decode(bytes);
  const blocks = text.match(ARMORED_KEY);
  const keys = blocks ? (await Promise.all(blocks.map((b) => readKeys(b, entry)))).flat() : await readKeys(bytes, entry);
  return keys.map((k) => (k.isPrivate() ? k.toPublic() : k));
}

function notOnePin(entry: string, received: string): UsageError {
  return new UsageError('USAGE', 'not one key', {
    file: entry,
    expected: 'one public key per --keys entry: each pin names one signer',
    received,
    hint: 'A folder or bundle holds keys of every role (signers, the CI heartbeat key, panic keys): give it with --keyring, and pin each signer by fingerprint, --keys FPR1,FPR2. README.md#verifying-a-canary.',
  });
}

/**
 * Pins with their purpose (decision 0009). A fingerprint, or a file or URL holding exactly
 * one key, is a signer pin; a folder or a bundle is refused as a pin. A key fetched from
 * the site being verified (or from the service the canary claims) is never a pin.
 */
async function pinsFrom(opts: SourceOptions, reader: Reader, siteHosts: Set<string>): Promise<{ keys: openpgp.Key[]; pins: Pins }> {
  const keys: openpgp.Key[] = [];
  const pins: string[] = [...(opts.state?.signers ?? [])];
  const notPinned: Record<string, string> = {};
  for (const entry of opts.keys.flatMap((k) => k.split(',')).filter(Boolean)) {
    if (FPR.test(entry)) {
      pins.push(entry.toUpperCase());
      continue;
    }
    if (
      !isUrl(entry) &&
      (await stat(entry).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    )
      throw notOnePin(entry, 'a folder');
    const loaded = await keysAt(entry, reader);
    if (loaded.length !== 1) throw notOnePin(entry, `${loaded.length} keys`);
    keys.push(...loaded);
    const fpr = fingerprintOf(loaded[0]!);
    if (isUrl(entry) && sameSite(hostOf(entry) ?? '', siteHosts)) {
      notPinned[fpr] =
        `the key was fetched from the site being verified (${entry}), and a site cannot vouch for its own keys: pin the fingerprint you got elsewhere`;
    } else pins.push(fpr);
  }
  for (const entry of opts.keyring ?? []) keys.push(...(await keysAt(entry, reader)));
  const automated = [...(opts.state?.automated ?? [])];
  for (const entry of (opts.automated ?? []).flatMap((a) => a.split(',')).filter(Boolean)) {
    if (!FPR.test(entry))
      throw new UsageError('USAGE', 'not a fingerprint', {
        field: '--automated',
        expected: 'the 40 hex digits of the CI key you accept as the only signer',
        received: entry,
      });
    automated.push(entry.toUpperCase());
  }
  const p: Pins = { pins: [...new Set(pins)].filter((f) => !notPinned[f]), automated: [...new Set(automated)], heartbeatKeys: opts.state?.heartbeatKeys ?? [] };
  if (Object.keys(notPinned).length > 0) p.notPinned = notPinned;
  return { keys, pins: p };
}

function expectedServices(opts: SourceOptions): ExpectedService[] {
  const expected: ExpectedService[] = [];
  if (opts.service) expected.push({ url: opts.service, from: '--service' });
  if (opts.state?.service) expected.push({ url: opts.state.service, from: 'the service your --state remembers', exact: true });
  return expected;
}

/** Documents in a local folder: only plain relative paths, so nothing outside it (or a device file) is read. */
async function folderDocuments(named: { documents: { path: string }[] }, dir: string, reader: Reader): Promise<Record<string, Uint8Array | null>> {
  const out: Record<string, Uint8Array | null> = {};
  if (named.documents.length > LIMITS.documents) return out;
  for (const doc of named.documents) if (!documentPathProblem(doc.path)) out[doc.path] = await reader.file(path.join(dir, doc.path), 'document');
  return out;
}

async function siblingHeartbeat(target: string): Promise<string | undefined> {
  const candidate = path.join(path.dirname(target), 'heartbeat.txt');
  return path.basename(target) === 'canary.txt' &&
    (await stat(candidate).then(
      () => true,
      () => false,
    ))
    ? candidate
    : undefined;
}

/** The block is looked up only for a heartbeat the attestation's keys signed (verify-canary.ts calls this). */
function blockLookup(opts: SourceOptions): NonNullable<VerifyInput['lookupBlock']> {
  return async (hash) => {
    const { DEFAULT_EXPLORERS, lookupBlock } = await import('./explorers.ts');
    const result = await lookupBlock(hash, {
      sources: opts.explorers ?? DEFAULT_EXPLORERS,
      timeoutMs: opts.timeoutMs ?? LIMITS.requestSeconds * 1000,
      retries: LIMITS.retries,
    });
    return result.found ? { found: true, height: result.height, time: result.time, sources: result.sources } : { found: false, sources: result.sources };
  };
}

/** `reader` bounds the run: pass one to read more with the same budget and time limit afterwards (the timestamps). */
export async function gatherVerifyInput(opts: SourceOptions, reader = new Reader(opts)): Promise<VerifyInput> {
  const site = isUrl(opts.target) ? siteFiles(opts.target) : undefined;
  const previous = opts.previous ? await reader.text(opts.previous, 'signed', true) : opts.state?.attestation;
  let input: VerifyInput;
  if (site) {
    // The canary first, to know which hosts count as "the site itself" for --keys URLs.
    const canary = (await reader.text(site.canary, 'signed', true))!;
    const hosts = new Set([site.base, opts.service, opts.state?.service, await claimedService(canary)].filter(Boolean).map((u) => hostOf(u!)!));
    const { keys, pins } = await pinsFrom(opts, reader, hosts);
    const load = (url: string, kind: FetchKind) => (url === site.canary ? Promise.resolve(new TextEncoder().encode(canary)) : reader.url(url, kind));
    const remembered = opts.state?.log?.checkpoint;
    input = await siteVerifyInput(
      site.base,
      {
        ...pins,
        keys,
        ...(previous ? { previous } : {}),
        canaryUrl: site.canary,
        crypto: nodeCrypto,
        ...(remembered ? { rememberedCheckpoint: remembered } : {}),
      },
      load,
    );
    input.services = [...(input.services ?? []), ...expectedServices(opts)];
    if (opts.heartbeat) {
      input.heartbeat = (await reader.text(opts.heartbeat, 'signed', true))!;
      // Its proof is beside it, not beside the site's heartbeat.txt.
      if (input.log) input.log.heartbeatProof = (await reader.text(`${opts.heartbeat}.tlog-proof`, 'log', false)) ?? null;
    }
    if (opts.documents) await addDocuments(input, opts.documents, previous, reader);
  } else {
    const attestation = (await reader.text(opts.target, 'signed', true))!;
    const hosts = new Set([opts.service, opts.state?.service, await claimedService(attestation)].filter(Boolean).map((u) => hostOf(u!)!));
    const { keys, pins } = await pinsFrom(opts, reader, hosts);
    input = { ...pins, attestation, keys, services: expectedServices(opts) };
    const heartbeatSource = opts.heartbeat ?? (await siblingHeartbeat(opts.target));
    const heartbeat = heartbeatSource ? await reader.text(heartbeatSource, 'signed', Boolean(opts.heartbeat)) : undefined;
    if (heartbeat) input.heartbeat = heartbeat;
    if (previous) input.previous = previous;
    if (await claimsLog(attestation))
      input.log = await localLogEvidence(opts.target, heartbeat ? heartbeatSource : undefined, opts.state?.log?.checkpoint, reader);
    if (opts.documents) await addDocuments(input, opts.documents, previous, reader);
  }
  input.crypto = nodeCrypto;
  if (previous) input.previous = previous;
  if (!opts.previous && opts.state?.attestation) input.previousSignalsReported = true;
  if (opts.state?.heartbeat) input.lastHeartbeat = opts.state.heartbeat;
  const minSigners = opts.minSigners ?? opts.state?.minSigners;
  if (minSigners) {
    input.minSigners = minSigners;
    input.minSignersFrom = opts.minSigners ? '--min-signers' : 'the highest threshold your --state has seen';
  }
  if (opts.state?.tripped) {
    input.trip = opts.state.tripped;
    input.acknowledgeTrip = Boolean(opts.acknowledge);
  }
  if (opts.online) input.lookupBlock = blockLookup(opts);
  return input;
}

/** --documents DIR|URL: read only for an attestation a trusted key signed. */
async function addDocuments(input: VerifyInput, where: string, previous: string | undefined, reader: Reader): Promise<void> {
  const named = await trustedAttestation(input.attestation, previous, input.keys, input, newCheckContext(nodeCrypto));
  if (!named) {
    delete input.documents;
    return;
  }
  input.documents = isUrl(where)
    ? await siteDocuments(named, where.endsWith('/') ? where : `${where}/`, (url, kind) => reader.url(url, kind))
    : await folderDocuments(named, where, reader);
}
