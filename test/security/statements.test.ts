/** Attacks on the statements: edited after signing, or changed against the previous attestation. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, Statement } from '../../src/core/canary/model.ts';
import { editSigned, reissue, successorData } from '../helpers/tamper.ts';
import { DAY, HOUR, STATEMENTS, at, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

const T1 = at(DAY);
const LATER = at(2 * HOUR, T1);

let w: World;
let att1: Issued<AttestationData>;

beforeAll(async () => {
  w = await makeWorld();
  att1 = await w.attest();
});

const reword = (id: string, text: string): Statement[] => STATEMENTS.map((s) => (s.id === id ? { ...s, text } : s));

describe('edited statements', () => {
  it('a statement edited after signing (data and human text alike) is SIGNATURE_BAD', async () => {
    // Same length, so the human text still wraps exactly like the rendering of the edited data.
    const file = editSigned(att1.file, 'We have not received any search warrant', 'We have now received one search warrant', { all: true });
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('SIGNATURE_BAD');
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });

  it('a statement edited in the human text only, not re-signed, is SIGNATURE_BAD', async () => {
    const file = editSigned(att1.file, 'We have not received any search warrant', 'We have now received one search warrant');
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.verdict).toBe('invalid');
    expect(r.codes).toContain('SIGNATURE_BAD');
  });
});

describe('statement changes against --previous', () => {
  it('a reworded statement, re-signed by the signers without explanation, is STATEMENT_REWORDED (tripped)', async () => {
    const att2 = await reissue(
      successorData(att1, T1, { statements: reword('WAR', 'We have not received any search warrant for user data that we could not contest.') }),
      w.signers.slice(0, 2),
      T1,
    );
    const r = await check(w, { attestation: att2.file, previous: att1.file, requireHeartbeat: false }, LATER);
    expect(r.codes).toContain('STATEMENT_REWORDED');
    expect(r.verdict).toBe('tripped');
  });

  it('a removed statement is STATEMENT_REMOVED (tripped)', async () => {
    const att2 = await reissue(successorData(att1, T1, { statements: STATEMENTS.filter((s) => s.id !== 'GAG') }), w.signers.slice(0, 2), T1);
    const r = await check(w, { attestation: att2.file, previous: att1.file, requireHeartbeat: false }, LATER);
    expect(r.codes).toContain('STATEMENT_REMOVED');
    expect(r.verdict).toBe('tripped');
  });

  it('reordered statements are STATEMENT_REORDERED (tripped)', async () => {
    const [war, gag, ...rest] = STATEMENTS;
    const att2 = await reissue(successorData(att1, T1, { statements: [gag!, war!, ...rest] }), w.signers.slice(0, 2), T1);
    const r = await check(w, { attestation: att2.file, previous: att1.file, requireHeartbeat: false }, LATER);
    expect(r.codes).toContain('STATEMENT_REORDERED');
    expect(r.verdict).toBe('tripped');
  });

  it('a statement removed and re-added under a new ID with the same words is still STATEMENT_REMOVED', async () => {
    const statements = STATEMENTS.map((s) => (s.id === 'WAR' ? { ...s, id: 'WAR2' } : s));
    const att2 = await reissue(successorData(att1, T1, { statements }), w.signers.slice(0, 2), T1);
    const r = await check(w, { attestation: att2.file, previous: att1.file, requireHeartbeat: false }, LATER);
    expect(r.codes).toContain('STATEMENT_REMOVED');
    expect(r.verdict).toBe('tripped');
  });

  it('an explanation of the wrong kind (says reworded, was removed) does not cover a removal', async () => {
    const att2 = await reissue(
      successorData(att1, T1, {
        statements: STATEMENTS.filter((s) => s.id !== 'SUBP'),
        changes: [{ statement: 'SUBP', change: 'reworded', explanation: 'Clearer wording.' }],
      }),
      w.signers.slice(0, 2),
      T1,
    );
    const r = await check(w, { attestation: att2.file, previous: att1.file, requireHeartbeat: false }, LATER);
    expect(r.codes).toContain('STATEMENT_REMOVED');
    expect(r.verdict).toBe('tripped');
  });

  it('an explained change is only a note (STATEMENT_CHANGE_EXPLAINED): the canary stays alive', async () => {
    const att2 = await w.attest({
      now: T1,
      previous: att1,
      statements: STATEMENTS.filter((s) => s.id !== 'SUBP'),
      explanations: { SUBP: 'Merged into WAR: a subpoena is a kind of request we already report.' },
    });
    const hb = await w.heartbeat(att2);
    const r = await check(w, { attestation: att2.file, heartbeat: hb.file, previous: att1.file }, LATER);
    expect(r.codes).toContain('STATEMENT_CHANGE_EXPLAINED');
    expect(r.codes).not.toContain('STATEMENT_REMOVED');
    expect(r.verdict).toBe('alive');
  });
});
