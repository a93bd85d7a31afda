/** The site's one door to the content: reads the project once per build. */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { archiveName, parseArchiveName, latestAttestation, latestHeartbeat, listArchive, type ArchivedDocument } from '../io/archive.ts';
import type { AttestationData, HeartbeatData } from '../core/canary/model.ts';
import { describeKey, fingerprintOf, type KeyInfo } from '../core/pgp/keys.ts';
import { readKeyFolder } from '../io/keyring.ts';
import { nodeCrypto } from '../io/node-crypto.ts';
import { parseNow } from '../cli/context.ts';
import { verifyCanary, type VerifyInput, type VerifyResult } from '../core/verify/verify-canary.ts';
import { readCanaryContent, type CanaryContent } from '../io/read-content.ts';
import { readSiteOptions, type SiteOptions } from '../io/site-options.ts';
import type { ServiceConfig } from '../core/content/canary-config.ts';
import type { Part } from '../core/content/site-options.ts';
import { siteSections } from './integration.ts';
import { projectAt } from '../io/project.ts';
import { readReports, type ReportSet } from '../io/read-reports.ts';
import { reportToJson } from '../core/report/export.ts';
import { readPolicies, type PolicySet } from '../io/read-policies.ts';
import { comparePairs, comparePolicyVersions, RESERVED_POLICY_IDS, summarisePolicy, type Comparison, type PolicySummary } from '../core/policy/site.ts';
import type { PolicyVersion } from '../core/policy/model.ts';
import type { ChangelogEntry } from '../core/policy/changelog.ts';
import { logConfig, publishedLog } from '../io/canary-log.ts';
import { parsePolicy } from '../core/tlog/policy.ts';
import { readCosignatures } from '../core/tlog/cosignature.ts';
import { parseCheckpoint } from '../core/tlog/checkpoint.ts';
import { encodeBase64 } from '../core/tlog/bytes.ts';
import { DEFAULT_MINIMUM_BITS, parseMinimumBits } from '../core/ots/verify.ts';
import type { SiteTimestamps } from '../core/site/timestamps.ts';
import { UsageError } from '../core/errors.ts';
import { publishedProof, type ProofFiles } from '../io/timestamps.ts';

export const project = projectAt(process.env['CANDOR_ROOT'] ?? '.');

export interface SiteKey extends KeyInfo {
  armored: string;
  retired: boolean;
}

/** The service, and the canary's configuration when the service publishes one. */
export type SiteContent = { service: ServiceConfig } & Partial<Omit<CanaryContent, 'service'>>;

export interface SiteData {
  options: SiteOptions;
  /** The parts with pages, and keys/ when it has a page (src/site/integration.ts). */
  sections: Set<Part | 'keys'>;
  content: SiteContent;
  attestation?: ArchivedDocument<AttestationData>;
  heartbeat?: ArchivedDocument<HeartbeatData>;
  archive: string[];
  keys: SiteKey[];
  builtAt: string;
  /** The canary checked at build time, as `candor verify` would, pinning the signers in canary.yml. */
  check?: VerifyResult;
  /** The canary log, when canary.yml names one and the publish job has appended to it (decision 0031). */
  log?: SiteLog;
  /** The OpenTimestamps proofs of the current attestation and heartbeat (docs/timestamps.md), when there is an attestation. */
  timestamps?: SiteTimestampData;
}

export interface SiteTimestampData extends SiteTimestamps {
  /** The proof files of /canary.txt and /heartbeat.txt, byte for byte, served beside them. */
  files: { canary: ProofFiles | null; heartbeat: ProofFiles | null };
}

/**
 * The build's difficulty floor for timestamp proofs: the pinned one, or
 * $CANDOR_OTS_MINIMUM_BITS for a test network (as `candor verify --minimum-bits`); the
 * pages then say so beside the bounds.
 */
export function otsMinimumBits(): number {
  const value = process.env['CANDOR_OTS_MINIMUM_BITS'];
  if (value === undefined || value === '') return DEFAULT_MINIMUM_BITS;
  const bits = parseMinimumBits(value);
  if (bits === null)
    throw new UsageError('USAGE', 'not an nBits value', {
      field: 'CANDOR_OTS_MINIMUM_BITS',
      expected: '8 hex digits, e.g. 207fffff (test networks only)',
      received: value,
      hint: 'Unset it to check against the pinned floor (docs/timestamps.md).',
    });
  return bits;
}

