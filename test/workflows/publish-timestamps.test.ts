/**
 * The publish job's timestamp steps (scripts/publish.ts heartbeatStep) as written, with
 * the real CLI: an operator repository whose canary.yml has a `timestamps` section gets
 * its attestation stamped by a local calendar in the same commit as the heartbeat; with
 * the calendar down, the heartbeat is still pushed and the proof waits for the next run.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE, heartbeatStep, without, type Env } from '../../scripts/publish.ts';
import { startExplorers } from '../helpers/explorers.ts';
import { startCalendar, type Calendar } from '../helpers/ots-servers.ts';
import { makeProject, NOW, PASSPHRASE, type TestProject } from '../helpers/project.ts';

const exec = promisify(execFile);
let p: TestProject;
let explorers: Awaited<ReturnType<typeof startExplorers>>;
let calendar: Calendar;
const git = async (cwd: string, ...args: string[]): Promise<string> =>
  (await exec('git', ['-C', cwd, '-c', 'user.email=t@example.org', '-c', 'user.name=T', ...args])).stdout.trim();

beforeAll(async () => {
  explorers = await startExplorers();
  calendar = await startCalendar();
  p = await makeProject({ explorers: explorers.sources });
  await p.writeConfig((c) => {
    c['timestamps'] = { calendars: [calendar.url], minCalendars: 1 };
  });
  for (const step of [['prepare'], ['sign', '--key', p.keyFile(p.signers[0]!)], ['sign', '--key', p.keyFile(p.signers[1]!)], ['publish']]) {
    const r = await p.cli(['canary', 'attest', ...step]);
    expect(r.code, r.err).toBe(0);
  }
  const origin = `${p.root}.origin.git`;
  await exec('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  await exec('git', ['init', '-q', '-b', 'main', p.root]);
  await git(p.root, 'add', '.');
  await git(p.root, 'commit', '-q', '-m', 'operator repository');
  await git(p.root, 'remote', 'add', 'origin', origin);
  await git(p.root, 'push', '-q', 'origin', 'main');
}, 120_000);
afterAll(async () => {
  await Promise.all([explorers.close(), calendar.close()]);
  await exec('rm', ['-rf', `${p.root}.origin.git`]);
  await p.cleanup();
});

const env = async (now: string): Promise<Env> => ({
  ...without(process.env, ['GITHUB_TOKEN', 'GITHUB_OUTPUT', 'CANDOR_SIGNING_KEY', 'CANDOR_PASSPHRASE', 'CI']),
  CANDOR_ROOT: p.root,
  CANDOR_NOW: now,
  CANDOR_SIGNING_KEY: await readFile(p.keyFile(p.ci), 'utf8'),
  CANDOR_PASSPHRASE: PASSPHRASE,
});

describe('heartbeatStep with timestamps configured', () => {
  it('stamps the attestation and commits its proof with the heartbeat', async () => {
    const lines: string[] = [];
    const result = await heartbeatStep({ root: p.root, env: await env(NOW), log: (l) => lines.push(l) });
    expect(result.committed, lines.join('\n')).toBe(true);
    expect(calendar.submitted).toHaveLength(1);
    const files = (await git(p.root, 'show', '--name-only', '--format=', 'HEAD')).split('\n').sort();
    expect(files).toEqual([`${ARCHIVE}/attestation-000001.txt.ots`, `${ARCHIVE}/heartbeat-000001.txt`]);
    // The calendar has not put it in a block yet: the next run asks it (and finds it pending).
    expect(calendar.requests.filter((r) => r.startsWith('GET'))).toEqual([]);
  });

  it('with the calendar down, the next heartbeat is pushed all the same, with a warning', async () => {
    await p.writeConfig((c) => {
      c['timestamps'] = { calendars: ['http://127.0.0.1:1'], minCalendars: 1, heartbeats: true };
    });
    await git(p.root, 'commit', '-q', '-am', 'calendar moved');
    const lines: string[] = [];
    const result = await heartbeatStep({ root: p.root, env: await env('2023-07-25T05:30:00Z'), log: (l) => lines.push(l) });
    expect(result.committed).toBe(true);
    expect(lines.join('\n')).toContain('warning: candor canary timestamp stamp failed (exit 69)');
    expect(existsSync(path.join(p.root, ARCHIVE, 'heartbeat-000002.txt'))).toBe(true);
    expect(existsSync(path.join(p.root, ARCHIVE, 'heartbeat-000002.txt.ots'))).toBe(false);
  });
});
