// npm start: the demo service's site with a throwaway key set, served on localhost.
// First run: makes demo keys in .candor-demo/ (git-ignored); every run signs a fresh
// attestation and heartbeat, builds the site (scripts/demo-site.ts) and serves it,
// printing the URL and the verify command. `--once` exits after starting; `--online`
// checks the freshness block against Bitcoin explorers. $PORT picks the port (0: any free
// one), $CANDOR_DEMO_DIR the folder for the throwaway keys and the site.
import { makeDemoSite } from './demo-site.ts';
import { serveStatic } from './serve.ts';

const dir = process.env['CANDOR_DEMO_DIR'];
const demo = await makeDemoSite({ online: process.argv.includes('--online'), ...(dir ? { dir } : {}) });
const port = Number(process.env['PORT'] ?? 4321);
const server = await serveStatic(demo.site, port);
const url = `http://localhost:${server.port}/`;
console.log(`\nThe demo site for Lumen Mail is at ${url}`);
console.log(`Verify its canary (pinning the two demo signers):\n  npx candor verify ${url} --keys ${demo.pins.join(',')}`);
console.log('Press Ctrl+C to stop.');
if (process.argv.includes('--once')) await server.close();
