/**
 * The files `candor init` writes, commented for the operator who reads them first. Each
 * passes `candor check` as written; the comments say what to change.
 */
import { stringify } from 'yaml';
import { firstReportDue } from '../../core/report/period.ts';
import type { Answers } from './init.ts';

const yamlText = (value: string): string => stringify(value, { lineWidth: 0 }).trimEnd();

const firstReportBlock = (today: string) => `transparency:
  # The day the first transparency report is promised: the transparency page says so, and
  # candor check warns once it has passed with no report. Ignored once a report exists.
  firstReportDue: "${firstReportDue(today)}"
`;

export function serviceFile(a: Answers): string {
  return `# Your service, as the site names it (docs/content.md, "Service").
name: ${yamlText(a.name)}
# The address the site is published at (GitHub Pages: https://OWNER.github.io/REPOSITORY).
url: ${a.url}
# One or two sentences for the home page: who runs the service and what it is.
# description: >-
#   ${a.name} is …
policies:
  # Days between publishing a material change and the day it takes effect.
  noticePeriodDays: 30
${a.parts.includes('reports') ? firstReportBlock(a.today) : ''}# /.well-known/security.txt (RFC 9116), signed at publication by the CI key:
# security:
#   contact:
#     - mailto:security@example.org
`;
}

export function policyFile(a: Answers): string {
  return `---
# A policy is a folder (this one: privacy/), a version is a file (1.0.md). A published
# version is never edited: to change the policy, add 1.1.md or 2.0.md
# (npx candor policy new privacy). An existing policy page can be imported instead:
# npx candor policy import saved-page.html (docs/content.md, "Importing an existing policy").
title: Privacy policy
version: "1.0"
effective: ${a.today}
published: ${a.today}
# material (changes what happens to users' data), minor or editorial.
change: material
summary: "The first published version of the ${a.name.replace(/"/g, "'")} privacy policy."
---

This is the privacy policy of ${a.name}. Replace this text with yours.

## What we collect

## How long we keep it

## Who we share it with

## Your rights
`;
}

export function reportsReadme(a: Answers): string {
  return `# Transparency reports

One file per period, named after it: \`2026-h1.md\` (half-yearly), \`2026-q3.md\`
(quarterly) or \`2026.md\` (yearly). Start one with \`npx candor report new 2026-h1\`,
fill in the requests ${a.name} received and how it answered them, then sign it:
\`npx candor report sign 2026-h1 --key ~/private/YOUR-KEY.asc\`. The fields are in
Candor's docs/content.md, "Transparency reports".
`;
}

export function canaryFile(a: Answers): string {
  const ref = (k: { name: string; fingerprint: string }) => `    - name: ${yamlText(k.name)}\n      fingerprint: ${k.fingerprint}`;
  return `# The warrant canary (docs/content.md, "Canary configuration"). Two layers: people
# sign attestations; the CI key signs a heartbeat every day.
signers:
  # How many of the people below must sign every attestation.
  threshold: ${a.threshold}
  keys:
${a.signers.map(ref).join('\n')}

heartbeat:
  # The CI key (the CANDOR_SIGNING_KEY secret): it signs heartbeats only, never attestations.
  keys:
${a.ci ? ref(a.ci) : ''}
  intervalHours: 24
  graceHours: 24

cadence:
  attestationLifetimeDays: 60
  maxAttestationLifetimeDays: 90
  warnDays: 14

# Each heartbeat names a recent Bitcoin block, so it cannot have been signed in advance.
freshness:
  required: true
  bitcoin:
    depth: 6
    minSources: 2
    maxBlockAgeHours: 24
    sources:
      - name: mempool.space
        kind: esplora
        url: https://mempool.space/api
      - name: blockstream.info
        kind: esplora
        url: https://blockstream.info/api

# A signature by one of these keys means: do not trust this canary.
panicKeys: []

rotations: []${
    a.log
      ? `

# The canary log (docs/canary.md): every attestation and heartbeat, appended by the
# publish job with the CANDOR_LOG_KEY secret (the signer key candor init wrote outside
# this repository); the next attestation names this key.
log:
  key: ${a.log.vkey}`
      : ''
  }

# Documents whose SHA-256 each attestation signs (paths under content/).
documents:
  - service.yml
  - canary/statements.yml
`;
}

