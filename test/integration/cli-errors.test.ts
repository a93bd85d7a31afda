/**
 * Bad input gets a clear error (file, field, expected, received), a non-zero exit, and
 * no file half written. Assertions are on codes and exit statuses, not wording.
 */
import path from 'node:path';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { refusedUrl } from '../helpers/fixture-server.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

let p: TestProject;
beforeEach(async () => {
  p = await makeProject();
});
afterEach(async () => {
  await p.cleanup();
});

const canaryYml = () => path.join(p.root, 'content/canary/canary.yml');
const statementsYml = () => path.join(p.root, 'content/canary/statements.yml');
const listing = async (dir: string) => readdir(path.join(p.root, dir)).catch(() => [] as string[]);

async function publishFirstAttestation(): Promise<void> {
  await p.cli(['canary', 'attest', 'prepare']);
  for (const s of p.signers.slice(0, 2)) await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(s)]);
  expect((await p.cli(['canary', 'attest', 'publish'])).code).toBe(0);
}

describe('bad content', () => {
  it('malformed YAML: YAML_INVALID, exit 65, names the file', async () => {
    await writeFile(canaryYml(), 'signers:\n  threshold: 2\n   keys: [\n');
    const result = await p.cli(['check']);
    expect(result.code).toBe(65);
    expect(result.out).toContain('YAML_INVALID');
    expect(result.out).toContain('content/canary/canary.yml');
  });

  it('an unknown field: SCHEMA_INVALID naming the field', async () => {
    await p.writeConfig((c) => {
      (c['heartbeat'] as Record<string, unknown>)['intervalHour'] = 12;
    });
    const result = await p.cli(['check']);
    expect(result.code).toBe(65);
    expect(result.out).toMatch(/SCHEMA_INVALID.*heartbeat\.intervalHour/);
  });

  it('a wrong type: SCHEMA_INVALID with the received value', async () => {
    await p.writeConfig((c) => {
      (c['signers'] as Record<string, unknown>)['threshold'] = 'two';
    });
    const result = await p.cli(['check']);
    expect(result.out).toMatch(/SCHEMA_INVALID.*signers\.threshold/);
    expect(result.out).toContain('"two"');
  });

  it('duplicate statement IDs: DUPLICATE_ID', async () => {
    await writeFile(statementsYml(), 'statements:\n  - id: WAR\n    text: One.\n  - id: WAR\n    text: Two.\n');
    const result = await p.cli(['check']);
    expect(result.code).toBe(65);
    expect(result.out).toContain('DUPLICATE_ID');
  });

  it('a private key under keys/: PRIVATE_KEY_IN_REPO', async () => {
    await writeFile(path.join(p.root, 'keys', 'oops.asc'), p.signers[0]!.privateArmored);
    const result = await p.cli(['check']);
    expect(result.code).toBe(65);
    expect(result.out).toContain('PRIVATE_KEY_IN_REPO');
    expect(result.out).not.toContain('PRIVATE KEY BLOCK');
  });

  it('a signer without a public key: KEY_NOT_FOUND', async () => {
    await p.writeConfig((c) => {
      (c['signers'] as { keys: { fingerprint: string }[] }).keys[0]!.fingerprint = 'A'.repeat(40);
    });
    expect((await p.cli(['check'])).out).toContain('KEY_NOT_FOUND');
  });
});

