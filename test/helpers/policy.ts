/** Builds policy version files from object literals, for tests. */
import { stringify } from 'yaml';
import type { PolicyVersion } from '../../src/core/policy/model.ts';
import { parsePolicyVersion } from '../../src/core/policy/parse.ts';

export interface VersionSpec {
  version: string;
  effective: string;
  published?: string;
  change?: 'material' | 'minor' | 'editorial';
  summary?: string;
  facts?: Record<string, unknown>;
  body?: string;
  [extra: string]: unknown;
}

export function versionSource(spec: VersionSpec, title = 'Privacy Policy'): string {
  const { body = '## 1. Who we are\n\nLumen Mail is a small mail service.\n', published, change = 'minor', summary = 'A change.', ...rest } = spec;
  return `---\n${stringify({ title, ...rest, published: published ?? spec.effective, change, summary }, { lineWidth: 0 })}---\n\n${body}`;
}

export function version(spec: VersionSpec, policy = 'privacy'): PolicyVersion {
  return parsePolicyVersion(versionSource(spec), `policies/${policy}/${spec.version}.md`);
}

export function policySet(entries: Record<string, VersionSpec[]>): Map<string, PolicyVersion[]> {
  return new Map(Object.entries(entries).map(([policy, specs]) => [policy, specs.map((s) => version(s, policy))]));
}

export const RETENTION_45 = { retention: [{ what: 'deleted-mail backups', period: '45 days', after: 'deletion' }] };
export const RETENTION_30 = { retention: [{ what: 'deleted-mail backups', period: '30 days', after: 'deletion' }] };
