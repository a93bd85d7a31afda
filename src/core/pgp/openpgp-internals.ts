/** Typed access to two openpgp.js members its .d.ts omits (both public in its JS API). */
import * as openpgp from 'openpgp';

type CleartextCtor = new (text: string, signature: openpgp.Signature) => openpgp.CleartextMessage;

export function makeCleartext(text: string, packets: openpgp.SignaturePacket[]): openpgp.CleartextMessage {
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  packets.forEach((p) => list.push(p));
  return new (openpgp.CleartextMessage as unknown as CleartextCtor)(text, new openpgp.Signature(list));
}

export function signaturePacketsOf(message: openpgp.CleartextMessage): openpgp.SignaturePacket[] {
  const { signature } = message as unknown as { signature: openpgp.Signature };
  return [...signature.packets].filter((p): p is openpgp.SignaturePacket => p instanceof openpgp.SignaturePacket);
}

/** An EdDSA-legacy (v4 Ed25519) public key's point, 0x40 then the 32-byte key; null for any other key. */
export function ed25519LegacyPoint(key: openpgp.Key | openpgp.Subkey): Uint8Array | null {
  const packet = key.keyPacket as unknown as {
    version: number;
    algorithm: openpgp.enums.publicKey;
    publicParams?: { oid?: { getName(): string }; Q?: Uint8Array };
  };
  const { oid, Q } = packet.publicParams ?? {};
  if (packet.version !== 4 || packet.algorithm !== openpgp.enums.publicKey.eddsaLegacy || oid?.getName() !== openpgp.enums.curve.ed25519Legacy) return null;
  return Q instanceof Uint8Array && Q.length === 33 && Q[0] === 0x40 ? Q : null;
}
