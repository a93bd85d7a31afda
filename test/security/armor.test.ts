/**
 * Unsigned text inside a signed file (issue 11, class 1). The published bytes must be
 * exactly the framing candor writes for the text and signatures it verified, whichever
 * reader (by hand or openpgp.js) read them: text after the checksum, lines shaped like
 * armor, fake armor pairs, Unicode line separators, a missing Hash: header, a bad
 * checksum, re-armored packets are all refused, on both paths alike (check()).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { ACCEPTED_VARIANTS, FRAMING_ATTACKS, NOTICE } from '../helpers/attacks.ts';
import { makeWorld, type Issued, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

let w: World;
let att: Issued<AttestationData>;
let hb: Issued<HeartbeatData>;

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest();
  hb = await w.heartbeat(att);
});

describe("attacks on the attestation's framing", () => {
  it.each(FRAMING_ATTACKS)('$name: $code', async ({ attack, code }) => {
    const file = await attack(att.file);
    expect(file).not.toBe(att.file);
    const r = await check(w, { attestation: file, heartbeat: hb.file });
    expect(r.codes).toContain(code);
    expect(r.verdict).toBe('invalid');
    expect(r.reasons.find((x) => x.code === code)?.subject).toBe('attestation');
  });
});

describe("attacks on the heartbeat's framing", () => {
  it.each(FRAMING_ATTACKS)('$name: $code', async ({ attack, code }) => {
    const r = await check(w, { attestation: att.file, heartbeat: await attack(hb.file) });
    expect(r.codes).toContain(code);
    expect(r.verdict).toBe('invalid');
    expect(r.reasons.find((x) => x.code === code)?.subject).toBe('heartbeat');
  });
});

describe('what is accepted', () => {
  it.each(ACCEPTED_VARIANTS)('$name is alive', async ({ variant }) => {
    const r = await check(w, { attestation: variant(att.file), heartbeat: variant(hb.file) });
    expect([...r.codes].sort()).toEqual(['FRESHNESS_UNCHECKED', 'HISTORY_UNCHECKED']);
    expect(r.verdict).toBe('alive');
  });
});

describe('the message tells an operator where and what to do', () => {
  it('names the first differing line, shows invisible characters, and says to publish the file as candor wrote it', async () => {
    const lines = att.file.split('\n');
    const end = lines.indexOf('-----END PGP SIGNATURE-----');
    const file = [...lines.slice(0, end), `\u2028${NOTICE}`, ...lines.slice(end)].join('\n');
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    const reason = r.reasons.find((x) => x.code === 'TEXT_OUTSIDE_SIGNED');
    expect(reason?.message).toContain(`line ${end + 1} is "\\u{2028}UPDATE: we have received`);
    expect(reason?.message).toContain('expected "-----END PGP SIGNATURE-----"');
    expect(reason?.message).toContain('publish the file exactly as candor wrote it');
  });
});
