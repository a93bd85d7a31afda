import { describe, expect, it } from 'vitest';
import { diffFacts } from '../../src/core/policy/facts-diff.ts';
import { isDeepStrictEqual } from '../../src/core/policy/equal.ts';

describe('diffFacts', () => {
  it('says how retention changed, in plain words', () => {
    const changes = diffFacts(
      { retention: [{ what: 'deleted-mail backups', period: '45 days', after: 'deletion' }] },
      { retention: [{ what: 'deleted-mail backups', period: '30 days', after: 'deletion' }] },
    );
    expect(changes.map((c) => c.text)).toEqual(['Retention of deleted-mail backups: 45 days → 30 days (after deletion)']);
  });

  it('lists new and removed third parties and cookies', () => {
    const avatar = { name: 'Avatarly', role: 'avatar images', receives: ['hashed sender address'], country: 'USA' };
    const changes = diffFacts(
      { cookies: [{ name: 'lb', setBy: 'Lumen Mail', purpose: 'load balancing', lifetime: 'session' }] },
      { thirdParties: [avatar], cookies: [] },
    );
    expect(changes.map((c) => `${c.kind} ${c.area} ${c.subject}`)).toEqual(['added third party Avatarly', 'removed cookie lb']);
    expect(changes[0]!.text).toBe('New third party: Avatarly receives hashed sender address (avatar images, USA)');
    expect(changes[1]!.text).toBe('Cookie removed: lb');
  });

  it('reports jurisdiction and contact changes, and nothing when equal', () => {
    expect(diffFacts({ jurisdiction: 'Belgium' }, { jurisdiction: 'Switzerland' })[0]!.text).toBe('Jurisdiction: Belgium → Switzerland');
    const facts = { jurisdiction: 'Belgium', contact: { email: 'privacy@lumen-mail.example' } };
    expect(diffFacts(facts, structuredClone(facts))).toEqual([]);
    expect(isDeepStrictEqual(facts, structuredClone(facts))).toBe(true);
  });
});
