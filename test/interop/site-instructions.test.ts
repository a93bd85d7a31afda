/**
 * The verification steps the /canary/ page prints are true: its gpg and sq commands,
 * run as written (curl replaced by a copy from the built site), verify the demo canary
 * with the fingerprints the page names.
 */
import path from 'node:path';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDemoSite, type DemoSite } from '../../scripts/demo-site.ts';
import { GPG_DISTRUST, gpgStatus, requireTool, run, sandbox, validSigners, type Sandbox } from '../helpers/tools.ts';

let demo: DemoSite;
let box: Sandbox;
let blocks: string[];
const dir = path.resolve('dist', 'test-sites', `instructions-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

beforeAll(async () => {
  demo = await makeDemoSite({ dir, quiet: true });
  const html = await readFile(path.join(demo.site, 'canary', 'index.html'), 'utf8');
  const verify = html.slice(html.indexOf('id="verify"'));
  blocks = [...verify.matchAll(/<pre[^>]*>([\s\S]*?)<\/pre>/g)].map((m) => unescape(m[1]!));
  box = sandbox();
}, 120_000);
afterAll(async () => {
  await box?.remove();
  await rm(dir, { recursive: true, force: true });
});

/** Runs one printed block line by line in the sandbox; `curl -O URL` copies the file from the build. */
async function runBlock(block: string): Promise<string> {
  let out = '';
  for (const line of block.split('\n').filter(Boolean)) {
    const curl = /^curl -O (\S+)$/.exec(line);
    if (curl) {
      const rel = new URL(curl[1]!).pathname;
      await copyFile(path.join(demo.site, rel), path.join(box.dir, path.basename(rel)));
      continue;
    }
    const [cmd, ...args] = line.split(' ');
    const r = await run(cmd!, args, { cwd: box.dir, env: box.env });
    out += r.stdout;
    if (r.code !== 0) throw new Error(`${line}: exit ${r.code}\n${r.stderr}`);
  }
  return out;
}

describe('the /canary/ page instructions', () => {
  it('print the demo signers’ real fingerprints in the candor command', () => {
    expect(blocks[0]).toMatch(new RegExp(`^npx candor verify https://\\S+/ --keys ${demo.pins.join(',')}$`));
  });

  it('the gpg steps, as printed, show a VALIDSIG for every signer and nothing to distrust', async (ctx) => {
    requireTool(ctx, 'gpg');
    const gpg = blocks.find((b) => b.includes('gpg --status-fd 1 --verify canary.txt'))!;
    const status = gpgStatus(await runBlock(gpg));
    expect(validSigners(status).sort()).toEqual([...demo.pins].sort());
    expect(status.filter((s) => GPG_DISTRUST.includes(s[0]!))).toEqual([]);
    // signed.txt, which the page says to read, is the signed text alone.
    const signed = await readFile(path.join(box.dir, 'signed.txt'), 'utf8');
    expect(signed).toMatch(/^CANDOR WARRANT CANARY: ATTESTATION \d+\n/);
    expect(signed).not.toContain('-----BEGIN PGP');
  });

  it('the sq step, as printed, accepts the canary with the required number of signatures', async (ctx) => {
    requireTool(ctx, 'sq');
    const sq = blocks.find((b) => b.startsWith('sq verify'))!;
    expect(sq).toContain('--signatures 2 canary.txt');
    const out = await runBlock(sq);
    expect(out.length).toBeGreaterThan(0);
    // A tampered copy fails the same command.
    const file = path.join(box.dir, 'canary.txt');
    const genuine = await readFile(file, 'utf8');
    const tampered = genuine.replace('has never', 'has now');
    expect(tampered).not.toBe(genuine);
    await writeFile(file, tampered);
    await expect(runBlock(sq)).rejects.toThrow(/exit [1-9]/);
    await writeFile(file, genuine);
  });
});
