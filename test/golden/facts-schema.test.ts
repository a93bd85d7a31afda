/**
 * The published JSON Schema of policy facts (docs/schemas/policy-facts.schema.json) is the
 * zod schema's, and every field in it says what it means in DPV (or as a candor: term),
 * and every cookie field its privacy.txt counterpart where the draft has one.
 */
import { describe, expect, it } from 'vitest';
import { factsJsonSchema } from '../../src/core/policy/facts-schema.ts';

type Node = Record<string, unknown>;

/** Every property schema, by its path: dataCollected[].what. */
function properties(node: Node, at = ''): [string, Node][] {
  const out: [string, Node][] = [];
  const props = (node['properties'] ?? {}) as Record<string, Node>;
  for (const [k, v] of Object.entries(props)) {
    const here = at ? `${at}.${k}` : k;
    out.push([here, v], ...properties(v, here));
    const items = v['items'] as Node | undefined;
    if (items) out.push(...properties(items, `${here}[]`));
    for (const option of (v['anyOf'] ?? []) as Node[]) out.push(...properties(option, here));
  }
  return out;
}

describe('the facts JSON Schema', () => {
  const schema = factsJsonSchema();

  it('is the published file', async () => {
    await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot('../../docs/schemas/policy-facts.schema.json');
  });

  it('maps every field to DPV or a candor: term, and describes it', () => {
    const fields = properties(schema);
    expect(fields.length).toBeGreaterThan(60);
    const unmapped = fields.filter(([, s]) => !/^(dpv|pd|tech|loc|rdf|candor):/.test(String(s['x-dpv'] ?? ''))).map(([at]) => at);
    expect(unmapped).toEqual([]);
    expect(fields.filter(([, s]) => typeof s['description'] !== 'string').map(([at]) => at)).toEqual([]);
  });

  it('names the privacy.txt cookie tuple: name, domain, duration, party, optional, HttpOnly, Secure', () => {
    const cookie = properties(schema).filter(([at]) => at.startsWith('cookies[].'));
    const txt = cookie.map(([, s]) => s['x-privacy-txt']).filter(Boolean);
    expect(txt).toEqual([
      'Cookie name',
      'Cookie first or third party',
      'Cookie domain',
      'Cookie duration (seconds)',
      'Cookie optional',
      'Cookie HttpOnly',
      'Cookie Secure',
    ]);
  });
});
