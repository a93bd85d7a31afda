/**
 * candor check says what a new attestation or heartbeat would fix before a reader finds
 * it: documents in force that the latest attestation does not sign, and expiry.
 */
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { versionSource } from '../helpers/policy.ts';

let p: TestProject;
const at = (days: number) => new Date(Date.parse('2023-07-24T06:00:00Z') + days * 86_400_000).toISOString();

async function warnings(now: string): Promise<{ code: number; found: Record<string, string> }> {
  const r = await p.cli(['check', '--json'], { now });
  const problems = (JSON.parse(r.out) as { problems: { level: string; code: string; message: string }[] }).problems;
  return { code: r.code, found: Object.fromEntries(problems.filter((x) => x.level === 'warning').map((x) => [x.code, x.message])) };
}

beforeAll(async () => {
  p = await makeProject();
  await p.writeConfig((c) => {
    (c['freshness'] as Record<string, unknown>)['required'] = false;
  });
  await p.cli(['canary', 'attest', 'prepare']);
  for (const s of p.signers.slice(0, 2)) await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(s)]);
  expect((await p.cli(['canary', 'attest', 'publish'])).code).toBe(0);
  expect((await p.cli(['canary', 'heartbeat', '--no-freshness', '--key', p.keyFile(p.ci)])).code).toBe(0);
});
afterAll(async () => {
  await p.cleanup();
});

describe('candor check: is the canary current?', () => {
  it('says nothing while the canary signs everything in force and is fresh', async () => {
    expect(await warnings(at(0.5))).toEqual({ code: 0, found: {} });
  });

  it('warns (not fails) when a policy version is added after the attestation, naming it and the command', async () => {
    const file = path.join(p.root, 'content', 'policies', 'privacy', '1.0.md');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, versionSource({ version: '1.0', effective: '2023-01-01', change: 'material', summary: 'First version.' }));
    const { code, found } = await warnings(at(0.5));
    expect(code).toBe(0);
    expect(found['ATTESTATION_OUTDATED']).toMatch(/attestation 1 does not sign policies\/privacy\/1\.0\.md/);
    expect(found['ATTESTATION_OUTDATED']).toContain('candor canary attest prepare');
  });

  it('warns when the heartbeat has expired, then when the attestation has', async () => {
    expect(Object.keys((await warnings(at(3))).found)).toEqual(['ATTESTATION_OUTDATED', 'HEARTBEAT_EXPIRED']);
    expect(Object.keys((await warnings(at(61))).found)).toEqual(['ATTESTATION_OUTDATED', 'ATTESTATION_EXPIRED']);
  });
});
