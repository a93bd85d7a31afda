/**
 * Detached signatures Candor checks (a report's `.json.asc`, `manifest.json.asc`) under
 * issue 11's rules: the armor must be exactly what candor writes for the packets in it
 * (no Comment: header a reader might believe, nothing after the checksum, no packet a
 * reader skips), and a signature that has expired (given a clock) does not count.
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { signDetached, verifyDetached } from '../../src/core/pgp/detached.ts';
import { MARKER_PACKET, craftSignature, expiration, issuerKeyID } from '../helpers/packets.ts';
import { HOUR, at, makeKey, type TestKey } from '../helpers/world.ts';

const JSON_TEXT = '{\n  "requests": 3\n}\n';
let key: TestKey;
let armored: string;

beforeAll(async () => {
  key = await makeKey('Reports');
  armored = await signDetached(JSON_TEXT, key.privateKey, { now: at(0) });
});

const lines = (s: string) => s.split('\n');
const armorOf = (bytes: Uint8Array) => openpgp.armor(openpgp.enums.armor.signature, bytes, undefined, undefined, undefined, true).replace(/\r\n/g, '\n');
const binary = (text: string, extra: Parameters<typeof craftSignature>[2]) => craftSignature(text, key, { type: 0x00, ...extra });

describe('a detached signature as candor writes it', () => {
  it('verifies, as published and with every line in CRLF', async () => {
    for (const file of [armored, armored.replaceAll('\n', '\r\n')]) {
      expect(await verifyDetached(JSON_TEXT, file, [key.publicKey], { now: at(HOUR) })).toMatchObject({ ok: true, fingerprint: key.ref.fingerprint });
    }
  });
});

describe('a detached signature with more in it than candor writes', () => {
  const CASES: [string, () => string | Promise<string>][] = [
    ['a Comment: header', () => armored.replace('-----BEGIN PGP SIGNATURE-----\n', '-----BEGIN PGP SIGNATURE-----\nComment: approved by the board\n')],
    [
      'a line of text after the checksum',
      () => {
        const l = lines(armored);
        l.splice(l.length - 2, 0, 'approved by the board');
        return l.join('\n');
      },
    ],
    ['text after END', () => `${armored}approved by the board\n`],
    [
      'a marker packet next to the signature',
      async () => armorOf(Uint8Array.from([...MARKER_PACKET, ...((await openpgp.readSignature({ armoredSignature: armored })).write() as Uint8Array)])),
    ],
    [
      'a critical subpacket in the unhashed area',
      () => armorOf(binary(JSON_TEXT, { created: at(0), unhashed: [issuerKeyID(key.publicKey), { type: 50, critical: true, body: new Uint8Array([1]) }] })),
    ],
  ];

  it.each(CASES)('%s: refused', async (_, make) => {
    const file = await make();
    expect(file).not.toBe(armored);
    const r = await verifyDetached(JSON_TEXT, file, [key.publicKey], { now: at(HOUR) });
    expect(r.ok).toBe(false);
  });

  it('says where the armor differs', async () => {
    const r = await verifyDetached(JSON_TEXT, `${armored}approved by the board\n`, [key.publicKey]);
    expect(r).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^the signature file is not exactly the armor candor writes for its signature: line \d+ is "approved by the board", expected the end of the file; sign it again with candor$/,
      ),
    });
  });

  it('a signature that has expired: refused, and still good before it expired', async () => {
    const file = armorOf(binary(JSON_TEXT, { created: at(0), extraHashed: [expiration(HOUR / 1000, true)] }));
    expect(await verifyDetached(JSON_TEXT, file, [key.publicKey], { now: at(2 * HOUR) })).toEqual({
      ok: false,
      reason: `the signature expired ${at(HOUR).toISOString()}`,
    });
    expect(await verifyDetached(JSON_TEXT, file, [key.publicKey], { now: at(HOUR / 2) })).toMatchObject({ ok: true });
  });
});
