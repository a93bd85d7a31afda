/** Fixed, key-less inputs for golden files: fingerprints are data here, nothing is signed. */
import type { CanaryConfig } from '../../src/core/content/canary-config.ts';

export const SERVICE = { name: 'Lumen Mail', url: 'https://lumen-mail.example' };
const fpr = (c: string) => c.repeat(40);

export const FIXED_CONFIG: CanaryConfig = {
  signers: {
    threshold: 2,
    keys: [
      { name: 'Ada Moreau', fingerprint: fpr('A') },
      { name: 'Bruno Keller', fingerprint: fpr('B') },
      { name: 'Chloe Varga', fingerprint: fpr('C') },
    ],
  },
  heartbeat: { keys: [{ name: 'Lumen Mail CI heartbeat', fingerprint: fpr('D') }], intervalHours: 24, graceHours: 24 },
  cadence: { attestationLifetimeDays: 60, maxAttestationLifetimeDays: 90, warnDays: 14 },
  freshness: { required: true, bitcoin: { depth: 6, minSources: 2, maxBlockAgeHours: 24, sources: [] } },
  panicKeys: [{ name: 'Lumen Mail panic', fingerprint: fpr('E') }],
  rotations: [],
  documents: [],
};
