/**
 * Errors that teach (issue 12): at least 40 bad inputs through the shipped CLI, each
 * output pinned in test/golden/files/errors/NAME.txt (update deliberately with
 * `npx vitest run test/golden/errors -u` and read the diff). Every output is also held to
 * the rules: no stack trace, no raw library message, no location twice, exit 70 never,
 * every hint anchor resolving to a heading of the docs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { startFixtureServer, type FixtureServer } from '../../helpers/fixture-server.ts';
import { docRefs, resolves } from '../../helpers/doc-anchors.ts';
import { CASES } from './cases.ts';
import { makeBase, runCase, type Base } from './harness.ts';

/** Phrases of zod, openpgp and Node that must never reach a user. */
const RAW = [
  'Invalid input',
  'Invalid option',
  'Unrecognized key',
  'expected string, received',
  'Error:',
  'ENOENT',
  'EISDIR',
  'EACCES',
  'ECONNREFUSED',
  'ENOTFOUND',
  'Unexpected token',
  'in JSON at position',
  'Misformed armored text',
  'Invalid time value',
  'Signature creation time is in the future',
  'fetch failed',
  'internal error',
  'TypeError',
  'undefined',
  '[object Object]',
  'Error during parsing',
  'does not conform',
  'Unexpected end of packet',
  'Could not find signing key',
  'ERR_',
  'UND_ERR',
  'bad port',
];

/** The "file: field:" of each problem line; a location said twice repeats its head. */
function repeatedLocation(line: string): string | undefined {
  const m = /^(?:ERROR|WARNING|NOTE|error) [A-Z_]+: (.+)$/.exec(line);
  if (!m) return undefined;
  const parts = m[1]!.split(': ');
  for (let i = 1; i < parts.length; i++) if (parts[i] === parts[0] && parts[0]!.includes('/')) return parts[0];
  return undefined;
}

let base: Base;
beforeAll(async () => {
  base = await makeBase();
}, 120_000);
afterAll(async () => {
  await base?.project.cleanup();
  if (base) await rm(base.template, { recursive: true, force: true });
});

describe('errors that teach: golden bad inputs', () => {
  it('has at least 40 cases with distinct names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const kase of CASES) {
    it(
      kase.name,
      async () => {
        let server: FixtureServer | undefined;
        if (kase.server) server = await startFixtureServer(kase.server);
        try {
          const { code, text } = await runCase(base, kase, server?.url ?? '');
          await expect(text).toMatchFileSnapshot(`../files/errors/${kase.name}.txt`);
          expect(code, 'a user mistake is never exit 70').not.toBe(70);
          for (const code of kase.absent ?? []) expect(text, `${code} is a cascade of the error above`).not.toContain(code);
          if (kase.warnsOnly) expect(text).toMatch(/^WARNING /m);
          else expect(code, 'a bad input fails').not.toBe(0);
          expect(text).not.toMatch(/^\s+at /m);
          for (const phrase of RAW) expect(text, `raw library text: ${phrase}`).not.toContain(phrase);
          for (const line of text.split('\n')) expect(repeatedLocation(line), line).toBeUndefined();
          const hints = text
            .split('\n')
            .filter((l) => /^\s*hint:/.test(l))
            .flatMap(docRefs);
          for (const ref of hints) expect(resolves(ref), `hint anchor ${ref}`).toBe(true);
        } finally {
          await server?.close();
        }
      },
      60_000,
    );
  }
});
