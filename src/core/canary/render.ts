/**
 * Renders the human part of a signed canary document from its data. Deterministic:
 * a verifier renders again and compares byte for byte (document.ts).
 */
import { canonicalJson } from '../canonical.ts';
import type { AttestationData, HeartbeatData, KeyRef, LogRef, Signal } from './model.ts';
import { groupFingerprint, wrap } from './wrap.ts';

export const DATA_MARKER = 'MACHINE-READABLE DATA';
const DATA_NOTE = 'The text above is rendered from this data; candor verify checks that both agree.';

function keyLines(keys: KeyRef[]): string[] {
  if (keys.length === 0) return ['  None.'];
  return keys.flatMap((k) => [`  ${k.name}`, `    ${groupFingerprint(k.fingerprint)}`]);
}

function signalLines(signal: Signal): string[] {
  if (signal.kind === 'none') return ['None.'];
  const label = signal.kind === 'duress' ? '!!! DURESS: ' : '!!! FINAL (this canary has ended): ';
  return wrap(signal.message, label, '    ');
}

function section(title: string, body: string[]): string[] {
  return ['', title, ...body];
}

function attestationSections(d: AttestationData): string[] {
  const hb = d.heartbeat;
  return [
    ...section('STATEMENTS', [
      'The people who signed this attestation state, as of the issue date:',
      '',
      ...d.statements.flatMap((s, i) => wrap(`[${s.id}] ${s.text}`, `${String(i + 1).padStart(2)}. `, '    ')),
    ]),
    ...section(
      'CHANGES SINCE THE PREVIOUS ATTESTATION',
      d.changes.length === 0 ? ['None.'] : d.changes.flatMap((c) => wrap(`[${c.statement}] ${c.change}: ${c.explanation}`, '  * ', '    ')),
    ),
    ...section('SIGNAL', signalLines(d.signal)),
    ...section(`SIGNERS (${d.signers.threshold} of ${d.signers.keys.length} must sign)`, keyLines(d.signers.keys)),
    ...section('HEARTBEAT KEYS', [
      ...wrap(
        `A heartbeat signed by one of these keys confirms this attestation every ${hb.intervalHours} hours, with ${hb.graceHours} hours of grace. A heartbeat never outlives this attestation. Proof of freshness required: ${hb.freshnessRequired ? 'yes' : 'no'}.`,
        '',
        '',
      ),
      ...keyLines(hb.keys),
    ]),
    ...section('PANIC KEYS (a signature by one of these means: do not trust this canary)', keyLines(d.panicKeys)),
    ...section(
      'KEY ROTATIONS',
      d.rotations.length === 0
        ? ['None.']
        : d.rotations.flatMap((r) => [
            `  retired:     ${groupFingerprint(r.retired)}`,
            `  replacement: ${groupFingerprint(r.replacement)}`,
            ...wrap(r.reason, '  reason: ', '    '),
          ]),
    ),
    ...section('DOCUMENTS IN FORCE', d.documents.length === 0 ? ['None.'] : d.documents.flatMap((doc) => [`  ${doc.path}`, `    ${doc.sha256}`])),
    ...(d.log ? logSection(d.log) : []),
  ];
}

/** Only when the attestation names a log: one without renders as it always did (decision 0031). */
function logSection(log: LogRef): string[] {
  return section('TRANSPARENCY LOG', [
    ...wrap(
      'Every attestation and heartbeat is appended to this public log. Its checkpoints are signed by the key below; candor verify checks that this canary is in the log and that the log only grows.',
      '',
      '',
    ),
    `  origin: ${log.origin}`,
    `  key:    ${log.key}`,
    ...(log.witnesses ? ['Witness policy (C2SP tlog-policy):', ...log.witnesses.map((l) => `  ${l}`)] : []),
  ]);
}

function header(kind: string, d: AttestationData | HeartbeatData): string[] {
  return [
    `CANDOR WARRANT CANARY: ${kind} ${d.sequence}`,
    ...wrap(`${d.service.name} <${d.service.url}>`, 'Service: ', '  '),
    `Issued:  ${d.issued}`,
    `Expires: ${d.expires}`,
  ];
}

function dataSection(data: unknown): string[] {
  return ['', DATA_MARKER, DATA_NOTE, canonicalJson(data)];
}

export function renderAttestation(d: AttestationData): string {
  return (
    [...header('ATTESTATION', d), `Previous attestation: ${d.previous ?? 'none (this is the first)'}`, ...attestationSections(d), ...dataSection(d)].join(
      '\n',
    ) + '\n'
  );
}

function freshnessLines(freshness: unknown): string[] {
  const f = freshness as { bitcoin?: Record<string, unknown>; headlines?: Record<string, unknown>[] } | null;
  if (f === null || typeof f !== 'object') return ['None.'];
  const lines: string[] = [];
  const b = f.bitcoin;
  if (b && typeof b === 'object') {
    lines.push(
      `Bitcoin block ${String(b['height'])} (${String(b['depth'])} deep when taken), mined ${String(b['time'])}:`,
      `  ${String(b['hash'])}`,
      ...wrap(`agreed by: ${Array.isArray(b['sources']) ? b['sources'].join(', ') : '?'}`, '  ', '    '),
    );
  }
  if (Array.isArray(f.headlines) && f.headlines.length > 0) {
    lines.push(
      'Headlines:',
      ...f.headlines.flatMap((h) => wrap(`${String(h?.['published'])} ${String(h?.['source'])}: ${String(h?.['title'])}`, '  * ', '    ')),
    );
  }
  return lines.length > 0 ? lines : ['None.'];
}

export function renderHeartbeat(d: HeartbeatData): string {
  return (
    [
      ...header('HEARTBEAT', d),
      `Previous heartbeat: ${d.previous ?? 'none (this is the first)'}`,
      `Confirms attestation ${d.attestation.sequence}: ${d.attestation.hash}`,
      '',
      ...wrap(
        'This heartbeat is signed automatically on a schedule. It shows that the publishing system was alive after the block below was mined; it never extends the attestation it confirms.',
        '',
        '',
      ),
      ...section('PROOF OF FRESHNESS', freshnessLines(d.freshness)),
      ...section('SIGNAL', signalLines(d.signal)),
      ...dataSection(d),
    ].join('\n') + '\n'
  );
}
