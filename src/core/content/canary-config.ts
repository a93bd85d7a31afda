/**
 * Schemas of content/service.yml, content/canary/canary.yml and
 * content/canary/statements.yml. Each field is documented where it is declared.
 */
import { z } from 'zod';
import { describeDeceptive, findDeceptiveCharacters } from '../canonical.ts';
import { see } from '../docs-links.ts';
import { ContentError } from '../errors.ts';
import { fingerprint, keyRef, statement } from '../canary/model.ts';
import { day } from '../policy/model.ts';
import { ED25519, parseVerifierKey } from '../tlog/note.ts';
import { parsePolicy } from '../tlog/policy.ts';
import { parseYaml, validate } from './yaml.ts';
import { branding, partsList, sitePath } from './site-options.ts';
import type { ContrastProblem } from './contrast.ts';

const serviceFields = z.strictObject({
  /** The service's public name, as readers know it. */
  name: z.string().min(1).describe('the service\'s public name, e.g. Lumen Mail'),
  /** The address of the published site; the canary names it. */
  url: z.url({ protocol: /^https?$/ }).describe('the site\'s address, http: or https:, e.g. https://mail.example.org'),
  /** One or two sentences for the home page: who runs the service and what it is. */
  description: z.string().min(1).describe('one or two sentences for the home page').optional(),
  policies: z.strictObject({
    /** Days between publishing a material policy change and its effective date. */
    noticePeriodDays: z.int().min(0).max(365).describe('days of notice for a material change, 0 to 365, e.g. 30').default(30),
  }).describe('{ noticePeriodDays }').default({ noticePeriodDays: 30 }),
  transparency: z.strictObject({
    /** Before the first report: the day it is promised, shown on the transparency page (decision 0022). */
    firstReportDue: day.describe('the day the first report is promised, YYYY-MM-DD, in quotes: "2027-01-31"').optional(),
  }).describe('{ firstReportDue? }').optional(),
  feeds: z.strictObject({
    /**
     * The date in every feed entry id (tag:<host>,<date>:…). Set once, never changed:
     * readers know entries by id, and a new date shows every entry again as new.
     */
    tagDate: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/).describe('a date like 2024, 2024-05 or 2024-05-01, in quotes: "2024"').default('2024'),
  }).describe('{ tagDate }').default({ tagDate: '2024' }),
  /** /.well-known/security.txt (RFC 9116); none is published without it. */
  security: z.strictObject({
    /** How to report a vulnerability: mailto:, https: or tel: URIs, most preferred first. */
    contact: z.array(z.string().regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+|tel:\+?[\d-]+)$/).describe('a mailto:, https: or tel: URI, e.g. mailto:security@example.org'))
      .min(1).describe('a list of contact URIs, e.g. [mailto:security@example.org]'),
    /** Days from the build to the file's Expires field: under a year, as RFC 9116 asks. */
    expiresDays: z.int().min(1).max(364).describe('days from the build to Expires, 1 to 364, e.g. 180').default(180),
    /** Keys to encrypt reports to (https: or openpgp4fpr: URIs). */
    encryption: z.array(z.string().regex(/^(https:\/\/\S+|openpgp4fpr:[0-9A-Fa-f]{40}|dns:\S+)$/).describe('an https:, openpgp4fpr: or dns: URI, e.g. https://example.org/security.asc'))
      .describe('a list of key URIs').default([]),
    /** The vulnerability disclosure policy. */
    policy: z.url({ protocol: /^https$/ }).describe('an https: URL, e.g. https://example.org/security-policy').optional(),
    acknowledgments: z.url({ protocol: /^https$/ }).describe('an https: URL, e.g. https://example.org/thanks').optional(),
    preferredLanguages: z.array(z.string().regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/).describe('a language tag like en or pt-BR')).describe('a list of language tags, e.g. [en, de]').default(['en']),
  }).describe('{ contact, expiresDays?, encryption?, policy?, acknowledgments?, preferredLanguages? }').optional(),
  /** The path the site is served under (a GitHub Pages project site: /<repository>/); the path of `url` by default. */
  base: sitePath.optional(),
  /** The parts published; without it, those whose content exists (decision 0022). */
  parts: partsList.optional(),
  /** Name, logo, colours, footer links, style sheet and component overrides (decision 0023). */
  branding: branding.optional(),
});

