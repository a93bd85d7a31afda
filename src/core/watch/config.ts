/**
 * The schema of watch.yml: the canaries `candor watch` checks (docs/watch.md). Each field
 * says what it takes next to its schema (.describe()), so that every problem is reported
 * in our words (schema-errors.ts), each field once.
 */
import { z } from 'zod';
import { fingerprint } from '../canary/model.ts';
import { parseYaml, validate } from '../content/yaml.ts';

export const WATCH_DOCS = 'docs/watch.md#watchyml';
export const WATCH_RULE_DOCS = 'docs/watch.md#reading-a-signed-text-canary';

/** A regular expression that compiles; its first capture group is the value. */
const pattern = z
  .string()
  .min(1)
  .refine(
    (source) => {
      try {
        new RegExp(source, 'm');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'a regular expression JavaScript can compile', params: { summary: 'not a regular expression' } },
  )
  .describe("a regular expression with one capture group, in single quotes, e.g. 'Date: (\\d{4}-\\d{2}-\\d{2})'");

/** Where a date is in the text: the value of a "Name: value" line, or a regular expression's first group. */
const dateRule = z
  .union([
    z.strictObject({ field: z.string().min(1).describe('the name before the colon on the line, e.g. Date') }).describe('{ field }'),
    z.strictObject({ regex: pattern }).describe('{ regex }'),
  ])
  .describe('{ field: NAME } for a "NAME: 2026-12-01" line, or { regex: \'...(date)...\' }');

const statementsRule = z
  .strictObject({
    /** Matched against every line of the signed text: each match is one statement (group 1, or the whole match). */
    regex: pattern,
  })
  .describe('{ regex }: each line it matches is one statement');

export const signedTextRule = z
  .strictObject({
    issued: dateRule,
    /** The stated expiry; without it, `expiresAfterDays` from the issue date. */
    expires: dateRule.optional(),
    expiresAfterDays: z.int().min(1).max(3660).describe('days from the issue date to the expiry, 1 to 3660, e.g. 90').optional(),
    statements: statementsRule,
  })
  .describe('{ issued, expires or expiresAfterDays, statements }');
export type SignedTextRule = z.infer<typeof signedTextRule>;

const siteName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
  .describe('a short name of lower-case letters, digits and dashes, e.g. lumen-mail (it names the state file and `candor watch accept NAME`)');

const site = z
  .strictObject({
    name: siteName,
    /** A Candor site's address, or the URL of a signed text file. */
    url: z.url({ protocol: /^https?$/ }).describe('the address to check, http: or https:, e.g. https://mail.example.org/'),
    kind: z.enum(['candor', 'signed-text']).describe('candor (a Candor site) or signed-text (an OpenPGP-signed text of another system)'),
    /** The signing keys trusted, by fingerprint. */
    pins: z.array(fingerprint).min(1).describe('a list of signing key fingerprints').optional(),
    /** Trust the keys seen on the first check; a later change is held until `candor watch accept NAME`. */
    tofu: z.literal(true).describe('true: trust the keys seen on the first check (trust on first use)').optional(),
    /** Public key material: files or URLs. Never trust by itself; a Candor site also serves its own. */
    keys: z.array(z.string().min(1).describe('a key file or an https: URL of an armored public key')).describe('a list of key files or URLs').default([]),
    /** signed-text: a detached signature; without it the text is OpenPGP cleartext-signed. */
    signature: z
      .url({ protocol: /^https?$/ })
      .describe('the URL of the detached signature, e.g. https://example.org/canary.txt.sig')
      .optional(),
    rule: signedTextRule.optional(),
    /** Hours between checks: a run skips a site checked more recently. */
    intervalHours: z
      .int()
      .min(0)
      .max(24 * 31)
      .describe('hours between checks, 0 to 744, e.g. 24')
      .default(24),
    /** Failed checks in a row before the site is "unknown". */
    unknownAfter: z.int().min(1).max(100).describe('failed checks in a row before the site is unknown, 1 to 100, e.g. 3').default(3),
  })
  .describe('{ name, url, kind, pins or tofu, keys?, signature?, rule?, intervalHours?, unknownAfter? }');
export type WatchSite = z.infer<typeof site>;

export const watchConfig = z
  .strictObject({
    sites: z.array(site).min(1).describe('a list of sites { name, url, kind, pins or tofu, … }'),
    checks: z
      .strictObject({
        concurrency: z.int().min(1).max(64).describe('sites checked at once, 1 to 64, e.g. 8').default(8),
        timeoutSeconds: z.int().min(1).max(300).describe('seconds for one request, 1 to 300, e.g. 10').default(10),
        retries: z.int().min(0).max(5).describe('extra attempts after a failed request, 0 to 5, e.g. 2').default(2),
      })
      .describe('{ concurrency?, timeoutSeconds?, retries? }')
      .default({ concurrency: 8, timeoutSeconds: 10, retries: 2 }),
    /** The status page and feed written with --out. */
    page: z
      .strictObject({
        title: z.string().min(1).describe("the page's title, e.g. Canaries we watch").default('Canary watch'),
        /** Where the page is published: the feed's links and the host in its entry ids. */
        url: z
          .url({ protocol: /^https?$/ })
          .describe('the address the page is published at, e.g. https://watch.example.org/')
          .optional(),
        /** The date in every entry id (tag:<host>,<date>:…): set once, never changed. */
        tagDate: z
          .string()
          .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)
          .describe('a date like 2026 or 2026-12-01, in quotes: "2026"')
          .default('2026'),
      })
      .describe('{ title?, url?, tagDate? }')
      .default({ title: 'Canary watch', tagDate: '2026' }),
    /** Where each event is sent, exactly once per channel (the notifier's ledger, in the state folder). */
    alerts: z
      .strictObject({
        webhooks: z
          .array(
            z
              .strictObject({
                url: z.url({ protocol: /^https?$/ }).describe("the receiver's URL, e.g. https://hooks.example.org/candor"),
                /** The environment variable holding the HMAC-SHA256 secret (never the secret itself). */
                secretEnv: z
                  .string()
                  .regex(/^[A-Z_][A-Z0-9_]*$/)
                  .describe('the name of the environment variable holding the secret, e.g. WATCH_WEBHOOK_SECRET'),
              })
              .describe('{ url, secretEnv }'),
          )
          .describe('a list of webhooks { url, secretEnv }')
          .default([]),
        /** E-mail through an SMTP server, signed with the watcher's own key ($CANDOR_SIGNING_KEY). */
        email: z
          .strictObject({
            host: z.string().min(1).describe('the SMTP server, e.g. smtp.example.org'),
            port: z.int().min(1).max(65535).describe('the SMTP port, e.g. 587').default(587),
            security: z
              .enum(['starttls', 'tls', 'none'])
              .describe('starttls (default; refuses plain text), tls (port 465) or none (a local relay only)')
              .default('starttls'),
            from: z.string().min(3).describe('the sender, e.g. "Canary watch <watch@example.org>"'),
            to: z.array(z.string().min(3).describe('an address, e.g. me@example.org')).min(1).describe('a list of addresses'),
            userEnv: z.string().min(1).describe('the name of the environment variable holding the SMTP user').optional(),
            passwordEnv: z.string().min(1).describe('the name of the environment variable holding the SMTP password').optional(),
          })
          .describe('{ host, port?, security?, from, to, userEnv?, passwordEnv? }')
          .optional(),
      })
      .describe('{ webhooks?, email? }')
      .optional(),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.sites.forEach((s, i) => {
      if (seen.has(s.name))
        ctx.addIssue({
          code: 'custom',
          path: ['sites', i, 'name'],
          message: 'a name no other site has',
          params: { summary: 'a name used twice', specific: true },
        });
      seen.add(s.name);
      if (s.pins && s.tofu)
        ctx.addIssue({
          code: 'custom',
          path: ['sites', i, 'tofu'],
          message: 'either pins or tofu: true, not both',
          params: { summary: 'both pins and tofu', specific: true },
        });
      if (!s.pins && !s.tofu)
        ctx.addIssue({
          code: 'custom',
          path: ['sites', i, 'pins'],
          message: 'a list of fingerprints, or tofu: true to trust the first keys seen',
          params: { summary: 'missing', specific: true },
        });
      if (s.kind === 'signed-text') {
        if (!s.rule)
          ctx.addIssue({
            code: 'custom',
            path: ['sites', i, 'rule'],
            message: 'how to read the dates and statements: { issued, expires or expiresAfterDays, statements }',
            params: { summary: 'missing', specific: true },
          });
        else if (!s.rule.expires && !s.rule.expiresAfterDays)
          ctx.addIssue({
            code: 'custom',
            path: ['sites', i, 'rule', 'expires'],
            message: 'where the expiry is stated ({ field } or { regex }), or expiresAfterDays',
            params: { summary: 'no expiry', specific: true },
          });
        if (s.keys.length === 0)
          ctx.addIssue({
            code: 'custom',
            path: ['sites', i, 'keys'],
            message: "the signer's public key, as a file or URL: another system's site does not serve keys where candor looks",
            params: { summary: 'missing', specific: true },
          });
      } else if (s.rule || s.signature) {
        ctx.addIssue({
          code: 'custom',
          path: ['sites', i, s.rule ? 'rule' : 'signature'],
          message: 'nothing: a Candor canary is read by its own format',
          params: { summary: 'only for kind: signed-text', specific: true },
        });
      }
    });
  });
export type WatchConfig = z.infer<typeof watchConfig>;

/** watch.yml, checked: every problem is a ContentError naming the file and field, with a hint to docs/watch.md. */
export function parseWatchConfig(text: string, file: string): WatchConfig {
  return validate(watchConfig, parseYaml(text, file), file, { hint: `See ${WATCH_DOCS}.`, source: text });
}
