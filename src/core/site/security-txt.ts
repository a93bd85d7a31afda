/**
 * /.well-known/security.txt (RFC 9116) from content/service.yml. The text is canonical
 * (decision 0001) so that it can carry an OpenPGP cleartext signature, which RFC 9116
 * allows; the automation key signs it at publication (decision 0007).
 */
import type { ServiceConfig } from '../content/canary-config.ts';
import { toInstant } from '../canary/model.ts';

export const SECURITY_TXT_PATH = '.well-known/security.txt';

const DAY_MS = 86_400_000;

export function composeSecurityTxt(service: ServiceConfig, opts: { now: Date; signer?: string }): string | undefined {
  const s = service.security;
  if (!s) return undefined;
  const site = service.url.replace(/\/?$/, '/');
  const lines = [
    `# How to report a security problem in ${service.name} (RFC 9116).`,
    ...(opts.signer ? [`# Signed by the automation key ${opts.signer}, a heartbeat key of the canary at ${site}canary.txt.`] : []),
    ...s.contact.map((c) => `Contact: ${c}`),
    `Expires: ${toInstant(new Date(opts.now.getTime() + s.expiresDays * DAY_MS))}`,
    ...s.encryption.map((e) => `Encryption: ${e}`),
    ...(s.acknowledgments ? [`Acknowledgments: ${s.acknowledgments}`] : []),
    `Preferred-Languages: ${s.preferredLanguages.join(', ')}`,
    `Canonical: ${site}${SECURITY_TXT_PATH}`,
    ...(s.policy ? [`Policy: ${s.policy}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The fields of a security.txt body (signed or not), for checks: name (lower case) → values. */
export function readSecurityTxtFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z-]+):\s*(.+)$/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const name = m[1]!.toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), m[2]!.trim()]);
  }
  return fields;
}
