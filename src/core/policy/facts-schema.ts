/**
 * The facts as a JSON Schema (draft 2020-12), generated from the one zod schema: what
 * editors and other tools validate against. Every property carries its description, its
 * W3C DPV counterpart (`x-dpv`) and, for cookies, its IETF privacy.txt field
 * (`x-privacy-txt`). Published with the site at /schemas/policy-facts.json and kept in
 * docs/schemas/policy-facts.schema.json (test/golden/facts-schema.test.ts keeps the two equal).
 */
import { z } from 'zod';
import { facts } from './facts.ts';

export const FACTS_SCHEMA_PATH = '/schemas/policy-facts.json';

export function factsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(facts, { target: 'draft-2020-12', io: 'input' });
  return {
    $schema: schema['$schema'],
    title: 'Candor policy facts',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
