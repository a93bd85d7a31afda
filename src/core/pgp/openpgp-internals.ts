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
