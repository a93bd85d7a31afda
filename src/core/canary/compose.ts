/**
 * Composes attestations and heartbeats from validated content. Pure: the clock,
 * the previous documents and the freshness proof are parameters.
 */
import { describeDeceptive, findDeceptiveCharacters } from '../canonical.ts';
import { ContentError, UsageError } from '../errors.ts';
import { documentPathProblem } from '../verify/documents.ts';
import type { CanaryConfig, ServiceConfig } from '../content/canary-config.ts';
import { logOrigin } from '../tlog/log.ts';
import { FORMAT, toInstant, type LogRef, type AttestationData, type HeartbeatData, type Signal, type Statement, type StatementChange } from './model.ts';
import { renderAttestation, renderHeartbeat } from './render.ts';
import { diffStatements } from './statement-diff.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface Previous<T> {
  data: T;
  /** documentHash() of its signed text. */
  hash: string;
}

export interface AttestationInput {
  service: Pick<ServiceConfig, 'name' | 'url'>;
  config: CanaryConfig;
  statements: Statement[];
  documents: { path: string; sha256: string }[];
  previous?: Previous<AttestationData>;
  /** Why each removed, reworded or reordered statement changed, by statement ID. */
  explanations?: Record<string, string>;
  signal?: Signal;
  lifetimeDays?: number;
}

function refuse(field: string, summary: string, expected: string, received: unknown, hint: string, file = 'content/canary/canary.yml'): never {
  throw new ContentError('COMPOSE_REFUSED', summary, { file, field, expected, received, hint });
}

function statementChanges(input: AttestationInput): StatementChange[] {
  if (!input.previous) return [];
  const explanations = input.explanations ?? {};
  return diffStatements(input.previous.data.statements, input.statements).map((d) => {
    const explanation = explanations[d.statement] ?? (d.change === 'added' ? 'New statement.' : undefined);
    if (!explanation) {
      refuse(
        `statements.${d.statement}`,
        `statement ${d.statement} was ${d.change} without an explanation`,
        'a signed explanation of the change',
        d.change,
        `Pass --explain ${d.statement}="why it changed"; verifiers treat an unexplained change as a tripped canary.`,
        'content/canary/statements.yml',
      );
    }
    return { statement: d.statement, change: d.change, explanation };
  });
}

/**
 * Text a reader would read otherwise than it is signed (decision 0001): refused here, with
 * the statement or field named, before verifiers refuse the whole attestation.
 */
function refuseDeceptive(input: AttestationInput): void {
  const fields: [string, string, string][] = [
    ...input.statements.map((s): [string, string, string] => [`statements.${s.id}`, s.text, 'content/canary/statements.yml']),
    ...Object.entries(input.explanations ?? {}).map(([id, text]): [string, string, string] => [`--explain ${id}`, text, 'the command line']),
    ...(input.signal && input.signal.kind !== 'none' ? [[`--${input.signal.kind}`, input.signal.message, 'the command line'] as [string, string, string]] : []),
    ['name', input.service.name, 'content/service.yml'],
    ...input.config.signers.keys.map((k, i): [string, string, string] => [`signers.keys[${i}].name`, k.name, 'content/canary/canary.yml']),
  ];
  for (const [field, text, file] of fields) {
    const found = findDeceptiveCharacters(text);
    if (found.length > 0) {
      refuse(
        field,
        'text that reads otherwise than it is signed',
        'plain text without bidirectional controls, invisible characters or look-alike letters',
        describeDeceptive(found).replace(/^line 1, /, ''),
        'Retype the text in plain characters; verifiers refuse the whole attestation (TEXT_DECEPTIVE).',
        file,
      );
    }
  }
  for (const doc of input.documents) {
    const problem = documentPathProblem(doc.path);
    if (problem)
      refuse(
        'documents',
        'a document path verifiers cannot fetch',
        'a path under content/ of plain names (letters, digits, ".", "_", "-")',
        doc.path,
        `Rename the file: ${problem}.`,
      );
  }
}

/** The witness policy's lines as signed: no comments or blank lines, single spaces. */
export function policyLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) =>
      l
        .trim()
        .split(/[ \t]+/)
        .join(' '),
    )
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** What the attestation says of the log: its origin (from the service URL), key and witness policy. */
function logRefOf(log: NonNullable<CanaryConfig['log']>, serviceUrl: string): LogRef {
  const origin = logOrigin(serviceUrl);
  const key = log.key.trim();
  const name = key.slice(0, key.indexOf('+'));
  if (name !== origin)
    refuse(
      'log.key',
      'the log key is named for another origin',
      `a key named ${origin} (the service URL's host and path, and /canary/log)`,
      name,
      `Make a log key for this origin: candor keys log --origin ${origin} --out FILE (docs/canary.md#the-canary-log).`,
    );
  const witnesses = log.witnesses === undefined ? [] : policyLines(log.witnesses);
  return { origin, key, ...(witnesses.length > 0 ? { witnesses } : {}) };
}

