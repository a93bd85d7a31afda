/** fast-check arbitraries for canary data: valid by the schema and renderable as canonical text. */
import fc from 'fast-check';
import { FORMAT, toInstant, type AttestationData, type KeyRef, type Signal, type Statement, type StatementChange } from '../../src/core/canary/model.ts';
import { findDeceptiveCharacters } from '../../src/core/canonical.ts';

/** Letters, digits and punctuation, plus accents, CJK, emoji and typographic marks. */
const NON_ASCII = [
  'é',
  'ü',
  'ß',
  'ø',
  'ł',
  'ç',
  'ñ',
  'Å',
  'Ж',
  'я',
  'λ',
  'Ω',
  'ع',
  'ש',
  '日',
  '本',
  '語',
  '한',
  '—',
  '–',
  '…',
  '«',
  '»',
  '€',
  '✓',
  '🙂',
  '👩‍💻',
  '\u00a0',
];

const char = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 6 },
  { arbitrary: fc.constantFrom(...NON_ASCII), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 1 },
  { arbitrary: fc.constant(' '), weight: 2 },
);

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F\uFFFD]/;

/**
 * One line of plain text as statements, names and explanations are written: no line
 * breaks or control characters, no leading '-', no surrounding spaces, NFC.
 */
export const plainLine = (maxLength = 120): fc.Arbitrary<string> =>
  fc
    .array(char, { minLength: 1, maxLength })
    .map((chars) => chars.join('').normalize('NFC').trim())
    .filter(
      (s) =>
        s.length > 0 &&
        s.length <= 2000 &&
        !s.startsWith('-') &&
        !CONTROL.test(s) &&
        s === s.trim() &&
        s.normalize('NFC') === s &&
        // Canonical text refuses what reads otherwise than it is signed (decision 0001).
        findDeceptiveCharacters(s).length === 0,
    );

export const statementId = fc.stringMatching(/^[A-Z][A-Z0-9_]{1,31}$/);

export const statements: fc.Arbitrary<Statement[]> = fc.uniqueArray(fc.record({ id: statementId, text: plainLine() }), {
  selector: (s) => s.id,
  minLength: 1,
  maxLength: 8,
});

const fingerprint = fc.stringMatching(/^[0-9A-F]{40}$/);
const keyRef: fc.Arbitrary<KeyRef> = fc.record({ name: plainLine(40), fingerprint });
const hashRef = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`);

/** Whole seconds between 2001 and 2099. */
export const instantSeconds = fc.integer({ min: Date.UTC(2001, 0, 1) / 1000, max: Date.UTC(2099, 0, 1) / 1000 });

const signal: fc.Arbitrary<Signal> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('duress' as const), message: plainLine() }),
  fc.record({ kind: fc.constant('final' as const), message: plainLine() }),
);

const change: fc.Arbitrary<StatementChange> = fc.record({
  statement: statementId,
  change: fc.constantFrom('added', 'removed', 'reworded', 'reordered'),
  explanation: plainLine(),
});

/** Any attestation the schema accepts (not necessarily one that verifies). */
export const attestationData: fc.Arbitrary<AttestationData> = fc
  .record({
    service: fc.record({ name: plainLine(60), url: fc.domain().map((d) => `https://${d}/`) }),
    sequence: fc.integer({ min: 1, max: 1_000_000 }),
    previous: fc.option(hashRef, { nil: null }),
    issued: instantSeconds,
    lifetime: fc.integer({ min: 1, max: 366 * 86_400 }),
    statements,
    changes: fc.array(change, { maxLength: 4 }),
    signerKeys: fc.array(keyRef, { minLength: 1, maxLength: 5 }),
    threshold: fc.integer({ min: 1, max: 5 }),
    panicKeys: fc.array(keyRef, { maxLength: 2 }),
    heartbeat: fc.record({
      keys: fc.array(keyRef, { maxLength: 2 }),
      intervalHours: fc.integer({ min: 1, max: 744 }),
      graceHours: fc.integer({ min: 0, max: 336 }),
      freshnessRequired: fc.boolean(),
      maxBlockAgeHours: fc.integer({ min: 1, max: 240 }),
    }),
    rotations: fc.array(fc.record({ retired: fingerprint, replacement: fingerprint, reason: plainLine() }), { maxLength: 2 }),
    documents: fc.array(fc.record({ path: plainLine(60), sha256: hashRef }), { maxLength: 3 }),
    // The canary log (decision 0031): optional, as most attestations have none.
    log: fc.option(
      fc.record({
        origin: plainLine(60),
        key: fc.stringMatching(/^[a-z0-9./-]{1,40}\+[0-9a-f]{8}\+[A-Za-z0-9+/]{43}=$/),
        witnesses: fc.option(fc.array(plainLine(80), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    signal,
  })
  .map((r): AttestationData => ({
    format: FORMAT,
    kind: 'attestation',
    service: r.service,
    sequence: r.sequence,
    previous: r.previous,
    issued: toInstant(new Date(r.issued * 1000)),
    expires: toInstant(new Date((r.issued + r.lifetime) * 1000)),
    statements: r.statements,
    changes: r.changes,
    signers: { threshold: Math.min(r.threshold, r.signerKeys.length), keys: r.signerKeys },
    panicKeys: r.panicKeys,
    heartbeat: r.heartbeat,
    rotations: r.rotations,
    documents: r.documents,
    ...(r.log ? { log: { origin: r.log.origin, key: r.log.key, ...(r.log.witnesses ? { witnesses: r.log.witnesses } : {}) } } : {}),
    signal: r.signal,
  }));
