/**
 * Which service a canary is for. The attestation signs its service's URL; a verifier
 * compares it with the service it means to check (the site it fetched from, --service,
 * or the service its state file remembers), so that another service's canary, signed by
 * the same people, is not taken for this one's.
 */
import type { Reason } from './reasons.ts';

export interface ExpectedService {
  url: string;
  /** Where the expectation comes from, for the message: "the site being verified", "--service"… */
  from: string;
  /** Exactly this service (a state file); otherwise the expected URL may lie under the service's. */
  exact?: boolean;
}

/** Host and folder of a URL: scheme and port do not make another service. */
function place(url: string): { host: string; dir: string } | null {
  const parsed = URL.parse(url);
  if (!parsed) return null;
  const dir = parsed.pathname.endsWith('/') ? parsed.pathname : `${parsed.pathname}/`;
  return { host: parsed.hostname.toLowerCase().replace(/\.$/, ''), dir };
}

/** A local preview (localhost, 127.0.0.0/8, ::1) names no service. */
export function isLoopback(url: string): boolean {
  const host = URL.parse(url)?.hostname.toLowerCase() ?? '';
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** True when `expected` is the service `claimed` (or a page under it, unless exact). */
export function sameService(claimed: string, expected: string, exact = true): boolean {
  const c = place(claimed);
  const e = place(expected);
  if (!c || !e || c.host !== e.host) return false;
  return exact ? c.dir === e.dir : e.dir.startsWith(c.dir);
}

export function serviceReasons(claimed: string, expected: ExpectedService[]): Reason[] {
  const checked = expected.filter((e) => !isLoopback(e.url));
  const reasons: Reason[] = [];
  for (const e of checked) {
    if (!sameService(claimed, e.url, e.exact ?? false)) {
      reasons.push({
        code: 'SERVICE_MISMATCH',
        subject: 'attestation',
        message: `this canary is for ${claimed}, but ${e.from} is ${e.url}: another service's canary?`,
      });
    }
  }
  if (checked.length === 0) {
    const local = expected.length > 0 ? `it was served from a local address (${expected[0]!.url}), which names no service, and ` : '';
    reasons.push({
      code: 'SERVICE_UNCHECKED',
      subject: 'attestation',
      message: `this canary is for ${claimed}; ${local}no other service was expected: give --service URL to check it`,
    });
  }
  return reasons;
}