/** The proofs beside the archived files, checked with the same offline verifier as candor verify. */
async function siteTimestamps(
  attestation: ArchivedDocument<AttestationData>,
  heartbeat: ArchivedDocument<HeartbeatData> | undefined,
): Promise<SiteTimestampData> {
  const minimumBits = otsMinimumBits();
  const of = (doc: ArchivedDocument) => publishedProof(path.join(project.root, doc.file), { minimumBits });
  const [a, h] = [await of(attestation), heartbeat ? await of(heartbeat) : undefined];
  return {
    minimumBits,
    attestation: { path: '/canary.txt', state: a.status, headers: Boolean(a.files?.headers) },
    ...(h ? { heartbeat: { path: '/heartbeat.txt', state: h.status, headers: Boolean(h.files?.headers) } } : {}),
    files: { canary: a.files, heartbeat: h?.files ?? null },
  };
}

export interface SiteLog {
  origin: string;
  vkey: string;
  /** The signed checkpoint, as committed (with any cosignatures). */
  checkpoint: string;
  size: number;
  root: string;
  /** The tiles and entry bundles under /canary/log/, byte for byte. */
  files: { path: string; bytes: Uint8Array }[];
  /** tlog-proof files of the current attestation and heartbeat; null when one is not in the log. */
  proofs: { canary: string | null; heartbeat: string | null };
  /** The witnesses of canary.yml's policy whose cosignatures on the checkpoint verify. */
  witnesses: { name: string; url?: string; timestamp: number }[];
  /** The policy's quorum (a witness or group name, or none), when there is a policy. */
  quorum?: string;
}

/** The log as published: read back from the repository and checked against canary.yml's key. */
async function siteLog(
  content: SiteContent,
  attestation: ArchivedDocument<AttestationData> | undefined,
  heartbeat: ArchivedDocument<HeartbeatData> | undefined,
): Promise<SiteLog | undefined> {
  const config = content.config && logConfig(content.service.url, content.config.log);
  if (!config) return undefined;
  const published = await publishedLog(project, config);
  if (!published) return undefined;
  const bytes = async (doc: ArchivedDocument | undefined) => (doc ? new Uint8Array(await readFile(path.join(project.root, doc.file))) : undefined);
  const [att, hb] = [await bytes(attestation), await bytes(heartbeat)];
  const policy = content.config?.log?.witnesses ? parsePolicy(content.config.log.witnesses) : undefined;
  const known = policy && !Array.isArray(policy) ? policy.witnesses : [];
  const cosigned = readCosignatures(
    published.checkpoint,
    known.map((w) => w.key),
  );
  const witnesses =
    typeof cosigned === 'string'
      ? []
      : cosigned.cosignatures.map((c) => {
          const w = known.find((k) => k.key === c.witness)!;
          return { name: w.name, ...(w.url ? { url: w.url } : {}), timestamp: c.timestamp };
        });
  const cp = parseCheckpoint(published.checkpoint.slice(0, published.checkpoint.indexOf('\n\n') + 1));
  return {
    origin: config.origin,
    vkey: config.vkey,
    checkpoint: published.checkpoint,
    size: published.size,
    root: typeof cp === 'string' ? '' : encodeBase64(cp.root),
    files: published.files,
    proofs: { canary: att ? published.proof(att) : null, heartbeat: hb ? published.proof(hb) : null },
    witnesses,
    ...(policy && !Array.isArray(policy) ? { quorum: policy.quorum } : {}),
  };
}

let cached: Promise<SiteData> | undefined;
let reports: Promise<ReportSet> | undefined;

let optionsCache: Promise<SiteOptions> | undefined;

/**
 * service.yml's parts, base and branding, read once. Its own cache, not siteData's: the
 * canary check inside siteData reads reports (documentFile), which must not wait on siteData.
 */
export function siteOptions(): Promise<SiteOptions> {
  optionsCache ??= readSiteOptions(project);
  return optionsCache;
}

/** The reports, or none when the service publishes no transparency part. */
export function reportData(): Promise<ReportSet> {
  reports ??= (async () => {
    const set = await readReports(project);
    return (await siteOptions()).parts.has('transparency') ? set : { ...set, reports: [], signatures: new Map(), problems: [] };
  })();
  return reports;
}

