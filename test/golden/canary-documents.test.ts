/**
 * Golden files pin the exact canonical text of composed documents: any change to the
 * format shows up here and needs a decision record (docs/decisions/0002-canary-format.md).
 */
import { describe, expect, it } from 'vitest';
import { composeAttestation, composeHeartbeat } from '../../src/core/canary/compose.ts';
import { documentHash, isCanonical } from '../../src/core/canonical.ts';
import { STATEMENTS } from '../helpers/world.ts';
import { FIXED_CONFIG, SERVICE } from '../helpers/fixed.ts';

const now = new Date('2026-11-23T09:00:00Z');
const documents = [{ path: 'policies/privacy/2026-10-01.md', sha256: `sha256:${'0'.repeat(63)}1` }];

describe('golden canary documents', () => {
  it('attestation', async () => {
    const { text } = composeAttestation({ service: SERVICE, config: FIXED_CONFIG, statements: STATEMENTS, documents }, { now });
    expect(isCanonical(text)).toBe(true);
    await expect(text).toMatchFileSnapshot('./files/attestation.txt');
  });

  it('attestation after a change, with a duress signal', async () => {
    const first = composeAttestation({ service: SERVICE, config: FIXED_CONFIG, statements: STATEMENTS, documents }, { now });
    const previous = { data: first.data, hash: await documentHash(first.text) };
    const statements = STATEMENTS.filter((s) => s.id !== 'SUBP');
    const { text } = composeAttestation(
      {
        service: SERVICE,
        config: FIXED_CONFIG,
        statements,
        documents,
        previous,
        explanations: { SUBP: 'We can no longer make this statement.' },
        signal: { kind: 'duress', message: 'Read the statement changes carefully.' },
      },
      { now: new Date('2027-01-10T09:00:00Z') },
    );
    await expect(text).toMatchFileSnapshot('./files/attestation-duress.txt');
  });

  it('heartbeat', async () => {
    const att = composeAttestation({ service: SERVICE, config: FIXED_CONFIG, statements: STATEMENTS, documents }, { now });
    const bitcoin = {
      chain: 'bitcoin',
      height: 924_321,
      depth: 6,
      hash: `00000000000000000001${'ab'.repeat(22)}`,
      time: '2026-11-23T08:41:12Z',
      sources: ['mempool.space', 'blockstream.info'],
    };
    const headlines = [{ source: 'Example News', title: 'A headline from the morning', url: 'https://news.example/a', published: '2026-11-23T07:30:00Z' }];
    const { text } = composeHeartbeat(
      { attestation: { data: att.data, hash: await documentHash(att.text) }, freshness: { bitcoin, headlines } },
      { now: new Date('2026-11-23T09:05:00Z') },
    );
    expect(isCanonical(text)).toBe(true);
    await expect(text).toMatchFileSnapshot('./files/heartbeat.txt');
  });
});
