/** A JSON-LD processor (jsonld.js) for checking exports: expansion in safe mode. */
import jsonld from 'jsonld';

type Options = NonNullable<Parameters<typeof jsonld.expand>[1]>;

/**
 * Expands `doc`, throwing on any term or value that expansion would drop (jsonld.js 8+
 * "safe mode"; @types/jsonld predates the option, hence the cast).
 */
export async function expandSafe(doc: object): Promise<Record<string, unknown>[]> {
  const options = { safe: true } as Options;
  return await jsonld.expand(doc, options);
}