describe('signing failures leave nothing behind', () => {
  it('missing passphrase: PASSPHRASE_MISSING, exit 77, no signed file', async () => {
    await p.cli(['canary', 'attest', 'prepare']);
    const result = await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(p.signers[0]!)], { env: { CANDOR_PASSPHRASE: '' } });
    expect(result.code).toBe(77);
    expect(result.err).toContain('PASSPHRASE_MISSING');
    expect(await listing('content/canary/pending')).toEqual(['attestation.txt']);
  });

  it('wrong passphrase: PASSPHRASE_WRONG, and the error never shows the passphrase', async () => {
    await p.cli(['canary', 'attest', 'prepare']);
    const result = await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(p.signers[0]!)], { env: { CANDOR_PASSPHRASE: 'hunter2-wrong' } });
    expect(result.code).toBe(77);
    expect(result.err).toContain('PASSPHRASE_WRONG');
    expect(result.err + result.out).not.toContain('hunter2-wrong');
  });

  it('below threshold: publish is refused and the archive stays empty', async () => {
    await p.cli(['canary', 'attest', 'prepare']);
    await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(p.signers[0]!)]);
    const result = await p.cli(['canary', 'attest', 'publish']);
    expect(result.code).toBe(65);
    expect(result.err).toContain('THRESHOLD_NOT_MET');
    expect(await listing('content/canary/archive')).toEqual([]);
  });

  it('unreachable freshness sources: exit 69 and no heartbeat written', async () => {
    const dead = await refusedUrl();
    await p.writeConfig((c) => {
      (c['freshness'] as { bitcoin: { sources: unknown[] } }).bitcoin.sources = [
        { name: 'a', kind: 'esplora', url: `${dead}/api` },
        { name: 'b', kind: 'esplora', url: `${dead}/api2` },
      ];
    });
    await publishFirstAttestation();
    const result = await p.cli(['canary', 'heartbeat', '--key', p.keyFile(p.ci)]);
    expect(result.code).toBe(69);
    expect(result.err).toMatch(/NOT_ENOUGH_SOURCES|SOURCE_UNREACHABLE/);
    expect(await listing('content/canary/archive')).toEqual(['attestation-000001.txt']);
  });

  it('--no-freshness is refused while the config requires a proof', async () => {
    await publishFirstAttestation();
    const result = await p.cli(['canary', 'heartbeat', '--no-freshness', '--key', p.keyFile(p.ci)]);
    expect(result.code).toBe(65);
    expect(result.err).toContain('COMPOSE_REFUSED');
  });

  it('a heartbeat signed by a signer key instead of the CI key is refused', async () => {
    await p.writeConfig((c) => {
      (c['freshness'] as Record<string, unknown>)['required'] = false;
    });
    await publishFirstAttestation();
    const result = await p.cli(['canary', 'heartbeat', '--no-freshness', '--key', p.keyFile(p.signers[0]!)]);
    expect(result.code).toBe(65);
    expect(result.err).toContain('HEARTBEAT_KEY_UNAUTHORISED');
  });

  it('a removed statement without explanation is refused at prepare time', async () => {
    await publishFirstAttestation();
    const file = parse(await readFile(statementsYml(), 'utf8')) as { statements: { id: string }[] };
    await writeFile(statementsYml(), stringify({ statements: file.statements.filter((s) => s.id !== 'GAG') }));
    const refused = await p.cli(['canary', 'attest', 'prepare']);
    expect(refused.code).toBe(65);
    expect(refused.err).toContain('COMPOSE_REFUSED');
    const explained = await p.cli(['canary', 'attest', 'prepare', '--explain', 'GAG=Merged into the SUBP statement.']);
    expect(explained.code, explained.err).toBe(0);
  });
});

describe('usage', () => {
  it('an unknown option is a usage error (64)', async () => {
    expect((await p.cli(['verify', 'x', '--bogus'])).code).toBe(64);
  });
  it('a bad --now is a usage error', async () => {
    expect((await p.cli(['--now', 'yesterday', 'check'])).code).toBe(64);
  });
  it('verify of a missing file exits 65', async () => {
    expect((await p.cli(['verify', path.join(p.root, 'nope.txt'), '--keys', path.join(p.root, 'keys')])).code).toBe(65);
  });
});

describe("a user's mistake is never an internal error (70)", () => {
  it('a missing passphrase or key file: INPUT_UNREADABLE naming the flag and the file (65)', async () => {
    await p.cli(['canary', 'attest', 'prepare']);
    const noPass = await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(p.signers[0]!), '--passphrase-file', path.join(p.secrets, 'nope')]);
    expect(noPass.code).toBe(65);
    expect(noPass.err).toMatch(/^error INPUT_UNREADABLE: .*nope: --passphrase-file: /);
    const noKey = await p.cli(['canary', 'attest', 'sign', '--key', path.join(p.secrets, 'nope.asc')]);
    expect(noKey.code).toBe(65);
    expect(noKey.err).toMatch(/^error INPUT_UNREADABLE: .*nope\.asc: --key: /);
    expect(noKey.err).toContain('received: "no such file or folder"');
  });

  it('--lifetime-days: not a number, or beyond the maximum, is blamed on the flag (64)', async () => {
    const text = await p.cli(['canary', 'attest', 'prepare', '--lifetime-days', 'abc']);
    expect(text.code).toBe(64);
    expect(text.err).toMatch(/^error USAGE: --lifetime-days: /);
    const long = await p.cli(['canary', 'attest', 'prepare', '--lifetime-days', '1000']);
    expect(long.code).toBe(64);
    expect(long.err).toMatch(/^error USAGE: --lifetime-days: .*\n {2}expected: at most 90 days/);
    expect(await listing('content/canary/pending')).toEqual([]);
  });

  it("a clock before the key was made: KEY_NOT_YET_VALID naming the key and the clock (65), not openpgp.js's words", async () => {
    const before = '2022-06-01T00:00:00Z';
    expect((await p.cli(['canary', 'attest', 'prepare'], { now: before })).code).toBe(0);
    const refused = await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(p.signers[0]!)], { now: before });
    expect(refused.code).toBe(65);
    expect(refused.err).toMatch(new RegExp(`^error KEY_NOT_YET_VALID: key ${p.signers[0]!.ref.fingerprint}: `));
    expect(refused.err).not.toMatch(/internal error|Signature creation time/);
  });
});
