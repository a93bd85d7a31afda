/** Web Key Directory: z-base-32, the hash of the draft's example, and which keys go where. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { emailOfUserID, lowerAscii, wkdEntries, wkdHash, wkdPaths, zBase32 } from '../../src/core/wkd.ts';
import { requireToolAt } from '../helpers/tools.ts';

const exec = promisify(execFile);
const bytes = (...b: number[]) => new Uint8Array(b);

describe('z-base-32', () => {
  it('encodes bit by bit with the human-oriented alphabet', () => {
    expect(zBase32(bytes())).toBe('');
    expect(zBase32(bytes(0))).toBe('yy');
    expect(zBase32(bytes(0xff))).toBe('9h');
    // 0b00001 00010 00011 ... : each 5-bit group maps to its alphabet letter.
    expect(zBase32(bytes(0x00, 0x44, 0x32, 0x14, 0xc7))).toBe('ybndrfg8');
  });

  it('gives 32 characters for a 160-bit hash', () => {
    expect(zBase32(new Uint8Array(20).fill(0xab))).toHaveLength(32);
  });
});

describe('the WKD hash', () => {
  it('matches the draft example: Joe.Doe@Example.ORG (verified with gpg-wks-client --print-wkd-hash)', async () => {
    expect(await wkdHash('Joe.Doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
    expect(await wkdHash('joe.doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
  });

  it('folds ASCII case only, as the draft says', async () => {
    expect(lowerAscii('ÄDA.Moreau')).toBe('Äda.moreau');
    expect(await wkdHash('ÄDA')).not.toBe(await wkdHash('äda'));
  });

  it('agrees with gpg-wks-client', async (ctx) => {
    const tool = await exec('gpgconf', ['--list-dirs', 'libexecdir']).then(
      (r) => `${r.stdout.trim()}/gpg-wks-client`,
      () => null,
    );
    requireToolAt(ctx, 'gpg-wks-client', tool);
    const { stdout } = await exec(tool, ['--print-wkd-hash', 'Ada.Moreau@Lumen-Mail.example']);
    expect(stdout.split(' ')[0]).toBe(await wkdHash('Ada.Moreau'));
  });

  it('builds the direct and advanced URLs', async () => {
    const paths = wkdPaths({ hash: await wkdHash('Joe.Doe'), local: 'Joe.Doe' }, 'Example.ORG');
    expect(paths.direct).toBe('https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe');
    expect(paths.advanced).toBe('https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe');
  });
});

describe('directory entries', () => {
  it('reads the address of a user ID', () => {
    expect(emailOfUserID('Ada Moreau <ada@lumen-mail.example>')).toBe('ada@lumen-mail.example');
    expect(emailOfUserID('ada@lumen-mail.example')).toBe('ada@lumen-mail.example');
    expect(emailOfUserID('Lumen Mail CI')).toBeUndefined();
  });

  it('serves only addresses at the domain, one file per hash, keys concatenated', async () => {
    const a = { fingerprint: 'A'.repeat(40), userIDs: ['Ada <ada@Lumen-Mail.example>', 'Ada <ada@elsewhere.example>'], binary: bytes(1, 2) };
    const b = { fingerprint: 'B'.repeat(40), userIDs: ['Ada (new key) <ADA@lumen-mail.example>'], binary: bytes(3) };
    const c = { fingerprint: 'C'.repeat(40), userIDs: ['No address'], binary: bytes(4) };
    const entries = await wkdEntries([a, b, c], 'lumen-mail.example');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.hash).toBe(await wkdHash('ada'));
    expect(entries[0]!.fingerprints).toEqual([a.fingerprint, b.fingerprint]);
    expect([...entries[0]!.body]).toEqual([1, 2, 3]);
    expect(await wkdEntries([a], 'other.example')).toEqual([]);
  });
});
