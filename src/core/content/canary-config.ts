/**
 * Schemas of content/service.yml, content/canary/canary.yml and
 * content/canary/statements.yml. Each field is documented where it is declared.
 */
import { z } from 'zod';
import { describeDeceptive, findDeceptiveCharacters } from '../canonical.ts';
import { ContentError } from '../errors.ts';
import { fingerprint, keyRef, statement } from '../canary/model.ts';
import { parseYaml, validate } from './yaml.ts';

export const serviceConfig = z.strictObject({
  /** The service's public name, as readers know it. */
  name: z.string().min(1),
  /** The address of the published site; the canary names it. */
  url: z.url({ protocol: /^https?$/ }),
  /** One or two sentences for the home page: who runs the service and what it is. */
  description: z.string().min(1).optional(),
  policies: z.strictObject({
    /** Days between publishing a material policy change and its effective date. */
    noticePeriodDays: z.int().min(0).max(365).default(30),
  }).default({ noticePeriodDays: 30 }),
  feeds: z.strictObject({
    /**
     * The date in every feed entry id (tag:<host>,<date>:…). Set once, never changed:
     * readers know entries by id, and a new date shows every entry again as new.
     */
    tagDate: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date like 2024 or 2024-05 or 2024-05-01').default('2024'),
  }).default({ tagDate: '2024' }),
  /** /.well-known/security.txt (RFC 9116); none is published without it. */
  security: z.strictObject({
    /** How to report a vulnerability: mailto:, https: or tel: URIs, most preferred first. */
    contact: z.array(z.string().regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+|tel:\+?[\d-]+)$/, 'a mailto:, https: or tel: URI')).min(1),
    /** Days from the build to the file's Expires field: under a year, as RFC 9116 asks. */
    expiresDays: z.int().min(1).max(364).default(180),
    /** Keys to encrypt reports to (https: or openpgp4fpr: URIs). */
    encryption: z.array(z.string().regex(/^(https:\/\/\S+|openpgp4fpr:[0-9A-Fa-f]{40}|dns:\S+)$/, 'an https:, openpgp4fpr: or dns: URI')).default([]),
    /** The vulnerability disclosure policy. */
    policy: z.url({ protocol: /^https$/ }).optional(),
    acknowledgments: z.url({ protocol: /^https$/ }).optional(),
    preferredLanguages: z.array(z.string().regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'a language tag like en or pt-BR')).default(['en']),
  }).optional(),
});
export type ServiceConfig = z.infer<typeof serviceConfig>;

const explorer = z.strictObject({
  /** A name shown in the proof, e.g. mempool.space. */
  name: z.string().min(1),
  /** The API dialect: esplora (mempool.space, blockstream.info) or blockchain-info. */
  kind: z.enum(['esplora', 'blockchain-info']),
  /** The API base URL. */
  url: z.url({ protocol: /^https?$/ }),
});

export const canaryConfig = z.strictObject({
  signers: z.strictObject({
    /** How many of the keys below must sign each attestation (k of n). */
    threshold: z.int().min(1),
    /** The people who sign attestations; their public keys live in keys/. */
    keys: z.array(keyRef).min(1),
  }),
  heartbeat: z.strictObject({
    /** The CI key(s) allowed to sign heartbeats. */
    keys: z.array(keyRef).min(1),
    /** Hours between scheduled heartbeats. */
    intervalHours: z.int().min(1).max(24 * 31).default(24),
    /** Extra hours a heartbeat stays valid, so a late scheduled run is not a dead canary. */
    graceHours: z.int().min(0).max(24 * 14).default(24),
  }),
  cadence: z.strictObject({
    /** Days an attestation is valid when prepared (its expiry). */
    attestationLifetimeDays: z.int().min(1).default(60),
    /** The most days an attestation may be valid; compose and verify refuse longer. */
    maxAttestationLifetimeDays: z.int().min(1).max(366).default(90),
    /** Warn this many days before an attestation, heartbeat or key expires. */
    warnDays: z.int().min(1).default(14),
  }).default({ attestationLifetimeDays: 60, maxAttestationLifetimeDays: 90, warnDays: 14 }),
  freshness: z.strictObject({
    /** Refuse to issue a heartbeat without a Bitcoin block proof. */
    required: z.boolean().default(true),
    bitcoin: z.strictObject({
      /** Blocks below the tip, so that a reorganisation cannot undo the proof. */
      depth: z.int().min(1).max(100).default(6),
      /** How many independent explorers must agree on the block. */
      minSources: z.int().min(2).default(2),
      /** A block older than this (relative to the heartbeat's issue time) is refused. */
      maxBlockAgeHours: z.int().min(1).default(24),
      sources: z.array(explorer).min(2),
    }),
    headlines: z.strictObject({
      feeds: z.array(z.strictObject({ name: z.string().min(1), url: z.url({ protocol: /^https?$/ }) })).min(1),
      perFeed: z.int().min(1).max(10).default(3),
      maxAgeHours: z.int().min(1).default(48),
    }).optional(),
  }),
  /** Keys whose signature means "under duress": verifiers show the canary as tripped. */
  panicKeys: z.array(keyRef).default([]),
  /** Announced key rotations: the replacement is certified by the retired key (candor keys rotate). */
  rotations: z.array(z.strictObject({ retired: fingerprint, replacement: fingerprint, reason: z.string().min(1) })).default([]),
  /** Files under content/ whose SHA-256 the attestation lists (policies, reports). */
  documents: z.array(z.string().min(1)).default([]),
}).superRefine((c, ctx) => {
  if (c.signers.threshold > c.signers.keys.length) {
    ctx.addIssue({ code: 'custom', path: ['signers', 'threshold'], message: `at most the number of signer keys (${c.signers.keys.length})` });
  }
  if (c.cadence.attestationLifetimeDays > c.cadence.maxAttestationLifetimeDays) {
    ctx.addIssue({ code: 'custom', path: ['cadence', 'attestationLifetimeDays'], message: `at most maxAttestationLifetimeDays (${c.cadence.maxAttestationLifetimeDays})` });
  }
});
export type CanaryConfig = z.infer<typeof canaryConfig>;

export const statementsFile = z.strictObject({ statements: z.array(statement).min(1) });

export function parseServiceConfig(text: string, file: string): ServiceConfig {
  return validate(serviceConfig, parseYaml(text, file), file);
}

export function parseCanaryConfig(text: string, file: string): CanaryConfig {
  return validate(canaryConfig, parseYaml(text, file), file);
}

export function parseStatements(text: string, file: string): z.infer<typeof statement>[] {
  const { statements } = validate(statementsFile, parseYaml(text, file), file,
    'Each statement needs an id (e.g. WAR, GAG, SUBP) and one line of text.');
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
