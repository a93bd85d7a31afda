/** A key that cannot sign at the signing time is refused in our words (src/core/pgp/signing-key.ts). */
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { requireKeyUsableAt } from '../../src/core/pgp/signing-key.ts';
import { signDocument } from '../../src/core/pgp/sign.ts';
import { DAY, T0, at, makeKey } from '../helpers/world.ts';

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('requireKeyUsableAt', () => {
  it('accepts a key within its life, and refuses it before it was made and after it expired', async () => {
    const key = await makeKey('Life', { created: T0, expiresInDays: 30 });
    expect(await codeOf(requireKeyUsableAt(key.privateKey, at(DAY)))).toBe('ok');
    expect(await codeOf(requireKeyUsableAt(key.privateKey, at(-DAY)))).toBe('KEY_NOT_YET_VALID');
    expect(await codeOf(requireKeyUsableAt(key.privateKey, at(31 * DAY)))).toBe('KEY_EXPIRED');
  });

  it('refuses a revoked key', async () => {
    const key = await makeKey('Revoked', { created: T0 });
    const { privateKey } = await openpgp.revokeKey({ key: key.privateKey, date: at(DAY), format: 'object' });
    expect(await codeOf(requireKeyUsableAt(privateKey, at(2 * DAY)))).toBe('KEY_REVOKED');
  });

  it('is what signDocument checks first', async () => {
    const key = await makeKey('Early', { created: T0 });
    expect(await codeOf(signDocument('text\n', [key.privateKey], { now: at(-DAY) }))).toBe('KEY_NOT_YET_VALID');
  });
});
