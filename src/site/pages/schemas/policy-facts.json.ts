// /schemas/policy-facts.json: the JSON Schema of policy facts, with each field's DPV
// counterpart (src/core/policy/facts-schema.ts); the same file as docs/schemas/.
import type { APIRoute } from 'astro';
import { factsJsonSchema } from '../../../core/policy/facts-schema.ts';

export const GET: APIRoute = () =>
  new Response(`${JSON.stringify(factsJsonSchema(), null, 2)}\n`, { headers: { 'content-type': 'application/schema+json; charset=utf-8' } });
