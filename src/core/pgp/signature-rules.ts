/**
 * What openpgp.js accepts in a signature packet and Candor does not, and the one
 * subpacket it reads but leaves to the caller: the signature's own expiration time.
 * Packets read by hand (signature-packet.ts) never carry any of this: the hand reader
 * leaves every such packet to openpgp.js, and then to these rules.
 */
import type * as openpgp from 'openpgp';

const CREATED = 2;
const EXPIRES = 3;

const readUint = (b: Uint8Array, at: number, n: number): number => {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (b[at + i] ?? 0);
  return v;
};

/** The subpacket types of the hashed area, from the signed bytes openpgp.js keeps (`signatureData`). */
function hashedTypes(packet: openpgp.SignaturePacket): number[] {
  const data = packet.signatureData;
  if (!data) return [];
  const width = packet.version === 6 ? 4 : 2;
  const end = Math.min(data.length, 4 + width + readUint(data, 4, width));
  const types: number[] = [];
  for (let i = 4 + width; i < end;) {
    const first = data[i]!;
    const [len, skip] = first < 192 ? [first, 1] : first < 255 ? [((first - 192) << 8) + (data[i + 1] ?? 0) + 192, 2] : [readUint(data, i + 1, 4), 5];
    types.push(data[i + skip]! & 0x7f);
    i += skip + len;
  }
  return types;
}

/**
 * Why a packet openpgp.js verifies is still not one Candor counts, or null.
 * - Two creation (or expiration) times: tools disagree on which one holds (GnuPG reads
 *   the first, openpgp.js the last), so the signature's date would depend on the reader.
 * - A critical subpacket in the unhashed area: nothing there is signed, and a reader that
 *   does not know it must refuse the signature (RFC 9580 5.2.3.7); GnuPG does.
 */
export function packetProblem(packet: openpgp.SignaturePacket): string | null {
  const types = hashedTypes(packet);
  for (const [type, name] of [
    [CREATED, 'creation'],
    [EXPIRES, 'expiration'],
  ] as const) {
    if (types.filter((t) => t === type).length > 1) return `the signature states its ${name} time more than once: which one holds depends on the reader`;
  }
  const critical = packet.unhashedSubpackets.find((s) => s.critical);
  if (critical) return `a critical subpacket (type ${critical.type}) in the signature's unhashed area, which nothing signs`;
  return null;
}

/** When the signature itself expires (its signature-expiration subpacket, RFC 9580 5.2.3.18), or null for never. */
export function signatureExpiry(packet: openpgp.SignaturePacket): Date | null {
  const expires = packet.getExpirationTime();
  return expires instanceof Date ? expires : null;
}