async function load(): Promise<SiteData> {
  const keys: SiteKey[] = [];
  const keyFiles = await readKeyFolder(project.keys, project.root);
  for (const file of keyFiles) {
    for (const key of file.keys) keys.push({ ...(await describeKey(key)), armored: key.armor().replace(/\r\n/g, '\n'), retired: file.retired });
  }
  const options = await siteOptions();
  const canary = options.parts.has('canary');
  const attestation = canary ? await latestAttestation(project) : undefined;
  const heartbeat = canary ? await latestHeartbeat(project) : undefined;
  const archive = canary ? [...(await listArchive(project.archive, 'attestation')), ...(await listArchive(project.archive, 'heartbeat'))] : [];
  const content: SiteContent = canary ? await readCanaryContent(project) : { service: options.service };
  const data: SiteData = {
    options,
    sections: await siteSections(options, project),
    content,
    archive,
    keys,
    builtAt: buildNow()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    ...(attestation ? { attestation } : {}),
    ...(heartbeat ? { heartbeat } : {}),
  };
  const log = canary ? await siteLog(content, attestation, heartbeat) : undefined;
  if (log) data.log = log;
  if (attestation) data.timestamps = await siteTimestamps(attestation, heartbeat);
  if (attestation && content.config && content.statements)
    data.check = await buildCheck(
      { ...content, config: content.config, statements: content.statements },
      attestation,
      heartbeat,
      keyFiles.flatMap((f) => f.keys),
      log,
    );
  return data;
}

/**
 * The pages show the canary only as verified: the same check as `candor verify`, at the
 * build's clock, pinning the signers that canary.yml (and so the site) names, with the
 * previous attestation for the history checks and the documents the attestation lists.
 * A stale or invalid canary is still published, and shown as such.
 */
async function buildCheck(
  content: CanaryContent,
  attestation: ArchivedDocument<AttestationData>,
  heartbeat: ArchivedDocument<HeartbeatData> | undefined,
  keys: openpgp.Key[],
  log: SiteLog | undefined,
): Promise<VerifyResult> {
  const signers = content.config.signers.keys.map((k) => k.fingerprint);
  const heartbeatKeys = new Set(content.config.heartbeat.keys.map((k) => k.fingerprint));
  // A single-layer canary (canary.yml makes the CI key a signer) is checked as one; the page says "automated".
  const input: VerifyInput = {
    attestation: attestation.signed,
    keys,
    pins: signers,
    automated: signers.filter((f) => heartbeatKeys.has(f)),
    services: [{ url: content.service.url, from: 'service.yml' }],
    crypto: nodeCrypto,
  };
  if (heartbeat) input.heartbeat = heartbeat.signed;
  const previous =
    attestation.data.sequence > 1 ? await archivedFile(archiveName('attestation', attestation.data.sequence - 1)).catch(() => undefined) : undefined;
  if (previous !== undefined) input.previous = previous;
  input.documents = Object.fromEntries(
    await Promise.all(attestation.data.documents.map(async (d) => [d.path, await documentFile(d.path).catch(() => null)] as const)),
  );
  // The proofs the site publishes, as a verifier fetches them: a canary missing from the log shows on the page.
  if (attestation.data.log)
    input.log = { attestationProof: log?.proofs.canary ?? null, ...(heartbeat ? { heartbeatProof: log?.proofs.heartbeat ?? null } : {}), consistency: {} };
  return verifyCanary(input, { now: buildNow(), skewSeconds: 300 });
}

export function siteData(): Promise<SiteData> {
  cached ??= load();
  return cached;
}

export async function archivedFile(name: string): Promise<string> {
  return readFile(path.join(project.archive, name), 'utf8');
}

/** A signed document's bytes: a file under content/, or a report's canonical JSON (derived). */
export async function documentFile(rel: string): Promise<Uint8Array> {
  const json = /^transparency\/(.+)\.json$/.exec(rel);
  if (json) {
    const report = (await reportData()).reports.find((r) => r.id === json[1]);
    if (report) return new TextEncoder().encode(reportToJson(report));
  }
  return new Uint8Array(await readFile(path.join(project.content, rel)));
}

/**
 * The clock of the build: $CANDOR_NOW (as for the CLI) or the system time. Which policy
 * version is current or upcoming is decided with it, once per build.
 */
export function buildNow(): Date {
  return parseNow(process.env['CANDOR_NOW'], new Date());
}

export interface PolicyData {
  now: Date;
  set: PolicySet;
  /** Every policy, by folder name. */
  policies: PolicySummary[];
  /** Pairs (older first) with a pre-rendered compare page, by policy. */
  pairs: Map<string, [PolicyVersion, PolicyVersion][]>;
  /** A word and facts diff between two versions of a policy, computed once per build. */
  compare(from: PolicyVersion, to: PolicyVersion): Comparison;
  /** A changelog entry's diff against the version before it (none for a first version). */
  entryComparison(entry: ChangelogEntry): Comparison | undefined;
  /** A policy by folder name. */
  policy(id: string): PolicySummary | undefined;
}

let policies: Promise<PolicyData> | undefined;

