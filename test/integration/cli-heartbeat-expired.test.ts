/**
 * `candor canary heartbeat --if-due` once the attestation has expired: never "not due yet",
 * however recent the last heartbeat. The scheduled publish run then fails every day until a
 * renewal is merged (with a weekly heartbeat it would otherwise pass for days, green).
 */
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExplorers } from '../helpers/explorers.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

let p: TestProject;
let explorers: Awaited<ReturnType<typeof startExplorers>>;

beforeAll(async () => {
  explorers = await startExplorers();
  p = await makeProject({ explorers: explorers.sources });
});
afterAll(async () => {
  await explorers.close();
  await p.cleanup();
});

describe('candor canary heartbeat --if-due after the attestation expired', () => {
  it('refuses, with the reason, although the last heartbeat is only hours old', async () => {
    // An attestation that lives one day, from 06:00; a heartbeat at 18:00 the same day.
    for (const args of [
      ['canary', 'attest', 'prepare', '--lifetime-days', '1'],
      ...p.signers.slice(0, 2).map((s) => ['canary', 'attest', 'sign', '--key', p.keyFile(s)]),
      ['canary', 'attest', 'publish'],
    ]) {
      const r = await p.cli(args, { now: '2023-07-24T06:00:00Z' });
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
    }
    const first = await p.cli(['canary', 'heartbeat', '--if-due', '--key', p.keyFile(p.ci)], { now: '2023-07-24T18:00:00Z' });
    expect(first.code, first.err).toBe(0);
    // Seven hours after the attestation expired, thirteen after the heartbeat (interval 24 h).
    const late = await p.cli(['canary', 'heartbeat', '--if-due', '--key', p.keyFile(p.ci)], { now: '2023-07-25T13:00:00Z' });
    expect(late.out).not.toMatch(/not due yet/);
    expect(late.code).not.toBe(0);
    expect(late.code).not.toBe(70);
    expect(late.err).toMatch(/expired/i);
    const archived = await readdir(path.join(p.root, 'content', 'canary', 'archive'));
    expect(archived.filter((f) => f.startsWith('heartbeat-'))).toEqual(['heartbeat-000001.txt']);
  });
});
