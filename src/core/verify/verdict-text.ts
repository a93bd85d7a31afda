/** Text and JSON forms of a verdict, shared by the CLI and the site's in-browser check. The JSON form is a stable interface for monitors. */
import { REASONS } from './reasons.ts';
import type { VerifyResult } from './verify-canary.ts';

export const HEADLINE = {
  alive: 'ALIVE: the canary is authentic and fresh.',
  tripped: 'TRIPPED: the canary signals that something happened. Read the reasons.',
  stale: 'STALE: the canary was not renewed in time.',
  invalid: 'INVALID: the canary cannot be trusted as published.',
} as const;

export function verdictJson(result: VerifyResult): object {
  const a = result.attestation?.data;
  const h = result.heartbeat?.data;
  return {
    verdict: result.verdict,
    trust: result.trust,
    checkedAt: result.checkedAt,
    reasons: result.reasons.map((r) => ({ code: r.code, effect: REASONS[r.code], subject: r.subject, message: r.message })),
    attestation: a && {
      sequence: a.sequence,
      issued: a.issued,
      expires: a.expires,
      hash: result.attestation!.hash,
      statements: a.statements,
      signal: a.signal,
      signers: result.attestation!.signatures.map((s) => ({ fingerprint: s.fingerprint, keyID: s.keyID, created: s.created.toISOString(), status: s.status })),
    },
    heartbeat: h && { sequence: h.sequence, issued: h.issued, expires: h.expires, hash: result.heartbeat!.hash, freshness: h.freshness },
    log: result.log && {
      origin: result.log.origin,
      size: result.log.size,
      root: result.log.root,
      cosignatures: result.log.cosignatures,
      forked: result.reasons.some((r) => r.code === 'LOG_FORK'),
    },
  };
}

export function verdictText(result: VerifyResult, opts: { showText: boolean }): string {
  const lines: string[] = [HEADLINE[result.verdict]];
  // Right under the headline: what a reader must see even when the verdict is alive.
  for (const r of result.reasons) if (REASONS[r.code] === 'warning') lines.push(`WARNING ${r.code} (${r.subject}): ${r.message}`);
  for (const r of result.reasons) if (r.code === 'STATE_TRIPPED') lines.push(`${r.code}: ${r.message}`);
  // A fork is evidence of a split view: as prominent as a trip, whatever else the canary says.
  for (const r of result.reasons) if (r.code === 'LOG_FORK') lines.push(`!!! ${r.code}: ${r.message}`);
  const a = result.attestation;
  if (a) {
    lines.push(
      `Attestation ${a.data.sequence}: issued ${a.data.issued}, expires ${a.data.expires} (${result.trust === 'automated' ? 'AUTOMATED canary: signed by CI only' : 'signed by people'})`,
    );
    for (const s of a.signatures)
      lines.push(`  signature ${s.status === 'good' ? 'ok ' : 'BAD'} ${s.fingerprint ?? s.keyID} (${s.status}, ${s.created.toISOString()})`);
  }
  const h = result.heartbeat;
  if (h) lines.push(`Heartbeat ${h.data.sequence}: issued ${h.data.issued}, expires ${h.data.expires}`);
  const log = result.log;
  if (log) {
    const witnesses = log.cosignatures.map((c) => `${c.witness} at ${new Date(c.timestamp * 1000).toISOString().replace('.000', '')}`);
    lines.push(
      `Log ${log.origin}: ${log.size} entries, root ${log.root}${witnesses.length ? `, cosigned by ${witnesses.join(', ')}` : ', no witness cosignature'}`,
    );
  }
  const problems = result.reasons.filter((r) => REASONS[r.code] !== 'note' && REASONS[r.code] !== 'warning');
  const notes = result.reasons.filter((r) => REASONS[r.code] === 'note');
  if (problems.length) lines.push('Reasons:', ...problems.map((r) => `  ${r.code} (${r.subject}): ${r.message}`));
  if (notes.length) lines.push('Notes:', ...notes.map((r) => `  ${r.code} (${r.subject}): ${r.message}`));
  if (opts.showText && a) lines.push('', '--- signed text of the attestation (only this part is authenticated) ---', a.text.trimEnd());
  return lines.join('\n');
}