async function loadPolicies(): Promise<PolicyData> {
  const read = await readPolicies(project);
  const set: PolicySet = (await siteOptions()).parts.has('policies') ? read : { ...read, policies: new Map(), problems: [] };
  // A version that cannot be read must not silently vanish from the site: its permalink is public.
  const errors = set.problems.filter((p) => p.level === 'error');
  if (errors.length > 0)
    throw new Error(
      `cannot build the policy pages:\n${errors.map((p) => `  ${p.file}${p.field ? `: ${p.field}` : ''}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n')}`,
    );
  for (const id of RESERVED_POLICY_IDS) {
    if (set.policies.has(id))
      throw new Error(`content/policies/${id}/: "${id}" is a page of the site (/policies/${id}/), not a policy name; rename the folder`);
  }
  const now = buildNow();
  const cache = new Map<string, Comparison>();
  const entries = [...set.policies].filter(([, versions]) => versions.length > 0);
  const data: PolicyData = {
    now,
    set,
    policies: entries.map(([id, versions]) => summarisePolicy(id, versions, now)),
    pairs: new Map(entries.map(([id, versions]) => [id, comparePairs(versions, now)])),
    compare(from, to) {
      const key = `${to.policy}/${from.version}...${to.version}`;
      let c = cache.get(key);
      if (c === undefined) cache.set(key, (c = comparePolicyVersions(from, to)));
      return c;
    },
    entryComparison(entry) {
      const versions = set.policies.get(entry.policy) ?? [];
      const from = versions.find((v) => v.version === entry.previous);
      const to = versions.find((v) => v.version === entry.version);
      return from && to ? data.compare(from, to) : undefined;
    },
    policy(id) {
      return data.policies.find((p) => p.id === id);
    },
  };
  return data;
}

/** getStaticPaths of every page that exists once per policy. */
export async function policyPaths(): Promise<{ params: { policy: string } }[]> {
  const { policies } = await policyData();
  return policies.map((p) => ({ params: { policy: p.id } }));
}

/** getStaticPaths of every file that exists once per policy version (.json, .dpv.jsonld, .txt). */
export async function versionPaths(): Promise<{ params: { policy: string; version: string }; props: { version: PolicyVersion } }[]> {
  const { policies } = await policyData();
  return policies.flatMap((p) => p.versions.map((v) => ({ params: { policy: p.id, version: v.version }, props: { version: v } })));
}

export function policyData(): Promise<PolicyData> {
  policies ??= loadPolicies();
  return policies;
}

export { fingerprintOf };

// ---------------------------------------------------------------------------------
// Transparency pages, keys, feeds and the Web Key Directory. The logic is in the core
// (report/compute.ts, report/svg.ts, feeds.ts, wkd.ts); this only reads and maps.
// ---------------------------------------------------------------------------------
import * as openpgp from 'openpgp';
import { buildFeeds, tagAuthority } from '../core/feeds.ts';
import { wkdEntries, type WkdEntry } from '../core/wkd.ts';
import { groupFingerprint } from '../core/canary/wrap.ts';
import { readArchived } from '../io/archive.ts';
import type { Count, Outcomes, Report } from '../core/report/model.ts';
import type { Total } from '../core/report/output.ts';
import type { ChartValue } from '../core/report/svg.ts';
import { formatNumber } from '../core/report/chart-text.ts';

/** Every attestation ever issued, oldest first, as archived. */
export async function attestationHistory(): Promise<AttestationData[]> {
  const names = (await siteData()).archive.filter((n) => n.startsWith('attestation-'));
  const docs = await Promise.all(names.map((n) => readArchived<AttestationData>(path.join(project.archive, n), project.root)));
  return docs.map((d) => d.data).sort((a, b) => a.sequence - b.sequence);
}

let feedCache: Promise<{ atom: string; rss: string; json: string }> | undefined;

/** The Atom, RSS and JSON feeds, built once per build. */
export function feeds(): Promise<{ atom: string; rss: string; json: string }> {
  feedCache ??= (async () => {
    const [{ content }, policy, { reports }, attestations] = await Promise.all([siteData(), policyData(), reportData(), attestationHistory()]);
    const { options } = await siteData();
    return buildFeeds({
      service: { ...content.service, url: options.address },
      tagAuthority: tagAuthority(content.service.url, content.service.feeds.tagDate),
      policies: policy.set.policies,
      reports,
      attestations,
      now: policy.now,
    });
  })();
  return feedCache;
}

/** The domain whose addresses this site's Web Key Directory answers for: the service URL's host. */
export async function wkdDomain(): Promise<string> {
  return new URL((await siteData()).content.service.url).hostname.toLowerCase();
}