export function composeAttestation(input: AttestationInput, clock: { now: Date }): { data: AttestationData; text: string } {
  const { config, previous } = input;
  refuseDeceptive(input);
  const lifetime = input.lifetimeDays ?? config.cadence.attestationLifetimeDays;
  if (lifetime > config.cadence.maxAttestationLifetimeDays && input.lifetimeDays !== undefined) {
    throw new UsageError('USAGE', 'attestation lifetime too long', {
      field: '--lifetime-days',
      expected: `at most ${config.cadence.maxAttestationLifetimeDays} days`,
      received: lifetime,
      hint: 'The most is cadence.maxAttestationLifetimeDays in content/canary/canary.yml (docs/content.md#canary-configuration).',
    });
  }
  if (lifetime > config.cadence.maxAttestationLifetimeDays) {
    refuse(
      'cadence.attestationLifetimeDays',
      'attestation lifetime too long',
      `at most ${config.cadence.maxAttestationLifetimeDays} days`,
      lifetime,
      'Shorten --lifetime-days.',
    );
  }
  if (previous && previous.data.signal.kind === 'final') {
    refuse(
      'signal',
      'the previous attestation ended this canary',
      'no attestation after a final one',
      'final',
      'A final attestation cannot be followed; start a new canary with new keys.',
    );
  }
  const issued = new Date(Math.floor(clock.now.getTime() / 1000) * 1000);
  const data: AttestationData = {
    format: FORMAT,
    kind: 'attestation',
    service: { name: input.service.name, url: input.service.url },
    sequence: previous ? previous.data.sequence + 1 : 1,
    previous: previous ? previous.hash : null,
    issued: toInstant(issued),
    expires: toInstant(new Date(issued.getTime() + lifetime * DAY)),
    statements: input.statements,
    changes: statementChanges(input),
    signers: config.signers,
    panicKeys: config.panicKeys,
    heartbeat: {
      keys: config.heartbeat.keys,
      intervalHours: config.heartbeat.intervalHours,
      graceHours: config.heartbeat.graceHours,
      freshnessRequired: config.freshness.required,
      maxBlockAgeHours: config.freshness.bitcoin.maxBlockAgeHours,
    },
    rotations: config.rotations,
    documents: input.documents,
    ...(config.log ? { log: logRefOf(config.log, input.service.url) } : {}),
    signal: input.signal ?? { kind: 'none' },
  };
  return { data, text: renderAttestation(data) };
}

export interface HeartbeatInput {
  attestation: Previous<AttestationData>;
  previous?: Previous<HeartbeatData>;
  freshness: { bitcoin?: unknown; headlines?: unknown[] };
  signal?: Signal;
}

export function composeHeartbeat(input: HeartbeatInput, clock: { now: Date }): { data: HeartbeatData; text: string } {
  const att = input.attestation.data;
  const issued = new Date(Math.floor(clock.now.getTime() / 1000) * 1000);
  const attExpires = Date.parse(att.expires);
  if (issued.getTime() >= attExpires) {
    refuse(
      'expires',
      'the attestation has expired',
      `a heartbeat before ${att.expires}`,
      toInstant(issued),
      'The signers must issue a new attestation (candor canary attest) first.',
    );
  }
  if (att.heartbeat.freshnessRequired && !input.freshness.bitcoin) {
    refuse('freshness.required', 'no proof of freshness', 'a Bitcoin block proof', 'none', 'Check that the explorers in canary.yml are reachable.');
  }
  const previous = input.previous;
  const sequence = previous ? previous.data.sequence + 1 : 1;
  const span = (att.heartbeat.intervalHours + att.heartbeat.graceHours) * HOUR;
  const data: HeartbeatData = {
    format: FORMAT,
    kind: 'heartbeat',
    service: att.service,
    sequence,
    previous: previous ? previous.hash : null,
    attestation: { sequence: att.sequence, hash: input.attestation.hash },
    issued: toInstant(issued),
    // A heartbeat can never extend its attestation.
    expires: toInstant(new Date(Math.min(issued.getTime() + span, attExpires))),
    freshness: Object.fromEntries(Object.entries(input.freshness).filter(([, v]) => v !== undefined)),
    signal: input.signal ?? { kind: 'none' },
  };
  return { data, text: renderHeartbeat(data) };
}
