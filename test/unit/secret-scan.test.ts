/** What counts as private key material in a published file (src/core/secret-scan.ts). */
import { generateKeyPairSync } from 'node:crypto';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPrivateKeyMaterial } from '../../src/core/secret-scan.ts';
import { makeKey, type TestKey } from '../helpers/world.ts';
import { formatSignerKey, formatVerifierKey, signerFromSeed } from '../../src/core/tlog/note.ts';

let key: TestKey;
const utf8 = (s: string) => new TextEncoder().encode(s);
const find = (s: string | Uint8Array, markup = false) => findPrivateKeyMaterial(typeof s === 'string' ? utf8(s) : s, { markup });

beforeAll(async () => {
  key = await makeKey('Scan', { passphrase: 'x' });
});

describe('findPrivateKeyMaterial', () => {
  it('finds an armored OpenPGP private key, alone or pasted among other text', async () => {
    expect(await find(key.privateArmored)).toBe('openpgp-armored');
    expect(await find(`# notes\n\nkeep this safe:\n${key.privateArmored}\nmore notes\n`)).toBe('openpgp-armored');
  });

  it('finds a binary OpenPGP secret key, and not a binary public key', async () => {
    const secret = (await openpgp.readPrivateKey({ armoredKey: key.privateArmored })).write();
    expect(await find(secret)).toBe('openpgp-binary');
    expect(await find(key.publicKey.write())).toBeNull();
  });

  it('finds PEM and OpenSSH private keys', async () => {
    expect(await find(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)).toBe('pem');
    expect(await find(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)).toBe('pem');
    const body = Buffer.from(`openssh-key-v1\0${'x'.repeat(64)}`).toString('base64');
    expect(await find(`-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`)).toBe('openssh');
  });

  it('finds a signed-note signer key (a log or witness key), not its verifier key or the code that formats one', async () => {
    const signer = signerFromSeed('candor.example/log', new Uint8Array(32).fill(9));
    expect(await find(`log key: ${formatSignerKey(signer)}\n`)).toBe('signed-note');
    expect(await find(`"${formatSignerKey(signer)}"`, true)).toBe('signed-note');
    expect(await find(formatVerifierKey(signer))).toBeNull();
    expect(await find('return `PRIVATE+KEY+${key.name}+${hex32(key.keyId)}+${encodeBase64(seed)}`;')).toBeNull();
  });

  it('does not mistake public keys, signatures or code naming the header for a key', async () => {
    expect(await find(key.publicArmored)).toBeNull();
    expect(await find("const header = /-----BEGIN PGP PRIVATE KEY BLOCK-----/;\nif (text.includes('-----BEGIN PRIVATE KEY-----')) refuse();\n")).toBeNull();
    expect(await find('-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot base64 at all, just prose.\n')).toBeNull();
    expect(await find(new Uint8Array([0x95, 0x01, 0x02, 0x03, 0x04]))).toBeNull();
  });

  it('inside a built page or data file (markup): HTML paragraphs and JSON strings', async () => {
    const html = `<main><p>${key.privateArmored.replace(/\n/g, '\n')}</p></main>`;
    expect(await find(html)).toBeNull();
    expect(await find(html, true)).toBe('openpgp-armored');
    const json = JSON.stringify({ body: `Our key:\n${key.privateArmored}` });
    expect(await find(json, true)).toBe('openpgp-armored');
  });
});
