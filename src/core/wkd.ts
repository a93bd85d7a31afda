/**
 * OpenPGP Web Key Directory (draft-koch-openpgp-webkey-service): where a mail client
 * such as `gpg --locate-keys ada@lumen-mail.example` looks for a key, and what it finds.
 *
 * A key for local@domain is served at
 *   direct:   https://domain/.well-known/openpgpkey/hu/<hash>?l=local
 *   advanced: https://openpgpkey.domain/.well-known/openpgpkey/domain/hu/<hash>?l=local
 * where <hash> is the z-base-32 encoding of the SHA-1 of the local part mapped to
 * lower case (ASCII letters only; other characters are left as they are). The body is
 * the binary key, or several keys concatenated (e.g. a revoked one and its successor).
 * A static site ignores the `?l=` query, so one file per hash serves both forms.
 *
 * Pure: SHA-1 comes from Web Crypto (globalThis.crypto.subtle), never from node:crypto.
 */

/** The z-base-32 alphabet (Zooko's human-oriented base-32). */
const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base-32 of whole bytes, most significant bit first, no padding (a 160-bit hash gives 32 characters). */
export function zBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ZBASE32[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The draft maps only upper-case ASCII to lower case; `toLowerCase` would also fold non-ASCII letters. */
export function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** The WKD hash of a local part: z-base-32(SHA-1(lower-cased local part, UTF-8)). */
export async function wkdHash(localPart: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(lowerAscii(localPart)));
  return zBase32(new Uint8Array(digest));
}

/** The address in a user ID: "Name <local@domain>" or a bare "local@domain"; undefined when there is none. */
export function emailOfUserID(userID: string): string | undefined {
  const bracketed = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(userID);
  const address = bracketed?.[1] ?? (/^[^\s<>@]+@[^\s<>@]+$/.test(userID.trim()) ? userID.trim() : undefined);
  return address && /^[^@]+@[^@]+$/.test(address) ? address : undefined;
}

/** Splits an address at its last '@'; the domain compared case-insensitively, as DNS does. */
export function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at), domain: lowerAscii(address.slice(at + 1)) };
}

export interface WkdKey {
  fingerprint: string;
  userIDs: string[];
  /** The transferable public key, binary (not armored): what WKD clients expect. */
  binary: Uint8Array;
}

export interface WkdEntry {
  /** z-base-32 hash: the file name under hu/. */
  hash: string;
  /** The local part as written in the (first) user ID, for the `?l=` parameter and for people. */
  local: string;
  /** Every address served by this file (local parts differing only in ASCII case share a hash). */
  addresses: string[];
  fingerprints: string[];
  /** The keys concatenated, in the order given. */
  body: Uint8Array;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};

/**
 * One entry per hash for every user ID address at `domain`: the keys carrying such an
 * address, each once, concatenated. Addresses at other domains are not this site's to
 * publish and are left out. Entries sorted by hash, so the output is the same every build.
 */
export async function wkdEntries(keys: WkdKey[], domain: string): Promise<WkdEntry[]> {
  const want = lowerAscii(domain.replace(/\.$/, ''));
  const byHash = new Map<string, { local: string; addresses: Set<string>; keys: WkdKey[] }>();
  for (const key of keys) {
    for (const userID of key.userIDs) {
      const address = emailOfUserID(userID);
      if (!address) continue;
      const { local, domain: d } = splitAddress(address);
      if (d !== want || local === '') continue;
      const hash = await wkdHash(local);
      const entry = byHash.get(hash) ?? { local, addresses: new Set<string>(), keys: [] };
      entry.addresses.add(`${local}@${d}`);
      if (!entry.keys.includes(key)) entry.keys.push(key);
      byHash.set(hash, entry);
    }
  }
  return [...byHash]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([hash, e]) => ({
      hash,
      local: e.local,
      addresses: [...e.addresses].sort(),
      fingerprints: e.keys.map((k) => k.fingerprint),
      body: concat(e.keys.map((k) => k.binary)),
    }));
}

/** The paths a site serves for its directory; `advanced` adds the openpgpkey.<domain> layout. */
export function wkdPaths(entry: Pick<WkdEntry, 'hash' | 'local'>, domain: string): { direct: string; advanced: string } {
  const d = lowerAscii(domain);
  const l = encodeURIComponent(entry.local);
  return {
    direct: `https://${d}/.well-known/openpgpkey/hu/${entry.hash}?l=${l}`,
    advanced: `https://openpgpkey.${d}/.well-known/openpgpkey/${d}/hu/${entry.hash}?l=${l}`,
  };
}
