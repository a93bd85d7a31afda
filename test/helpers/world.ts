/**
 * A throwaway canary world for tests: real keys (openpgp.js, v4 Ed25519), a config,
 * and helpers that compose and sign attestations and heartbeats at chosen instants.
 */
import * as openpgp from 'openpgp';
import { composeAttestation, composeHeartbeat, type Previous } from '../../src/core/canary/compose.ts';
import type { AttestationData, HeartbeatData, KeyRef, Signal, Statement } from '../../src/core/canary/model.ts';
import { documentHash } from '../../src/core/canonical.ts';
import type { CanaryConfig } from '../../src/core/content/canary-config.ts';
import type { BitcoinProof } from '../../src/core/freshness.ts';
import { generateSigningKey } from '../../src/core/pgp/keys.ts';
import { signDocument } from '../../src/core/pgp/sign.ts';

export const T0 = new Date('2026-11-01T12:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const at = (offsetMs: number, base = T0): Date => new Date(base.getTime() + offsetMs);

export interface TestKey {
  ref: KeyRef;
  privateKey: openpgp.PrivateKey;
  publicKey: openpgp.PublicKey;
  publicArmored: string;
  privateArmored: string;
}

export async function makeKey(name: string, opts: { created?: Date; expiresInDays?: number; passphrase?: string } = {}): Promise<TestKey> {
  const generated = await generateSigningKey({
    name,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`,
    now: opts.created ?? at(-30 * DAY),
    ...(opts.expiresInDays ? { expiresInDays: opts.expiresInDays } : {}),
    ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
  });
  const privateKey = await openpgp.readPrivateKey({ armoredKey: generated.privateKey });
  const unlocked = opts.passphrase ? await openpgp.decryptKey({ privateKey, passphrase: opts.passphrase }) : privateKey;
  const publicKey = await openpgp.readKey({ armoredKey: generated.publicKey });
  return {
    ref: { name, fingerprint: generated.fingerprint },
    privateKey: unlocked,
    publicKey,
    publicArmored: generated.publicKey,
    privateArmored: generated.privateKey,
  };
}

export const STATEMENTS: Statement[] = [
  { id: 'WAR', text: 'We have not received any search warrant for user data.' },
  { id: 'GAG', text: 'We are not under any gag order that stops us from telling users about a request.' },
  { id: 'SUBP', text: 'We have not received any subpoena for user data.' },
  { id: 'DURESS', text: 'We are not signing this under duress.' },
];

export function blockProof(issued: Date, overrides: Partial<BitcoinProof> = {}): BitcoinProof {
  return {
    chain: 'bitcoin',
    height: 921_000,
    depth: 6,
    sources: ['mempool.space', 'blockstream.info'],
    hash: '00000000000000000001c7c4fb4f5b739e74f18ca4b3b6add30011982c0735d7',
    time: new Date(issued.getTime() - HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...overrides,
  };
}

export interface World {
  signers: TestKey[];
  ci: TestKey;
  panic: TestKey;
  config: CanaryConfig;
  keys: openpgp.Key[];
  pins: string[];
  attest(opts?: AttestOptions): Promise<Issued<AttestationData>>;
  heartbeat(att: Issued<AttestationData>, opts?: HeartbeatOptions): Promise<Issued<HeartbeatData>>;
}

export interface Issued<T> extends Previous<T> {
  text: string;
  file: string;
}

export interface AttestOptions {
  now?: Date;
  statements?: Statement[];
  previous?: Issued<AttestationData>;
  explanations?: Record<string, string>;
  signWith?: TestKey[];
  signal?: Signal;
  lifetimeDays?: number;
  documents?: { path: string; sha256: string }[];
  config?: Partial<CanaryConfig>;
}

export interface HeartbeatOptions {
  now?: Date;
  previous?: Issued<HeartbeatData>;
  signWith?: TestKey[];
  bitcoin?: BitcoinProof | null;
  signal?: Signal;
}

export function makeConfig(signers: TestKey[], ci: TestKey, panic: TestKey | null, threshold = 2): CanaryConfig {
  return {
    signers: { threshold, keys: signers.map((s) => s.ref) },
    heartbeat: { keys: [ci.ref], intervalHours: 24, graceHours: 24 },
    cadence: { attestationLifetimeDays: 60, maxAttestationLifetimeDays: 90, warnDays: 14 },
    freshness: { required: true, bitcoin: { depth: 6, minSources: 2, maxBlockAgeHours: 24, sources: [] } },
    panicKeys: panic ? [panic.ref] : [],
    rotations: [],
    documents: [],
  };
}

export async function makeWorld(opts: { signers?: number; threshold?: number } = {}): Promise<World> {
  const signers = await Promise.all(Array.from({ length: opts.signers ?? 3 }, (_, i) => makeKey(`Signer ${String.fromCharCode(65 + i)}`)));
  const ci = await makeKey('CI heartbeat');
  const panic = await makeKey('Panic');
  const config = makeConfig(signers, ci, panic, opts.threshold ?? 2);
  const service = { name: 'Lumen Mail', url: 'https://lumen-mail.example' };
  const world: World = {
    signers,
    ci,
    panic,
    config,
    keys: [...signers, ci, panic].map((k) => k.publicKey),
    pins: signers.map((s) => s.ref.fingerprint),
    async attest(o = {}) {
      const now = o.now ?? T0;
      const { data, text } = composeAttestation(
        {
          service,
          config: { ...config, ...o.config },
          statements: o.statements ?? STATEMENTS,
          documents: o.documents ?? [],
          ...(o.previous ? { previous: o.previous } : {}),
          ...(o.explanations ? { explanations: o.explanations } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          ...(o.lifetimeDays ? { lifetimeDays: o.lifetimeDays } : {}),
        },
        { now },
      );
      const file = await signDocument(
        text,
        (o.signWith ?? signers.slice(0, opts.threshold ?? 2)).map((k) => k.privateKey),
        { now },
      );
      return { data, text, file, hash: await documentHash(text) };
    },
    async heartbeat(att, o = {}) {
      const now = o.now ?? at(HOUR, new Date(att.data.issued));
      const bitcoin = o.bitcoin === null ? undefined : (o.bitcoin ?? blockProof(now));
      const { data, text } = composeHeartbeat(
        { attestation: att, ...(o.previous ? { previous: o.previous } : {}), freshness: { bitcoin }, ...(o.signal ? { signal: o.signal } : {}) },
        { now },
      );
      const file = await signDocument(
        text,
        (o.signWith ?? [ci]).map((k) => k.privateKey),
        { now },
      );
      return { data, text, file, hash: await documentHash(text) };
    },
  };
  return world;
}