export function statementsFile(a: Answers): string {
  const s = (id: string, text: string) => `  - id: ${id}\n    text: ${yamlText(text)}`;
  return `# The statements of the warrant canary. IDs are permanent: verifiers compare each
# statement by ID with the previous attestation, and any removal, rewording or
# reordering without a signed explanation trips the canary. Say only what is true.
statements:
${[
  s('WAR', `${a.name} has never been served with a search warrant for user data.`),
  s('GAG', `${a.name} is not bound by any order that forbids us to tell users that their data was requested.`),
  s('SEIZE', `No server, disk or backup of ours has been seized or copied by an authority.`),
  s('DURESS', 'None of the people signing this attestation is doing so under coercion.'),
].join('\n')}
`;
}

export const KEYS_README = `# Public keys

One armored public key per file, named after its fingerprint (\`FINGERPRINT.asc\`).
Add one with \`npx candor keys import THEIR-PUBLIC-KEY.asc\`. Never put a private key
here: \`candor check\` refuses it, and the repository is public.
`;

export const GITIGNORE = `node_modules/
dist/
.astro/
*.tmp
content/notifications/.ledger.lock*
`;

export function operatorReadme(a: Answers): string {
  const has = (p: string) => a.parts.includes(p as Answers['parts'][number]);
  const lines = [
    `# ${a.name}: privacy site`,
    '',
    `The published ${[has('policies') ? 'privacy policy and its changelog' : '', has('reports') ? 'transparency reports' : '', has('canary') ? 'warrant canary' : ''].filter(Boolean).join(', ')} of ${a.name}, built with [Candor](https://www.npmjs.com/package/candor) ${a.version}.`,
    '',
    '```sh',
    'npm install            # Candor, at the version package.json pins',
    'npx candor check       # every rule, every problem at once',
    'npx candor build       # the site, into dist/site',
    'npx candor preview     # serve it on 127.0.0.1',
    'npx candor dev         # a dev server that reloads when content/ changes',
    '```',
    '',
    '## The routine',
    '',
  ];
  if (has('policies'))
    lines.push(
      '- **Change a policy**: `npx candor policy new privacy` writes the next version; edit it, say what changed in `summary`, open a pull request. The review comment shows the word diff and the notice period; merging publishes it.',
    );
  if (has('reports'))
    lines.push(
      '- **Publish a transparency report**: `npx candor report new 2026-h1`, fill it in, `npx candor report sign 2026-h1 --key ~/private/YOU.asc`, pull request, merge.',
    );
  if (has('canary'))
    lines.push(
      '- **Sign the canary** (before the attestation expires; the watchdog issue reminds you): `npx candor canary attest prepare`, then each signer runs `npx candor canary attest sign --key ~/private/THEM.asc`, then `npx candor canary attest publish`; commit and push. The publish workflow adds a heartbeat every day.',
    );
  lines.push(
    '',
    '## Secrets to set (Settings → Secrets and variables → Actions)',
    '',
    '- `CANDOR_SIGNING_KEY`: the CI key (armored private key) that signs security.txt and manifest.json' + (has('canary') ? ', and the daily heartbeat;' : ';'),
    '- `CANDOR_PASSPHRASE`: its passphrase;',
    '- optional, for notices: `CANDOR_SMTP_USER`, `CANDOR_SMTP_PASSWORD`, `CANDOR_WEBHOOK_SECRET`.',
    '',
    'Enable GitHub Pages with "GitHub Actions" as the source. Private keys of people never go into this repository or its secrets.',
    '',
  );
  return lines.join('\n');
}
