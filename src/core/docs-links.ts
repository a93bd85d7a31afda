/**
 * Where hints send people: sections of the docs, by anchor (GitHub-style heading slugs).
 * test/unit/hint-anchors.test.ts proves every `*.md#anchor` written anywhere in src/
 * resolves to a heading, so a renamed heading fails the suite instead of a user.
 */
export const DOCS = {
  errors: 'docs/content.md#reading-errors',
  service: 'docs/content.md#service',
  parts: 'docs/content.md#parts',
  base: 'docs/content.md#base-path',
  branding: 'docs/content.md#branding',
  statements: 'docs/content.md#canary-statements',
  canary: 'docs/content.md#canary-configuration',
  keys: 'docs/content.md#keys',
  privateKeys: 'docs/content.md#private-keys-are-refused',
  policy: 'docs/content.md#policy-versions',
  facts: 'docs/content.md#policy-facts',
  policyRules: 'docs/content.md#policy-rules',
  exports: 'docs/content.md#exports',
  'app-store-labels': 'docs/content.md#app-store-labels',
  report: 'docs/content.md#transparency-reports',
  requestRows: 'docs/content.md#request-rows',
  counts: 'docs/content.md#counts',
  reportRules: 'docs/content.md#report-rules',
  notify: 'README.md#notifications',
  adopting: 'README.md#adopting-candor-for-your-service',
  cli: 'README.md#cli-reference',
  verifying: 'README.md#with-candor',
  exitCodes: 'README.md#verdicts-and-exit-codes',
  log: 'docs/canary.md#the-canary-log',
  logKey: 'docs/canary.md#the-log-key',
  logVerify: 'docs/canary.md#checking-the-log',
  publishWorkflow: 'docs/workflows.md#publishyml-heartbeat-build-deploy-notify',
} as const;

/** "See docs/content.md#policy-versions." as a hint, or after a sentence of its own. */
export function see(section: keyof typeof DOCS, before?: string): string {
  return `${before ? `${before} ` : ''}See ${DOCS[section]}.`;
}
