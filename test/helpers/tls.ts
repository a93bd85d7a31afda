/**
 * A throwaway certificate authority and a certificate for test host names, made with the
 * openssl command line, so that a test site is served over https under its own name (a
 * browser gives Web Crypto to secure origins only). Node trusts the authority through
 * NODE_EXTRA_CA_CERTS; Chromium through the context's ignoreHTTPSErrors.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  /** The authority's certificate file: NODE_EXTRA_CA_CERTS for a child process. */
  caFile: string;
  key: string;
  cert: string;
}

export async function makeTestCertificate(dir: string, hosts: string[]): Promise<TestCertificate> {
  const f = (name: string) => path.join(dir, name);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=candor test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  ]);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${hosts[0]}`, '-keyout', f('site.key'), '-out', f('site.csr')]);
  await writeFile(f('site.ext'), `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    f('site.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('site.ext'),
    '-out',
    f('site.pem'),
  ]);
  return { caFile: f('ca.pem'), key: await readFile(f('site.key'), 'utf8'), cert: await readFile(f('site.pem'), 'utf8') };
}