/** Measures the branding colours (./contrast.ts): given only by what checks or renders the site. */
export type ContrastCheck = (colors: { accent?: string | undefined; background?: string | undefined } | undefined) => ContrastProblem[];

/** service.yml's schema; with `contrast`, colours below WCAG AA are refused with their measured ratio. */
function serviceSchema(contrast?: ContrastCheck) {
  return serviceFields.superRefine((s, ctx) => {
    const urlPath = URL.parse(s.url)?.pathname ?? '/';
    if (s.base !== undefined && urlPath !== '/' && urlPath.replace(/\/?$/, '/') !== s.base) {
      ctx.addIssue({ code: 'custom', path: ['base'], message: `the path of url (${urlPath}), or leave url at the host and give the path here`, params: { summary: 'differs from the path of url', specific: true } });
    }
    if (s.parts && new Set(s.parts).size !== s.parts.length) {
      ctx.addIssue({ code: 'custom', path: ['parts'], message: 'each part once', params: { summary: 'a part listed twice', specific: true } });
    }
    for (const p of contrast?.(s.branding?.colors) ?? []) {
      ctx.addIssue({ code: 'custom', path: ['branding', ...p.field.split('.')], message: `a colour with a contrast of at least 4.5:1: ${p.message}`, params: { summary: 'too little contrast (WCAG AA)', specific: true } });
    }
  });
}
export const serviceConfig = serviceSchema();
export type ServiceConfig = z.infer<typeof serviceConfig>;

const explorer = z.strictObject({
  /** A name shown in the proof, e.g. mempool.space. */
  name: z.string().min(1).describe('a name shown in the proof, e.g. mempool.space'),
  /** The API dialect: esplora (mempool.space, blockstream.info) or blockchain-info. */
  kind: z.enum(['esplora', 'blockchain-info']).describe('the explorer\'s API'),
  /** The API base URL. */
  url: z.url({ protocol: /^https?$/ }).describe('the API\'s base URL, e.g. https://mempool.space/api'),
}).describe('{ name, kind, url }');

