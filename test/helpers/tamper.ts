/**
 * Tampering tools for the security tests: each builds a real artefact (a cleartext
 * file, signature packets, re-rendered data) from a valid one, the way an attacker
 * with a text editor, a stolen key or a copy of an older canary would.
 */
import * as openpgp from 'openpgp';
import { renderDocument } from '../../src/core/canary/document.ts';
import { toInstant, type AttestationData, type CanaryData } from '../../src/core/canary/model.ts';
import { documentHash } from '../../src/core/canonical.ts';
import { armorCleartext } from '../../src/core/pgp/armor.ts';
import { signaturePacketsOf } from '../../src/core/pgp/openpgp-internals.ts';
import type { Issued, TestKey } from './world.ts';

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIG = '-----BEGIN PGP SIGNATURE-----';

/** The parts of a cleartext file, by character offset. */
export interface Frame {
  /** Start of the line after `-----BEGIN PGP SIGNED MESSAGE-----` (the Hash: header). */
  headers: number;
  /** Start of the (dash-escaped) signed text, after the blank line that ends the headers. */
  body: number;
  /** End of the signed text: the frame's own line break before BEGIN PGP SIGNATURE. */
  bodyEnd: number;
  /** Start of the `-----BEGIN PGP SIGNATURE-----` line. */
  signature: number;
}

export function frameOf(file: string): Frame {
  const begin = file.indexOf(`${BEGIN_SIGNED}\n`);
  if (begin < 0) throw new Error('tamper: not a cleartext-signed file');
  const headers = begin + BEGIN_SIGNED.length + 1;
  const body = file.indexOf('\n\n', headers - 1) + 2;
  const signature = file.indexOf(`\n${BEGIN_SIG}`, body - 1) + 1;
  if (body < 2 || signature < 1) throw new Error('tamper: no signed text or signature block');
  return { headers, body, bodyEnd: signature - 1, signature };
}

/**
 * Replaces `from` by `to` inside the signed text only, without re-signing. Throws
 * when `from` is not there, so that a test never passes on an edit that did nothing.
 */
export function editSigned(file: string, from: string, to: string, opts: { all?: boolean } = {}): string {
  const f = frameOf(file);
  const part = file.slice(f.body, f.bodyEnd);
  if (!part.includes(from)) throw new Error(`tamper: ${JSON.stringify(from)} is not in the signed text`);
  const edited = opts.all ? part.replaceAll(from, to) : part.replace(from, to);
  return file.slice(0, f.body) + edited + file.slice(f.bodyEnd);
}

/** Splices whole lines of the file (0-based line index), like an editor would. */
export function spliceLines(file: string, start: number, deleteCount: number, ...insert: string[]): string {
  const lines = file.split('\n');
  lines.splice(start, deleteCount, ...insert);
  return lines.join('\n');
}

/** Index of the first line of `file` equal to `line`. */
export function lineIndex(file: string, line: string): number {
  const i = file.split('\n').indexOf(line);
  if (i < 0) throw new Error(`tamper: no line ${JSON.stringify(line)}`);
  return i;
}

/** Adds an armor header line (e.g. `Comment: …`) to the signed-message headers, after Hash:. */
export function withMessageHeader(file: string, header: string): string {
  const f = frameOf(file);
  return file.slice(0, f.body - 1) + `${header}\n` + file.slice(f.body - 1);
}

/** Adds an armor header line (e.g. `Comment: …`) to the signature block: it is never signed. */
export function withSignatureHeader(file: string, header: string): string {
  const f = frameOf(file);
  const afterBegin = f.signature + BEGIN_SIG.length + 1;
  return file.slice(0, afterBegin) + `${header}\n` + file.slice(afterBegin);
}

/** The signature packets of a cleartext file. */
export async function packetsOf(file: string): Promise<openpgp.SignaturePacket[]> {
  return signaturePacketsOf(await openpgp.readCleartextMessage({ cleartextMessage: file }));
}

/**
 * Signature packets over any text with openpgp.js, without candor's canonical-text
 * check (so non-canonical text can be signed). openpgp.js itself still refuses keys
 * that are expired, revoked or not yet valid at `now`.
 */
