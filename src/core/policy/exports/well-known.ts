/**
 * The policy facts that browsers and crawlers read from fixed places (docs/content.md#exports):
 * - /.well-known/privacy.txt, the IETF privacy.txt draft (draft-colwell-privacy-txt): a
 *   `Field: Value` text placed like security.txt, with the operator, the policy's page and
 *   plain text, the contact, and one `Cookie:` line per cookie in the draft's seven fields;
 * - /.well-known/gpc.json (Global Privacy Control): `{ "gpc": true|false, "lastUpdate" }`
 *   when a policy in force states the `gpc` fact, none otherwise.
 * The policy they speak for is the service's privacy policy: the one with the id
 * `privacy`, else the first by id (mainPolicy). Cookies come from every policy in force.
 */
import type { Facts } from '../facts.ts';
import type { PolicyVersion } from '../model.ts';
import { parseDuration } from '../duration.ts';
import { countryCode } from '../../report/countries.ts';

export const PRIVACY_TXT_PATH = '.well-known/privacy.txt';
export const GPC_JSON_PATH = '.well-known/gpc.json';

/** The policy `rel="privacy-policy"` and privacy.txt point to. */
export function mainPolicy<T extends { id: string }>(policies: T[]): T | undefined {
  return policies.find((p) => p.id === 'privacy') ?? [...policies].sort((a, b) => a.id.localeCompare(b.id))[0];
}

type Cookie = NonNullable<Facts['cookies']>[number];

/** The draft counts a cookie's life in seconds; a session cookie says `session`, an unstated one `unknown`. */
export function cookieSeconds(lifetime: string): string {
  const span = parseDuration(lifetime);
  if (span.kind === 'session') return 'session';
  if (span.kind === 'fixed') return String(Math.round(span.days * 86_400));
  return 'unknown';
}

const yesNo = (b: boolean | undefined): string => (b === undefined ? 'unknown' : b ? 'yes' : 'no');
/** Commas separate the seven fields: one inside a value would shift the others. */
const field = (s: string): string => s.replace(/[,\r\n]+/g, ' ').trim();

/** First party when the facts say so, or when the service itself (`us`, or its name) sets it; else as stated, or unknown. */
function party(c: Cookie, serviceName: string): string {
  if (c.party) return c.party;
  const by = c.setBy.trim().toLowerCase();
  return by === 'us' || by === serviceName.trim().toLowerCase() ? 'first' : 'unknown';
}

export function cookieLine(c: Cookie, site: { host: string; name: string }): string {
  return [
    field(c.name ?? c.category ?? ''),
    field(c.domain ?? (party(c, site.name) === 'first' ? site.host : 'unknown')),
    cookieSeconds(c.lifetime),
    party(c, site.name),
    c.optional === undefined ? 'unknown' : c.optional ? 'optional' : 'required',
    `httponly=${yesNo(c.httpOnly)}`,
    `secure=${yesNo(c.secure)}`,
  ].join(',');
}

export interface PrivacyTxtInput {
  service: { name: string; url: string };
  /** The main policy's version in force, with its page and its plain text (absolute URLs). */
  policy: { version: PolicyVersion; page: string; text: string } | undefined;
  /** Every policy version in force: their cookies are listed. */
  inForce: PolicyVersion[];
}

export function composePrivacyTxt(i: PrivacyTxtInput): string | undefined {
  if (!i.policy) return undefined;
  const f = i.policy.version.facts ?? {};
  const host = new URL(i.service.url).hostname;
  const cc = f.controller?.country ? countryCode(f.controller.country) : undefined;
  const entity = f.controller ? `${field(f.controller.name)}${cc ? `,${cc}` : ''}` : field(i.service.name);
  // A cookie stated by two policies in force (the privacy and the cookie policy) is listed once.
  const cookies = new Set(i.inForce.flatMap((v) => v.facts?.cookies ?? []).map((c) => cookieLine(c, { host, name: i.service.name })));
  const lines = [
    `# The privacy policy of ${i.service.name} in the fields of the privacy.txt draft (draft-colwell-privacy-txt).`,
    `# Cookie: name,domain,seconds (or session),first|third party,optional|required,HttpOnly,Secure`,
    `Entity: ${entity}`,
    `Privacy-policy: ${i.policy.page}`,
    `Privacy-policy-text: ${i.policy.text}`,
    ...(f.contact?.email ? [`Contact: mailto:${f.contact.email}`] : f.contact?.url ? [`Contact: ${f.contact.url}`] : []),
    ...[...cookies].map((l) => `Cookie: ${l}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** gpc.json from the versions in force: the newest that states the fact decides. */
export function composeGpcJson(inForce: PolicyVersion[]): string | undefined {
  const stating = inForce.filter((v) => v.facts?.gpc !== undefined).sort((a, b) => a.published.localeCompare(b.published));
  const last = stating.at(-1);
  if (!last) return undefined;
  return `${JSON.stringify({ gpc: last.facts!.gpc, lastUpdate: last.published }, null, 2)}\n`;
}
