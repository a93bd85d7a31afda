/** security.txt, manifest.json and canary.json as composed by the core. */
import { describe, expect, it } from 'vitest';
import { serviceConfig } from '../../src/core/content/canary-config.ts';
import { isCanonical } from '../../src/core/canonical.ts';
import { composeSecurityTxt, readSecurityTxtFields } from '../../src/core/site/security-txt.ts';
import { compareWithManifest, composeManifest, MANIFEST_FORMAT, type Manifest } from '../../src/core/site/manifest.ts';
import { canaryStatusJson } from '../../src/core/site/canary-status.ts';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const service = serviceConfig.parse({
  name: 'Test Mail',
  url: 'https://test-mail.example',
  security: {
    contact: ['mailto:security@test-mail.example', 'https://test-mail.example/report'],
    encryption: ['openpgp4fpr:' + 'A'.repeat(40)],
    policy: 'https://test-mail.example/disclosure',
    preferredLanguages: ['en', 'pt-BR'],
  },
});

describe('security.txt', () => {
  it('has the RFC 9116 fields: contacts in order, Expires under a year, Canonical, and is canonical text', () => {
    const text = composeSecurityTxt(service, { now: NOW, signer: 'B'.repeat(40) })!;
    const fields = readSecurityTxtFields(text);
    expect(fields.get('contact')).toEqual(['mailto:security@test-mail.example', 'https://test-mail.example/report']);
    expect(fields.get('expires')).toEqual(['2027-05-22T10:00:00Z']);
    expect(fields.get('canonical')).toEqual(['https://test-mail.example/.well-known/security.txt']);
    expect(fields.get('encryption')).toEqual([`openpgp4fpr:${'A'.repeat(40)}`]);
    expect(fields.get('policy')).toEqual(['https://test-mail.example/disclosure']);
    expect(fields.get('preferred-languages')).toEqual(['en, pt-BR']);
    expect(text).toContain(`# Signed by the automation key ${'B'.repeat(40)}`);
    expect(isCanonical(text)).toBe(true);
  });

  it('Expires follows expiresDays from the build clock', () => {
    const s = serviceConfig.parse({ ...service, security: { ...service.security, expiresDays: 30 } });
    expect(readSecurityTxtFields(composeSecurityTxt(s, { now: NOW })!).get('expires')).toEqual(['2026-12-23T10:00:00Z']);
  });

  it('is not published without a security section', () => {
    expect(composeSecurityTxt(serviceConfig.parse({ name: 'X', url: 'https://x.example' }), { now: NOW })).toBeUndefined();
  });

  it('the schema refuses a contact that is not a URI, and an expiry of a year or more', () => {
    expect(serviceConfig.safeParse({ ...service, security: { contact: ['security@test-mail.example'] } }).success).toBe(false);
    expect(serviceConfig.safeParse({ ...service, security: { contact: ['mailto:a@b.example'], expiresDays: 365 } }).success).toBe(false);
  });
});

describe('manifest.json', () => {
  const files = [
    { path: '/policies/index.html', sha256: `sha256:${'2'.repeat(64)}`, bytes: 20 },
    { path: '/canary.txt', sha256: `sha256:${'1'.repeat(64)}`, bytes: 10 },
    { path: '/manifest.json', sha256: `sha256:${'3'.repeat(64)}`, bytes: 30 },
    { path: '/manifest.json.asc', sha256: `sha256:${'4'.repeat(64)}`, bytes: 40 },
  ];
  const text = composeManifest({ service: { name: 'Test Mail', url: 'https://test-mail.example' }, built: '2026-11-23T10:00:00Z', signer: null, files });
  const manifest = JSON.parse(text) as Manifest;

  it('lists every file but itself and its signature, sorted by path, in canonical JSON', () => {
    expect(manifest.format).toBe(MANIFEST_FORMAT);
    expect(manifest.files.map((f) => f.path)).toEqual(['/canary.txt', '/policies/index.html']);
    expect(text).toBe(composeManifest({ ...manifest, files: [...manifest.files].reverse() }));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('a copy is compared file by file: missing, changed and unlisted files are named', () => {
    const copy = new Map([
      ['/canary.txt', `sha256:${'9'.repeat(64)}`],
      ['/extra.html', `sha256:${'5'.repeat(64)}`],
      ['/manifest.json', 'x'],
    ]);
    expect(compareWithManifest(manifest, copy)).toEqual([
      { path: '/canary.txt', problem: 'changed' },
      { path: '/policies/index.html', problem: 'missing' },
      { path: '/extra.html', problem: 'unlisted' },
    ]);
    expect(compareWithManifest(manifest, new Map(manifest.files.map((f) => [f.path, f.sha256])))).toEqual([]);
  });
});

describe('canary.json', () => {
  const key = { name: 'Ada', fingerprint: 'A'.repeat(40) };
  const ci = { name: 'CI', fingerprint: 'C'.repeat(40) };
  const attestation = {
    data: {
      sequence: 3,
      issued: '2026-11-01T00:00:00Z',
      expires: '2026-12-01T00:00:00Z',
      signal: { kind: 'none' },
      statements: [{ id: 'WAR', text: 'No warrants.' }],
      signers: { threshold: 1, keys: [key] },
      heartbeat: { keys: [ci] },
      documents: [],
    } as unknown as AttestationData,
    hash: `sha256:${'a'.repeat(64)}`,
  };
  const heartbeat = {
    data: {
      sequence: 9,
      issued: '2026-11-22T00:00:00Z',
      expires: '2026-11-23T00:00:00Z',
      attestation: { sequence: 3, hash: attestation.hash },
      signal: { kind: 'none' },
      freshness: null,
    } as unknown as HeartbeatData,
    hash: `sha256:${'b'.repeat(64)}`,
  };

  it('says what expired at build time, the trust level, and the hashes of the signed files', () => {
    const status = JSON.parse(canaryStatusJson({ service: { name: 'T', url: 'https://t.example' }, built: '2026-11-23T10:00:00Z', attestation, heartbeat }));
    expect(status.attestation).toMatchObject({ url: '/canary.txt', sequence: 3, hash: attestation.hash, expiredAtBuild: false });
    expect(status.heartbeat).toMatchObject({ url: '/heartbeat.txt', sequence: 9, expiredAtBuild: true });
    expect(status.trust).toBe('two-layer');
    expect(status.note).toMatch(/Unsigned/);
  });

  it('an attestation signed by a heartbeat key is "automated"; none published is null', () => {
    const automated = { ...attestation, data: { ...attestation.data, signers: { threshold: 1, keys: [ci] } } };
    expect(
      JSON.parse(canaryStatusJson({ service: { name: 'T', url: 'https://t.example' }, built: '2026-11-23T10:00:00Z', attestation: automated })).trust,
    ).toBe('automated');
    const none = JSON.parse(canaryStatusJson({ service: { name: 'T', url: 'https://t.example' }, built: '2026-11-23T10:00:00Z' }));
    expect([none.attestation, none.heartbeat, none.trust]).toEqual([null, null, null]);
  });
});