export async function signText(text: string, keys: TestKey[], now: Date): Promise<openpgp.SignaturePacket[]> {
  const message = await openpgp.createCleartextMessage({ text });
  const signed = await openpgp.sign({
    message,
    signingKeys: keys.map((k) => k.privateKey),
    date: now,
    format: 'object',
    config: { preferredHashAlgorithm: openpgp.enums.hash.sha512 },
  });
  return signaturePacketsOf(signed);
}

type RawSign = (key: openpgp.AnySecretKeyPacket, data: openpgp.LiteralDataPacket, date: Date, detached: boolean, config: openpgp.Config) => Promise<void>;

/**
 * A text-mode signature packet made directly with the key packet, dated `created`
 * whatever the key says: openpgp.js's own key-validity checks are skipped, as an
 * attacker's own tooling would skip them.
 */
export async function forgeSignature(text: string, key: TestKey, created: Date): Promise<openpgp.SignaturePacket> {
  const literal = new openpgp.LiteralDataPacket();
  (literal as unknown as { setText(t: string): void }).setText(text.replace(/\r?\n/g, '\r\n'));
  const packet = new openpgp.SignaturePacket();
  packet.signatureType = openpgp.enums.signature.text;
  packet.publicKeyAlgorithm = key.privateKey.keyPacket.algorithm;
  packet.hashAlgorithm = openpgp.enums.hash.sha512;
  await (packet.sign as unknown as RawSign).call(packet, key.privateKey.keyPacket as openpgp.AnySecretKeyPacket, literal, created, false, openpgp.config);
  return packet;
}

/** A cleartext file over `text` signed by `keys` at `now` (any text, canonical or not). */
export async function signedFile(text: string, keys: TestKey[], now: Date): Promise<string> {
  return armorCleartext(text, await signText(text, keys, now));
}

/** Renders (possibly tampered) data and signs it with the given keys: a fully re-signed document. */
export async function reissue<T extends CanaryData>(data: T, keys: TestKey[], now: Date): Promise<Issued<T>> {
  const text = renderDocument(data);
  const file = await signedFile(text, keys, now);
  return { data, text, file, hash: await documentHash(text) };
}

/** A cleartext file over `text` carrying the signature packets of every file given (signed over any text). */
export async function mergeFiles(text: string, ...files: string[]): Promise<string> {
  const packets = (await Promise.all(files.map(packetsOf))).flat();
  return armorCleartext(text, packets);
}

const DAY_MS = 86_400_000;

/**
 * The data of a next attestation after `prev`, as an attacker (or a careless signer)
 * would write it by hand: sequence + 1, the right previous hash, no explanations.
 */
export function successorData(prev: Issued<AttestationData>, now: Date, patch: Partial<AttestationData> = {}): AttestationData {
  return {
    ...prev.data,
    sequence: prev.data.sequence + 1,
    previous: prev.hash,
    issued: toInstant(now),
    expires: toInstant(new Date(now.getTime() + 60 * DAY_MS)),
    changes: [],
    signal: { kind: 'none' },
    ...patch,
  };
}

/**
 * A signer key as gpg with a hardware token makes it: a certification-only primary key
 * and a separate signing subkey, which openpgp.js then signs with.
 */
export async function makeSubkeySigner(name: string, created: Date): Promise<TestKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name }],
    date: created,
    format: 'object',
    subkeys: [{ sign: true }],
    config: { v6Keys: false },
  });
  return {
    ref: { name, fingerprint: publicKey.getFingerprint().toUpperCase() },
    privateKey,
    publicKey,
    publicArmored: publicKey.armor(),
    privateArmored: privateKey.armor(),
  };
}

/** The public key of `key` with its signing subkey revoked (key compromise), as it would be published. */
export async function revokeSigningSubkey(key: TestKey, date: Date): Promise<openpgp.PublicKey> {
  const pub = await openpgp.readKey({ armoredKey: key.publicArmored });
  const index = pub.subkeys.findIndex((s) => s.getAlgorithmInfo().algorithm === 'eddsaLegacy');
  if (index < 0) throw new Error('tamper: no signing subkey');
  pub.subkeys[index] = await pub.subkeys[index]!.revoke(
    key.privateKey.keyPacket as openpgp.SecretKeyPacket,
    { flag: openpgp.enums.reasonForRevocation.keyCompromised, string: 'token lost' },
    date,
  );
  return openpgp.readKey({ armoredKey: pub.armor() });
}