export const canaryConfig = z.strictObject({
  signers: z.strictObject({
    /** How many of the keys below must sign each attestation (k of n). */
    threshold: z.int().min(1).describe('how many signers must sign, a whole number from 1, e.g. 2'),
    /** The people who sign attestations; their public keys live in keys/. */
    keys: z.array(keyRef).min(1).describe('a list of { name, fingerprint }'),
  }).describe('{ threshold, keys }'),
  heartbeat: z.strictObject({
    /** The CI key(s) allowed to sign heartbeats. */
    keys: z.array(keyRef).min(1).describe('a list of { name, fingerprint } of the CI key(s)'),
    /** Hours between scheduled heartbeats. */
    intervalHours: z.int().min(1).max(24 * 31).describe('hours between heartbeats, 1 to 744, e.g. 24').default(24),
    /** Extra hours a heartbeat stays valid, so a late scheduled run is not a dead canary. */
    graceHours: z.int().min(0).max(24 * 14).describe('extra hours a heartbeat stays valid, 0 to 336, e.g. 24').default(24),
  }).describe('{ keys, intervalHours?, graceHours? }'),
  cadence: z.strictObject({
    /** Days an attestation is valid when prepared (its expiry). */
    attestationLifetimeDays: z.int().min(1).describe('days an attestation is valid, e.g. 60').default(60),
    /** The most days an attestation may be valid; compose and verify refuse longer. */
    maxAttestationLifetimeDays: z.int().min(1).max(366).describe('the most days an attestation may be valid, 1 to 366, e.g. 90').default(90),
    /** Warn this many days before an attestation, heartbeat or key expires. */
    warnDays: z.int().min(1).describe('days of warning before something expires, e.g. 14').default(14),
  }).describe('{ attestationLifetimeDays?, maxAttestationLifetimeDays?, warnDays? }').default({ attestationLifetimeDays: 60, maxAttestationLifetimeDays: 90, warnDays: 14 }),
  freshness: z.strictObject({
    /** Refuse to issue a heartbeat without a Bitcoin block proof. */
    required: z.boolean().describe('true or false').default(true),
    bitcoin: z.strictObject({
      /** Blocks below the tip, so that a reorganisation cannot undo the proof. */
      depth: z.int().min(1).max(100).describe('blocks below the tip, 1 to 100, e.g. 6').default(6),
      /** How many independent explorers must agree on the block. */
      minSources: z.int().min(2).describe('how many explorers must agree, 2 or more').default(2),
      /** A block older than this (relative to the heartbeat's issue time) is refused. */
      maxBlockAgeHours: z.int().min(1).describe('the oldest block accepted, in hours, e.g. 24').default(24),
      sources: z.array(explorer).min(2).describe('a list of explorers { name, kind, url }'),
    }).describe('{ depth?, minSources?, maxBlockAgeHours?, sources }'),
    headlines: z.strictObject({
      feeds: z.array(z.strictObject({
        name: z.string().min(1).describe('the feed\'s name, e.g. Example News'),
        url: z.url({ protocol: /^https?$/ }).describe('the RSS or Atom feed\'s URL, e.g. https://news.example/rss'),
      }).describe('{ name, url }')).min(1).describe('a list of feeds { name, url }'),
      perFeed: z.int().min(1).max(10).describe('headlines per feed, 1 to 10, e.g. 3').default(3),
      maxAgeHours: z.int().min(1).describe('the oldest headline accepted, in hours, e.g. 48').default(48),
    }).describe('{ feeds, perFeed?, maxAgeHours? }').optional(),
  }).describe('{ required?, bitcoin, headlines? }'),
  /** Keys whose signature means "under duress": verifiers show the canary as tripped. */
  panicKeys: z.array(keyRef).describe('a list of { name, fingerprint }').default([]),
  /** Announced key rotations: the replacement is certified by the retired key (candor keys rotate). */
  rotations: z.array(z.strictObject({
    retired: fingerprint, replacement: fingerprint,
    reason: z.string().min(1).describe('why the key was replaced, e.g. "yearly rotation"'),
  }).describe('{ retired, replacement, reason }')).describe('a list of { retired, replacement, reason }').default([]),
  /**
   * OpenTimestamps proofs of each published document (docs/timestamps.md): when present,
   * the publish job stamps new documents and upgrades pending proofs.
   */
  timestamps: z.strictObject({
    calendars: z.array(z.url({ protocol: /^https?$/ }).describe('a calendar URL, e.g. https://a.pool.opentimestamps.org')).min(1)
      .describe('a list of calendar URLs (default: the reference client\'s four)').optional(),
    minCalendars: z.int().min(1).describe('calendars that must take each stamp, e.g. 2').default(2),
    heartbeats: z.boolean().describe('true to stamp heartbeats too, not only attestations').default(false),
  }).describe('{ calendars?, minCalendars?, heartbeats? }').optional(),
  /** Files under content/ whose SHA-256 the attestation lists (policies, reports). */
  documents: z.array(z.string().min(1).describe('a path under content/, e.g. service.yml')).describe('a list of paths under content/').default([]),
  /**
   * The canary's transparency log (decision 0031): the log key's verifier key (its private
   * key is the publish workflow's CANDOR_LOG_KEY secret), and optionally the witness policy.
   */
  log: z.strictObject({
    key: z.string().describe('the log\'s verifier key, as candor keys log prints it: <origin>+<8 hex digits>+<base64>'),
    witnesses: z.string().min(1).describe('a C2SP tlog-policy: witness, group and quorum lines').optional(),
  }).describe('{ key, witnesses? }').optional(),
}).superRefine((c, ctx) => {
  if (c.log) {
    const key = parseVerifierKey(c.log.key.trim());
    if (typeof key === 'string' || key.type !== ED25519) {
      ctx.addIssue({ code: 'custom', path: ['log', 'key'], message: 'an Ed25519 signed-note verifier key, <origin>+<8 hex digits>+<base64>, as candor keys log prints it', params: { summary: typeof key === 'string' ? `not a log verifier key (${key})` : 'not an Ed25519 (type 1) key', specific: true } });
    }
    const policy = c.log.witnesses === undefined ? undefined : parsePolicy(c.log.witnesses);
    if (Array.isArray(policy)) {
      ctx.addIssue({ code: 'custom', path: ['log', 'witnesses'], message: `a C2SP tlog-policy (witness, group and quorum lines): ${policy.map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message)).join('; ')}`, params: { summary: 'not a witness policy', specific: true } });
    } else if (policy && policy.logs.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['log', 'witnesses'], message: 'only witness, group and quorum lines: the log is log.key', params: { summary: 'names a log', specific: true } });
    }
  }
  if (c.signers.threshold > c.signers.keys.length) {
    ctx.addIssue({ code: 'custom', path: ['signers', 'threshold'], message: `at most the number of signer keys (${c.signers.keys.length})`, params: { summary: 'more than there are signers', specific: true } });
  }
  if (c.cadence.attestationLifetimeDays > c.cadence.maxAttestationLifetimeDays) {
    ctx.addIssue({ code: 'custom', path: ['cadence', 'attestationLifetimeDays'], message: `at most maxAttestationLifetimeDays (${c.cadence.maxAttestationLifetimeDays})`, params: { summary: 'longer than the most allowed', specific: true } });
  }
});
export type CanaryConfig = z.infer<typeof canaryConfig>;

