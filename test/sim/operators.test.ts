/**
 * The simulated year's later operator routines, in two days instead of a year (the full
 * year runs them on their days, CANDOR_SIM_DAYS=365): a transparency report by pull
 * request, then a renewal that also rotates the expiring CI key, each through pr-check,
 * pr-comment, the merge and the publish run it triggers, each announced once.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANDOR, NODE, gpgAt, startService, type Service } from './service.ts';
import { publishReport, renew } from './year.ts';

const exec = promisify(execFile);
const START = new Date('2027-01-18T00:00:00Z');
let s: Service;

beforeAll(async () => {
  s = await startService({ start: START, ciKeyDays: 20, canaryLog: true });
  s.now = new Date('2027-01-18T04:23:00Z');
  const [first] = await s.gh.trigger({ event: 'schedule', cron: '23 4 * * *', at: s.now });
  expect(first!.conclusion, first!.log().slice(-4000)).toBe('success');
}, 300_000);
afterAll(async () => {
  await s?.close();
});

describe("the operators' routines of the simulated year", () => {
  it('two publish runs started at once: the second waits for the first, then finds the heartbeat not due', async () => {
    const at = new Date('2027-01-19T04:23:00Z');
    s.now = at;
    const runs = (
      await Promise.all([
        s.gh.trigger({ event: 'schedule', cron: '23 4 * * *', at }),
        s.gh.trigger({ event: 'workflow_dispatch', workflow: 'publish.yml', at }),
      ])
    )
      .flat()
      .sort((a, b) => a.id - b.id);
    for (const r of runs) expect(r.conclusion, r.log().slice(-5000)).toBe('success');
    expect(runs[1]!.log()).toMatch(/is recent: not due yet/);
  }, 600_000);

  it('a transparency report by pull request: checked, merged, published, announced once', async () => {
    await publishReport(s, 0, '2026-h2');
    const publish = s.gh.runs.filter((r) => r.workflow.file === 'publish.yml').at(-1)!;
    expect(publish.event).toBe('push');
    expect(publish.conclusion, publish.log().slice(-4000)).toBe('success');
    expect(s.receiver.accepted().get('report:2026-h2')).toBe(1);
    expect(await readdir(path.join(s.gh.pagesDir(), 'transparency'))).toEqual(expect.arrayContaining(['2026-h2.json', '2026-h2.json.asc']));
  }, 600_000);

  it('a renewal that rotates the expiring CI key: the next heartbeat is signed by the new key and the reader says ALIVE', async () => {
    const replacement = await s.makeKey('Lumen Mail CI 2', new Date('2027-01-19T09:00:00Z'), 730);
    await renew(s, 1, { retired: s.ci, replacement });
    const publish = s.gh.runs.filter((r) => r.workflow.file === 'publish.yml').at(-1)!;
    expect(publish.conclusion, publish.log().slice(-4000)).toBe('success');
    expect(s.receiver.accepted().get('attestation:2')).toBe(1);
    const site = s.gh.pagesDir();
    expect(await readdir(path.join(site, 'keys'))).toEqual(expect.arrayContaining([`${replacement.fingerprint}.asc`]));
    const gnupg = await mkdtemp(path.join(os.tmpdir(), 'candor-ops-gpg-'));
    try {
      const at = new Date('2027-01-19T12:00:00Z');
      await exec('gpg', [...gpgAt(gnupg, at), '--import', path.join(site, 'keys', `${replacement.fingerprint}.asc`)]);
      const { stdout } = await exec('gpg', [...gpgAt(gnupg, at), '--status-fd', '1', '--verify', path.join(site, 'heartbeat.txt')]);
      expect(stdout).toContain(`[GNUPG:] VALIDSIG ${replacement.fingerprint}`);
    } finally {
      await rm(gnupg, { recursive: true, force: true });
    }
    const state = path.join(s.dir, 'ops-reader.json');
    const r = await s.read(state, new Date('2027-01-19T12:00:00Z'), ['--keys', `${s.ada.fingerprint},${s.bruno.fingerprint}`]);
    expect(r.code, r.out).toBe(0);
    // The archive across the rotation: heartbeats by the retired key, then by its replacement.
    const clone = await s.clone('auditor');
    const archive = await exec(
      NODE,
      [
        CANDOR,
        'verify',
        '--archive',
        path.join(clone.dir, 'content', 'canary', 'archive'),
        '--keyring',
        path.join(clone.dir, 'keys'),
        '--keys',
        `${s.ada.fingerprint},${s.bruno.fingerprint}`,
        '--now',
        '2027-01-19T12:00:00Z',
      ],
      { env: { PATH: process.env['PATH'] } },
    ).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`${e.stdout}${e.stderr}`);
    });
    expect(archive.stdout).toMatch(/ALIVE/);
  }, 600_000);
});
