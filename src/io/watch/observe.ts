/**
 * One check of one site, as an observation for the pure transition (src/core/watch). A
 * Candor site goes through `candor verify`'s own path (gatherVerifyInput, verifyCanary,
 * its --state file); a signed-text site is fetched here and judged by the core.
 * A site that gives no answer is "unreachable": nothing about its canary is concluded.
 */
import type * as openpgp from 'openpgp';
import { CandorError } from '../../core/errors.ts';
import { readKeys } from '../../core/pgp/keys.ts';
import { LIMITS } from '../../core/verify/limits.ts';
import { isAdvisory } from '../../core/verify/reasons.ts';
import { signerTrust, verifyCanary, type VerifyResult } from '../../core/verify/verify-canary.ts';
import type { WatchSite } from '../../core/watch/config.ts';
import { observeSignedText } from '../../core/watch/signed-text.ts';
import type { Observation, SiteState } from '../../core/watch/transition.ts';
import { gatherVerifyInput, Reader, siteFiles, type SourceOptions } from '../verify-sources.ts';
import { advanceState, readState, type VerifyState } from '../verify-state.ts';
import { checkLog } from './log.ts';
import { verifyFile } from './state.ts';

export interface CheckLimits {
  timeoutMs: number;
  retries: number;
}

/** Every request of one site's check together: its attempts, a few files each. */
const siteLimitMs = (limits: CheckLimits) => limits.timeoutMs * (limits.retries + 1) * 4;

/** A failure to get an answer (network, HTTP status, time limit), as opposed to an answer that is wrong. */
function unreachable(error: unknown, at: string): Observation | undefined {
  if (error instanceof CandorError && error.code === 'FETCH_FAILED') return { kind: 'unreachable', at, problem: error.message.split('\n')[0]! };
  return undefined;
}

const KEY_PROBLEMS = new Set(['KEY_UNPINNED', 'THRESHOLD_NOT_MET']);
const keyProblem = (r: VerifyResult) => r.reasons.some((x) => x.subject === 'attestation' && KEY_PROBLEMS.has(x.code));

/** Who signed the attestation well, split into the keys the pins trust and the others. */
function signersOf(result: VerifyResult, pins: string[]): { signers: string[]; untrusted: string[] } {
  const att = result.attestation;
  if (!att) return { signers: [], untrusted: [] };
  const policy = new Set(att.data.signers.keys.map((k) => k.fingerprint));
  const good = [...new Set(att.signatures.filter((s) => s.status === 'good' && s.fingerprint && policy.has(s.fingerprint)).map((s) => s.fingerprint!))].sort();
  if (!keyProblem(result)) return { signers: good, untrusted: [] };
  const trusted = signerTrust({ pins }, att).trusted;
  return { signers: good.filter((f) => trusted.has(f)), untrusted: good.filter((f) => !trusted.has(f)) };
}

async function verifyOnce(site: WatchSite, pins: string[], keyring: string[], state: VerifyState | undefined, limits: CheckLimits, now: Date) {
  const opts: SourceOptions = {
    target: site.url,
    keys: pins,
    keyring,
    timeoutMs: limits.timeoutMs,
    timeLimitMs: siteLimitMs(limits),
    retries: limits.retries,
    ...(state ? { state } : {}),
  };
  const input = await gatherVerifyInput(opts);
  return { input, result: await verifyCanary(input, { now, skewSeconds: 300 }) };
}

/**
 * A Candor site, verified as `candor verify URL --state FILE` verifies it. When the keys
 * trusted do not account for the signatures, the keys the attestation names are fetched
 * from the site as key material (never as pins) to say who signed: a key change. A tofu
 * site's first check trusts those signers, and says so.
 */
