/** Another system's signed canary (src/core/watch/signed-text.ts), with real openpgp.js signatures. */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { observeSignedText, type SignedTextInput } from '../../src/core/watch/signed-text.ts';
import { mapLimit } from '../../src/io/watch/run.ts';
import { makeKey, type TestKey } from '../helpers/world.ts';

let key: TestKey;
let other: TestKey;
const rule = { issued: { field: 'Date' }, expires: { field: 'Expires' }, statements: { regex: '^\\+ (.+)$' } };
const now = new Date('2026-11-05T00:00:00Z');
const text = (date = '2026-11-01', extra = '') => `Date: ${date}\nExpires: 2026-12-01\n+ No warrant.\n+ No gag order.\n${extra}`;
const clear = async (t: string, k = key) =>
  openpgp.sign({ message: await openpgp.createCleartextMessage({ text: t }), signingKeys: k.privateKey, date: new Date('2026-11-01T00:00:00Z') });
const input = (over: Partial<SignedTextInput>): SignedTextInput => ({
  text: '',
  keys: [key.publicKey, other.publicKey],
  rule,
  trusted: [key.ref.fingerprint],
  previous: undefined,
  now,
  ...over,
});

beforeAll(async () => {
  [key, other] = await Promise.all([makeKey('Plain'), makeKey('Other')]);
});

describe('signed-text canaries', () => {
  it('a cleartext canary by a trusted key is alive, with its dates and statements', async () => {
    const obs = await observeSignedText(input({ text: await clear(text()) }));
    expect(obs).toMatchObject({
      verdict: 'alive',
      signers: [key.ref.fingerprint],
      untrusted: [],
      statements: ['No warrant.', 'No gag order.'],
      expires: '2026-12-01T00:00:00.000Z',
      expiresFrom: 'stated',
    });
  });

  it('a detached signature over the text as served', async () => {
    const t = text();
    const sig = await openpgp.sign({
      message: await openpgp.createMessage({ text: t }),
      signingKeys: key.privateKey,
      detached: true,
      date: new Date('2026-11-01T00:00:00Z'),
    });
    expect((await observeSignedText(input({ text: t, signature: sig }))).verdict).toBe('alive');
    expect(await observeSignedText(input({ text: t.replace('No warrant', 'A warrant'), signature: sig }))).toMatchObject({
      verdict: 'invalid',
      reasons: [{ code: 'SIGNATURE_BAD' }],
    });
  });

  it('refuses text outside the signed message, a tampered text, and an untrusted signer', async () => {
    const signed = await clear(text());
    expect((await observeSignedText(input({ text: `+ We were raided.\n${signed}` }))).reasons[0]!.code).toBe('TEXT_OUTSIDE_SIGNED');
    expect((await observeSignedText(input({ text: signed.replace('No gag order.', 'A gag order.') }))).reasons[0]!.code).toBe('SIGNATURE_BAD');
    expect(await observeSignedText(input({ text: await clear(text(), other) }))).toMatchObject({
      verdict: 'invalid',
      untrusted: [other.ref.fingerprint],
      reasons: [{ code: 'KEY_UNPINNED' }],
    });
    expect((await observeSignedText(input({ text: 'Date: 2026-11-01\n+ No warrant.\n' }))).reasons[0]!.code).toBe('SIGNATURE_MISSING');
  });

  it('past the expiry is stale; an older canary than the last is a rollback; another with the same date is replaced', async () => {
    const first = await observeSignedText(input({ text: await clear(text('2026-11-03')) }));
    const previous = {
      status: 'alive' as const,
      since: '',
      checkedAt: '',
      failures: 0,
      accepted: [],
      signers: first.signers,
      statements: first.statements,
      hash: first.hash,
      issued: first.issued!,
      reasons: [],
    };
    expect((await observeSignedText(input({ text: await clear(text()), previous }))).reasons[0]!.code).toBe('ROLLBACK');
    expect((await observeSignedText(input({ text: await clear(text('2026-11-03', '+ One more.\n')), previous }))).reasons[0]!.code).toBe('CANARY_REPLACED');
    expect((await observeSignedText(input({ text: await clear(text('2026-11-04')), previous, now: new Date('2026-12-02T00:00:00Z') }))).verdict).toBe('stale');
  });
});

describe('mapLimit', () => {
  it('runs at most `limit` at once and keeps the order', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([...Array(10).keys()], 3, async (i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5 + (i % 3)));
      running--;
      return i * 2;
    });
    expect(out).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(most).toBe(3);
  });
});