export const statementsFile = z.strictObject({ statements: z.array(statement).min(1).describe('a list of { id, text }') });

/**
 * service.yml, validated. The colours' contrast is measured only when `contrast` is given
 * (check, build, dev: src/io/site-options.ts), so that the other commands never load
 * colorjs.io; they do not use the colours.
 */
export function parseServiceConfig(text: string, file: string, opts: { contrast?: ContrastCheck } = {}): ServiceConfig {
  return validate(opts.contrast ? serviceSchema(opts.contrast) : serviceConfig, parseYaml(text, file), file, { hint: see('service'), source: text });
}

export function parseCanaryConfig(text: string, file: string): CanaryConfig {
  return validate(canaryConfig, parseYaml(text, file), file, { hint: see('canary'), source: text });
}

export function parseStatements(text: string, file: string): z.infer<typeof statement>[] {
  const { statements } = validate(statementsFile, parseYaml(text, file), file,
    { hint: see('statements', 'Each statement needs an id (e.g. WAR, GAG, SUBP) and one line of text.'), source: text });
  const seen = new Set<string>();
  statements.forEach((s, i) => {
    if (seen.has(s.id)) {
      throw new ContentError('DUPLICATE_ID', 'duplicate statement ID', {
        file, field: `statements[${i}].id`, expected: 'an ID used once', received: s.id,
        hint: 'Statement IDs are permanent: give the new statement its own ID.',
      });
    }
    seen.add(s.id);
    const deceptive = findDeceptiveCharacters(s.text);
    if (deceptive.length > 0) {
      throw new ContentError('SCHEMA_INVALID', `statement ${s.id} reads otherwise than it is signed`, {
        file, field: `statements[${i}].text`, expected: 'plain text without bidirectional controls, invisible characters or look-alike letters',
        received: describeDeceptive(deceptive).replace(/^line 1, /, ''),
        hint: 'Retype the statement in plain characters: verifiers refuse such a canary (TEXT_DECEPTIVE). See docs/decisions/0001-canonical-text.md.',
      });
    }
  });
  return statements;
}