export async function observeCandor(site: WatchSite, stateDir: string, prev: SiteState | undefined, limits: CheckLimits, now: Date): Promise<Observation> {
  const at = now.toISOString();
  const file = verifyFile(stateDir, site.name);
  const state = await readState(file);
  let pins = site.pins ?? prev?.accepted ?? [];
  try {
    let run = await verifyOnce(site, pins, site.keys, state, limits, now);
    if (keyProblem(run.result) && run.result.attestation) {
      const base = siteFiles(site.url).base;
      const named = run.result.attestation.data.signers.keys.slice(0, LIMITS.keys).map((k) => new URL(`keys/${k.fingerprint}.asc`, base).toString());
      // A key the site does not serve leaves the first answer as it was.
      run = await verifyOnce(site, pins, [...site.keys, ...named], state, limits, now).catch(() => run);
      const firstUse = site.tofu && (prev?.accepted ?? []).length === 0;
      if (firstUse) {
        pins = signersOf(run.result, pins).untrusted;
        if (pins.length > 0) run = await verifyOnce(site, pins, [...site.keys, ...named], state, limits, now);
      }
    }
    const { input, result } = run;
    const who = signersOf(result, pins);
    const a = result.attestation?.data;
    const files = siteFiles(site.url);
    const reader = new Reader({ timeoutMs: limits.timeoutMs, timeLimitMs: siteLimitMs(limits), retries: limits.retries });
    const log = await checkLog(
      {
        ...files,
        canaryUrl: files.canary,
        heartbeatUrl: files.heartbeat,
        previous: prev?.log,
        serviceUrl: a?.service.url,
        attestation: input.attestation,
        heartbeat: input.heartbeat,
      },
      reader,
    );
    // Signers the verifier counted (pins, or handed over by a trusted attestation) are the
    // verifier state's pins from now on: its remembered attestation must verify next time too.
    // A canary its log does not hold never becomes what the verifier compares the next one with.
    if (log.reasons.length === 0)
      await advanceState(file, state, result, {
        signedAttestation: input.attestation,
        pins: [...new Set([...pins, ...who.signers])],
        automated: [],
        acknowledge: false,
      });
    const own = result.reasons.filter((r) => !isAdvisory(r.code)).map((r) => ({ code: r.code, message: r.message }));
    // Once the verifier checks a log an attestation names (issue 15), a cause it reports is not said twice.
    const reasons = [...log.reasons.filter((r) => !own.some((o) => o.code === r.code)), ...own];
    return {
      kind: 'checked',
      at,
      verdict: logVerdict(result.verdict, log.reasons),
      reasons,
      ...(log.memory ? { log: log.memory } : {}),
      ...who,
      statements: a ? a.statements.map((s) => `${s.id}: ${s.text}`) : [],
      hash: result.attestation?.hash ?? '',
      ...(a ? { issued: a.issued, expires: a.expires, expiresFrom: 'stated' as const } : {}),
    };
  } catch (error) {
    return failedCheck(error, at);
  }
}

/**
 * A log that does not hold makes the canary invalid; a fork (the site showed this watcher
 * another history) is as grave as a trip, as `candor verify` says of it (decision 0031).
 */
function logVerdict(verdict: VerifyResult['verdict'], reasons: { code: string }[]): VerifyResult['verdict'] {
  if (reasons.length === 0 || verdict === 'tripped') return verdict;
  return reasons.some((r) => r.code === 'LOG_FORK') ? 'tripped' : 'invalid';
}

/** A check that could not read the site: unreachable ("unknown since …"), a document that is not there (invalid), or a bug (rethrown). */
function failedCheck(error: unknown, at: string): Observation {
  const down = unreachable(error, at);
  if (down) return down;
  if (error instanceof CandorError && error.code === 'INPUT_UNREADABLE')
    return {
      kind: 'checked',
      at,
      verdict: 'invalid',
      reasons: [{ code: 'NOT_FOUND', message: error.message.split('\n')[0]! }],
      signers: [],
      untrusted: [],
      statements: [],
      hash: '',
    };
  throw error;
}

const ARMORED_KEY = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g;

/** The site's key material (never trust by itself: pins or accepted keys decide). A key that cannot be read is no key. */
async function keysFor(site: WatchSite, reader: Reader): Promise<openpgp.Key[]> {
  const keys: openpgp.Key[] = [];
  for (const entry of site.keys) {
    const bytes = await reader.load(entry, 'key');
    if (!bytes) continue;
    // Each armored block (openpgp.js would read the first only), or one binary key.
    const blocks = new TextDecoder().decode(bytes).match(ARMORED_KEY);
    const read = blocks ? blocks.map((b) => readKeys(b, entry)) : [readKeys(bytes, entry)];
    for (const found of await Promise.all(read.map((p) => p.catch(() => [])))) keys.push(...found);
  }
  return keys.map((k) => (k.isPrivate() ? k.toPublic() : k));
}

/** Another system's signed text: the text (and its detached signature), its keys, judged by the core with the site's rule. */
export async function observeText(site: WatchSite, prev: SiteState | undefined, limits: CheckLimits, now: Date): Promise<Observation> {
  const at = now.toISOString();
  const reader = new Reader({ timeoutMs: limits.timeoutMs, timeLimitMs: siteLimitMs(limits), retries: limits.retries });
  try {
    const text = await reader.text(site.url, 'signed', true);
    const signature = site.signature ? await reader.text(site.signature, 'signed', true) : undefined;
    const keys = await keysFor(site, reader);
    const trusted = site.pins ?? (prev && prev.accepted.length > 0 ? prev.accepted : undefined);
    return await observeSignedText({ text: text!, ...(signature ? { signature } : {}), keys, rule: site.rule!, trusted, previous: prev, now });
  } catch (error) {
    return failedCheck(error, at);
  }
}
