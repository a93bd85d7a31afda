/**
 * Reason codes of `candor verify`: stable, one per rule (README "Verdicts and reasons").
 * The verdict is the worst effect among the reasons found.
 */
export const REASONS = {
  // The document itself
  SIGNATURE_MISSING: 'invalid',
  SIGNATURE_BAD: 'invalid',
  SIGNATURE_EXPIRED: 'invalid',
  TEXT_OUTSIDE_SIGNED: 'invalid',
  MULTIPLE_SIGNED_BLOCKS: 'invalid',
  TEXT_NOT_CANONICAL: 'invalid',
  FORMAT_INVALID: 'invalid',
  FORMAT_UNSUPPORTED: 'invalid',
  HUMAN_TEXT_MISMATCH: 'invalid',
  WRONG_KIND: 'invalid',
  TEXT_DECEPTIVE: 'invalid',
  // Keys and signers
  KEY_UNPINNED: 'invalid',
  KEY_EXPIRED: 'invalid',
  KEY_UNUSABLE: 'invalid',
  KEY_USER_ID_REVOKED: 'invalid',
  KEY_REVOKED: 'invalid',
  KEY_NOT_YET_VALID: 'invalid',
  THRESHOLD_NOT_MET: 'invalid',
  HEARTBEAT_KEY_UNAUTHORISED: 'invalid',
  PANIC_KEY_SIGNATURE: 'tripped',
  HEARTBEAT_KEY_AS_SIGNER: 'invalid',
  THRESHOLD_BELOW_MINIMUM: 'invalid',
  // The service
  SERVICE_MISMATCH: 'invalid',
  // Time
  ATTESTATION_EXPIRED: 'stale',
  HEARTBEAT_EXPIRED: 'stale',
  HEARTBEAT_MISSING: 'stale',
  FUTURE_DATED: 'invalid',
  SIGNATURE_TIME_INCONSISTENT: 'invalid',
  LIFETIME_TOO_LONG: 'invalid',
  // History
  STATEMENT_REMOVED: 'tripped',
  STATEMENT_REWORDED: 'tripped',
  STATEMENT_REORDERED: 'tripped',
  SEQUENCE_NOT_INCREASING: 'invalid',
  PREVIOUS_HASH_MISMATCH: 'invalid',
  SIGNER_POLICY_BYPASSED: 'invalid',
  HEARTBEAT_WRONG_ATTESTATION: 'invalid',
  HEARTBEAT_OUTLIVES_ATTESTATION: 'invalid',
  CHAIN_GAP: 'invalid',
  STATE_TRIPPED: 'tripped',
  // Freshness
  FRESHNESS_MISSING: 'invalid',
  FRESHNESS_MALFORMED: 'invalid',
  FRESHNESS_BLOCK_TOO_NEW: 'invalid',
  FRESHNESS_BLOCK_TOO_OLD: 'invalid',
  FRESHNESS_HEADLINE_TOO_NEW: 'invalid',
  FRESHNESS_HEADLINE_TOO_OLD: 'invalid',
  FRESHNESS_BLOCK_UNKNOWN: 'invalid',
  FRESHNESS_BLOCK_MISMATCH: 'invalid',
  FRESHNESS_UNCHECKED: 'note',
  // Signals
  DURESS: 'tripped',
  FINAL: 'tripped',
  // Documents
  DOCUMENT_HASH_MISMATCH: 'invalid',
  DOCUMENT_MISSING: 'invalid',
  DOCUMENT_PATH_INVALID: 'invalid',
  // The canary log (decision 0031, docs/canary.md#checking-the-log)
  LOG_PROOF_MISSING: 'invalid',
  LOG_PROOF_BAD: 'invalid',
  LOG_QUORUM_NOT_MET: 'invalid',
  LOG_ROLLBACK: 'invalid',
  // Two checkpoints of one log that are not consistent: the log showed someone another history.
  LOG_FORK: 'tripped',
  // verify --archive with the log beside it: the log and the archive must tell one history.
  LOG_ENTRY_NOT_ARCHIVED: 'invalid',
  LOG_ENTRY_MISSING: 'invalid',
  LOG_UNCHECKED: 'note',
  // Resources (README "Resource limits")
  LIMIT_EXCEEDED: 'invalid',
  // Warnings: shown first, they do not change the verdict
  THRESHOLD_SINGLE: 'warning',
  THRESHOLD_LOWERED: 'warning',
  // Notes that do not change the verdict
  AUTOMATED_ONLY: 'note',
  STATEMENT_CHANGE_EXPLAINED: 'note',
  SIGNATURE_EXTRA: 'note',
  KEY_EXPIRES_SOON: 'note',
  HISTORY_UNCHECKED: 'note',
  SERVICE_UNCHECKED: 'note',
  TRIP_ACKNOWLEDGED: 'note',
} as const;

export type ReasonCode = keyof typeof REASONS;

/** Reasons that do not decide the verdict: notes and warnings. */
export const isAdvisory = (code: ReasonCode): boolean => REASONS[code] === 'note' || REASONS[code] === 'warning';
export type Verdict = 'alive' | 'tripped' | 'stale' | 'invalid';
/** A warning does not change the verdict either, but is shown first: something a reader must see. */
export type Effect = Verdict | 'note' | 'warning';

export interface Reason {
  code: ReasonCode;
  /** Which document the reason is about. */
  subject: 'attestation' | 'heartbeat' | 'archive' | 'previous' | 'state' | 'log';
  message: string;
}

const SEVERITY: Record<Effect, number> = { note: 0, warning: 0, alive: 0, stale: 1, tripped: 2, invalid: 3 };

/** The verdict is the most severe effect: invalid > tripped > stale > alive. */
export function verdictOf(reasons: Reason[]): Verdict {
  let worst: Verdict = 'alive';
  for (const r of reasons) {
    const effect = REASONS[r.code];
    if (effect !== 'note' && effect !== 'warning' && SEVERITY[effect] > SEVERITY[worst]) worst = effect;
  }
  return worst;
}

/** Exit codes of `candor verify`, one per verdict (README). */
export const VERDICT_EXIT: Record<Verdict, number> = { alive: 0, tripped: 1, stale: 2, invalid: 3 };
