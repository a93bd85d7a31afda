/**
 * /canary.json: the current canary as data, for monitors and scripts that do not parse
 * OpenPGP. It is a convenience copy, unsigned: only canary.txt and heartbeat.txt are
 * authenticated, and the hashes here name exactly those files' signed texts.
 */
import { underBase } from './base-path.ts';
import { canonicalJson } from '../canonical.ts';
import type { AttestationData, HeartbeatData } from '../canary/model.ts';
import { trustOf } from '../verify/verify-canary.ts';

export const CANARY_STATUS_FORMAT = 'candor-canary-status/1';

interface Signed<T> {
  data: T;
  hash: string;
}

export function canaryStatusJson(input: {
  service: { name: string; url: string };
  built: string;
  attestation?: Signed<AttestationData>;
  heartbeat?: Signed<HeartbeatData>;
  /** The build-time check (the same as `candor verify`): its verdict and reason codes. */
  check?: { verdict: string; reasons: { code: string }[] };
  /** The path the site is served under (service.yml `base`); / by default. */
  base?: string;
}): string {
  const { attestation: a, heartbeat: h } = input;
  const built = Date.parse(input.built);
  const expiredAtBuild = (t: string) => Date.parse(t) <= built;
  return `${canonicalJson({
    format: CANARY_STATUS_FORMAT,
    note: 'Unsigned convenience copy. Verify /canary.txt and /heartbeat.txt (e.g. candor verify <site> --keys <fingerprints>); only their signed text counts.',
    service: input.service,
    built: input.built,
    checkedAtBuild: input.check ? { verdict: input.check.verdict, reasons: input.check.reasons.map((r) => r.code) } : null,
    trust: a ? trustOf(a.data) : null,
    attestation: a
      ? {
          url: underBase(input.base ?? '/', '/canary.txt'),
          hash: a.hash,
          sequence: a.data.sequence,
          issued: a.data.issued,
          expires: a.data.expires,
          expiredAtBuild: expiredAtBuild(a.data.expires),
          signal: a.data.signal,
          statements: a.data.statements,
          signers: a.data.signers,
          heartbeatKeys: a.data.heartbeat.keys,
          documents: a.data.documents,
        }
      : null,
    heartbeat: h
      ? {
          url: underBase(input.base ?? '/', '/heartbeat.txt'),
          hash: h.hash,
          sequence: h.data.sequence,
          issued: h.data.issued,
          expires: h.data.expires,
          expiredAtBuild: expiredAtBuild(h.data.expires),
          attestation: h.data.attestation,
          signal: h.data.signal,
          freshness: h.data.freshness,
        }
      : null,
  })}\n`;
}