/**
 * The Web Key Directory: one file per address at the service's domain. Keys in keys/
 * are served, and retired keys only once revoked (so that clients learn of the revocation
 * without picking up a key no longer in use).
 */
export async function wkdData(): Promise<{ domain: string; entries: WkdEntry[] }> {
  const domain = await wkdDomain();
  const keys = await Promise.all(
    (await siteData()).keys
      .filter((k) => !k.retired || k.revoked)
      .map(async (k) => ({
        fingerprint: k.fingerprint,
        userIDs: k.userIDs,
        binary: (await openpgp.readKey({ armoredKey: k.armored })).write(),
      })),
  );
  return { domain, entries: await wkdEntries(keys, domain) };
}

export type KeyRole = 'signer' | 'heartbeat' | 'panic';

/** What canary.yml says each key is for (a key may have several roles, or none). */
export function keyRoles(content: SiteContent, fingerprint: string): KeyRole[] {
  const has = (list: { fingerprint: string }[] | undefined) => (list ?? []).some((k) => k.fingerprint === fingerprint);
  return [
    ...(has(content.config?.signers.keys) ? ['signer' as const] : []),
    ...(has(content.config?.heartbeat.keys) ? ['heartbeat' as const] : []),
    ...(has(content.config?.panicKeys) ? ['panic' as const] : []),
  ];
}

export { groupFingerprint };

export const OUTCOME_LABELS: Record<keyof Outcomes, string> = {
  contentDisclosed: 'Content disclosed',
  nonContentDisclosed: 'Non-content disclosed',
  noData: 'No data held',
  rejected: 'Rejected',
  contested: 'Contested',
  narrowed: 'Narrowed',
  withdrawn: 'Withdrawn',
  pending: 'Pending',
};

export const REQUESTER_LABELS: Record<string, string> = {
  'law-enforcement': 'Law enforcement',
  prosecutor: 'Prosecutor',
  court: 'Court',
  intelligence: 'Intelligence service',
  regulator: 'Regulator',
  'civil-litigant': 'Civil litigant',
  other: 'Other',
};

/** A count as published: "12", "0–249 (basis)", "suppressed (fewer than 5)". */
export function formatCount(c: Count): string {
  if (typeof c === 'number') return formatNumber(c);
  if ('band' in c) return `${formatNumber(c.band[0])}–${formatNumber(c.band[1])}`;
  return `suppressed (fewer than ${formatNumber(c.threshold)})`;
}

/**
 * A computed total: exact; "suppressed (fewer than N)" when it is one suppressed count
 * and nothing else; otherwise the range "3–5"; "unknown" when a count could not be read.
 */
export function formatTotal(t: Total): string {
  if ('exact' in t) return formatNumber(t.exact);
  if ('unknown' in t) return 'unknown';
  const only = t.basis.length === 1 ? /\(fewer than (\d+)\)$/.exec(t.basis[0]!) : null;
  if (only && t.lower === 0 && t.upper === Number(only[1]) - 1) return `suppressed (fewer than ${only[1]})`;
  return `${formatNumber(t.lower)}–${formatNumber(t.upper)}`;
}

/** A total as a chart value: exact, a band, or null (not drawn) when unknown. */
export function chartValue(t: Total): ChartValue {
  if ('exact' in t) return t.exact;
  if ('unknown' in t) return null;
  return { lower: t.lower, upper: t.upper };
}

/** Reports newest first, for lists. */
export const newestFirst = (reports: Report[]): Report[] => [...reports].sort((a, b) => b.period.start.localeCompare(a.period.start));

export interface ArchiveEntry {
  name: string;
  kind: 'attestation' | 'heartbeat';
  sequence: number;
  issued: string;
}

let archiveCache: Promise<ArchiveEntry[]> | undefined;

/**
 * Every archived document with its issue date, newest first, for the archive lists. The
 * date is read from the text without checking the signature: these are links to the
 * signed files, not claims about them.
 */
export function archiveEntries(): Promise<ArchiveEntry[]> {
  archiveCache ??= (async () => {
    const entries = await Promise.all(
      (await siteData()).archive.map(async (name) => {
        const { kind, sequence } = parseArchiveName(name)!;
        const issued = /^Issued:\s+(\S+)$/m.exec(await archivedFile(name))?.[1] ?? '';
        return { name, kind, sequence, issued };
      }),
    );
    return entries.sort((a, b) => (a.kind === b.kind ? b.sequence - a.sequence : a.kind === 'attestation' ? -1 : 1));
  })();
  return archiveCache;
}
