/**
 * Bounds on everything `candor verify` reads (README "Resource limits"): a hostile site
 * or file must end in a clean verdict or exit code, never in a crash, a hang or gigabytes
 * of memory. Shared by the CLI and the site's in-browser check, so both stop at the same
 * place. Each value is far above what a real canary needs (see the README for why).
 */
export const LIMITS = {
  /** canary.txt, heartbeat.txt, a previous attestation: a real one is 5–20 KB. */
  signedFileBytes: 1024 * 1024,
  /** One public key file: a key with many certifications is still under 100 KB. */
  keyFileBytes: 1024 * 1024,
  /** One document the attestation lists (a policy version, a report). */
  documentBytes: 16 * 1024 * 1024,
  /** Everything one run fetches or reads, together. */
  runBytes: 64 * 1024 * 1024,
  /** Documents an attestation may list (policy versions and reports in force). */
  documents: 500,
  /** Keys an attestation may name (signers, heartbeat and panic keys) and a verifier fetches. */
  keys: 64,
  /** Nesting of the machine-readable data: the format itself needs 5. */
  jsonDepth: 32,
  /** Seconds for one request, from sending it to the last byte of the answer. */
  requestSeconds: 10,
  /** Seconds for every request of one run together. */
  runSeconds: 60,
  /** Redirects followed, each on the same host. */
  redirects: 5,
  /** Extra attempts after a network error, a timeout, 5xx or 429. */
  retries: 2,
  /** The state file of --state (it holds one attestation). */
  stateFileBytes: 4 * 1024 * 1024,
  /** A .tlog-proof file or a hash tile of the canary log: a full tile is 8 KB, a proof under 4 KB. */
  logFileBytes: 64 * 1024,
  /**
   * An OpenTimestamps proof or its header bundle (docs/timestamps.md): a proof is under 1 KB
   * shrunk and refused past 32 KB; a bundle of the most headers read (2016) is about 340 KB.
   */
  timestampFileBytes: 512 * 1024,
  /** Tiles one consistency proof may fetch: a proof needs about two per level, a 2^56-leaf log has 7 levels. */
  logTiles: 32,
} as const;

export type FetchKind = 'signed' | 'key' | 'document' | 'log' | 'timestamp';

/** The byte cap of one file of a kind. */
const KIND_LIMITS: Record<FetchKind, number> = {
  signed: LIMITS.signedFileBytes,
  key: LIMITS.keyFileBytes,
  document: LIMITS.documentBytes,
  log: LIMITS.logFileBytes,
  timestamp: LIMITS.timestampFileBytes,
};

export function byteLimit(kind: FetchKind): number {
  return KIND_LIMITS[kind];
}

/** How deeply `json` nests arrays and objects, without parsing it (a parser would recurse). */
export function jsonDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
