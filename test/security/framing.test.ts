/** Attacks on the cleartext frame: text outside the signature, two blocks, no signature, non-canonical text. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { editSigned, frameOf, lineIndex, reissue, signedFile, spliceLines, withMessageHeader, withSignatureHeader } from '../helpers/tamper.ts';
import { DAY, at, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

let w: World;
let att: Issued<AttestationData>;

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest();
});

const people = () => w.signers.slice(0, 2);
const NOTICE = 'UPDATE: all statements above remain true. -- the team';

describe('text outside the signed part', () => {
  it('a line before -----BEGIN PGP SIGNED MESSAGE----- is TEXT_OUTSIDE_SIGNED', async () => {
    const r = await check(w, { attestation: `${NOTICE}\n\n${att.file}`, requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_OUTSIDE_SIGNED');
    expect(r.verdict).toBe('invalid');
  });

  it('a line after -----END PGP SIGNATURE----- is TEXT_OUTSIDE_SIGNED', async () => {
    const r = await check(w, { attestation: `${att.file}\n\n\n${NOTICE}\n`, requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_OUTSIDE_SIGNED');
    expect(r.verdict).toBe('invalid');
  });

  it('a Comment: armor header in the signature block is TEXT_OUTSIDE_SIGNED', async () => {
    const r = await check(w, { attestation: withSignatureHeader(att.file, `Comment: ${NOTICE}`), requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_OUTSIDE_SIGNED');
    expect(r.verdict).toBe('invalid');
  });

  it("a line of prose among the signature block's armor headers is TEXT_OUTSIDE_SIGNED", async () => {
    const r = await check(w, { attestation: withSignatureHeader(att.file, 'ALL STATEMENTS ABOVE REMAIN TRUE AS OF TODAY.'), requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_OUTSIDE_SIGNED');
    expect(r.verdict).toBe('invalid');
  });

  it('an armor header other than Hash: in the signed-message headers is TEXT_OUTSIDE_SIGNED', async () => {
    const r = await check(w, { attestation: withMessageHeader(att.file, `Comment: ${NOTICE}`), requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_OUTSIDE_SIGNED');
    expect(r.verdict).toBe('invalid');
  });

  it('two signed blocks concatenated are MULTIPLE_SIGNED_BLOCKS', async () => {
    const newer = await w.attest({ now: at(DAY), statements: att.data.statements.slice(0, 3) });
    const r = await check(w, { attestation: `${att.file}\n${newer.file}`, requireHeartbeat: false });
    expect(r.codes).toContain('MULTIPLE_SIGNED_BLOCKS');
    expect(r.verdict).toBe('invalid');
  });
});

describe('no signature', () => {
  it('the plain text without any OpenPGP frame is SIGNATURE_MISSING', async () => {
    const r = await check(w, { attestation: att.text, requireHeartbeat: false });
    expect(r.codes).toContain('SIGNATURE_MISSING');
    expect(r.verdict).toBe('invalid');
  });

  it('a signed-message frame with the signature block cut off is SIGNATURE_MISSING', async () => {
    const cut = att.file.slice(0, frameOf(att.file).signature);
    const r = await check(w, { attestation: cut, requireHeartbeat: false });
    expect(r.codes).toContain('SIGNATURE_MISSING');
    expect(r.verdict).toBe('invalid');
  });
});

describe('human text and data', () => {
  it('the human text reworded over unchanged data, re-signed, is HUMAN_TEXT_MISMATCH', async () => {
    const text = att.text.replace('We have not received any search warrant', 'We have received a search warrant');
    const file = await signedFile(text, people(), at(0));
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('HUMAN_TEXT_MISMATCH');
    expect(r.verdict).toBe('invalid');
  });

  it('the data changed under an unchanged human text (threshold 2 → 1), re-signed, is HUMAN_TEXT_MISMATCH', async () => {
    const text = att.text.replace('"threshold": 2', '"threshold": 1');
    expect(text).not.toBe(att.text);
    const file = await signedFile(text, people(), at(0));
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('HUMAN_TEXT_MISMATCH');
    expect(r.verdict).toBe('invalid');
  });

  it('an unknown format version, re-signed, is FORMAT_UNSUPPORTED', async () => {
    const text = att.text.replace('"format": "candor-canary/1"', '"format": "candor-canary/2"');
    expect(text).not.toBe(att.text);
    const file = await signedFile(text, people(), at(0));
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('FORMAT_UNSUPPORTED');
    expect(r.verdict).toBe('invalid');
  });
});

describe('non-canonical signed text', () => {
  it('a tab inside the signed text, re-signed, is TEXT_NOT_CANONICAL', async () => {
    const file = await signedFile(att.text.replace('Issued:  ', 'Issued:\t'), people(), at(0));
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_NOT_CANONICAL');
    expect(r.verdict).toBe('invalid');
  });

  it('text not in Unicode NFC (a decomposed é), re-signed, is TEXT_NOT_CANONICAL', async () => {
    const statements = [...att.data.statements, { id: 'XOPERS', text: 'Nous n\u0027avons reçu aucune requ\u0065\u0301te.' }];
    // Rendered as given, and signed without candor's own canonical-text check.
    const att2 = await reissue({ ...att.data, statements }, people(), at(0));
    const r = await check(w, { attestation: att2.file, requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_NOT_CANONICAL');
    expect(r.verdict).toBe('invalid');
  });

  it('a line starting with "-" (dash-escaped in the file), re-signed, is TEXT_NOT_CANONICAL', async () => {
    const text = att.text.replace('\nSTATEMENTS\n', '\n-----BEGIN PGP SIGNATURE-----\nSTATEMENTS\n');
    const file = await signedFile(text, people(), at(0));
    expect(file).toContain('\n- -----BEGIN PGP SIGNATURE-----\n');
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_NOT_CANONICAL');
    expect(r.verdict).toBe('invalid');
  });

  it('trailing spaces inside the signed text, re-signed, are TEXT_NOT_CANONICAL', async () => {
    const text = att.text.replace('search warrant for user data.\n', 'search warrant for user data.   \n');
    expect(text).not.toBe(att.text);
    const file = await signedFile(text, people(), at(0));
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_NOT_CANONICAL');
    expect(r.verdict).toBe('invalid');
  });

  it('a CRLF line ending inside the signed text, re-signed, is TEXT_NOT_CANONICAL', async () => {
    const text = att.text.replace('search warrant for user data.\n', 'search warrant for user data.\r\n');
    expect(text).not.toBe(att.text);
    const file = await signedFile(text, people(), at(0));
    expect(file).toContain('\r\n');
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_NOT_CANONICAL');
    expect(r.verdict).toBe('invalid');
  });

  it('a bare carriage return inserted into a signed line (not re-signed) is not alive', async () => {
    const file = editSigned(att.file, 'We have not received any search warrant', 'We have not\r received any search warrant');
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('TEXT_NOT_CANONICAL');
    expect(r.verdict).toBe('invalid');
  });
});

describe('splicing lines', () => {
  it('the statements section spliced in from an older attestation (not re-signed) is not alive', async () => {
    const older = await w.attest({ now: at(-DAY), statements: att.data.statements.slice(0, 2) });
    const from = lineIndex(older.file, 'STATEMENTS');
    const to = lineIndex(older.file, 'CHANGES SINCE THE PREVIOUS ATTESTATION');
    const oldSection = older.file.split('\n').slice(from, to);
    const start = lineIndex(att.file, 'STATEMENTS');
    const end = lineIndex(att.file, 'CHANGES SINCE THE PREVIOUS ATTESTATION');
    const file = spliceLines(att.file, start, end - start, ...oldSection);
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.verdict).toBe('invalid');
    expect(r.codes).toContain('HUMAN_TEXT_MISMATCH');
  });
});
