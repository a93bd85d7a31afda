/**
 * The structured facts of a policy version (docs/content.md#policy-facts): what is
 * collected and what is not, why, how it is processed, who receives it, where it goes,
 * how long it is kept, cookies and trackers, the operator and its jurisdiction.
 *
 * Every field says what it takes (`.describe()`, read by src/core/content/schema-errors.ts)
 * and what it means in W3C DPV 2.x (`dpv`: a DPV concept or relation, or a `candor:` term
 * where DPV has none); cookie fields also name their IETF privacy.txt draft field
 * (`privacyTxt`). Both travel into the published JSON Schema (`npm run schema`).
 *
 * Old spellings stay valid: a published version is signed by its bytes (canary
 * attestations, HISTORY_REWRITTEN), so files written for the first model must keep
 * parsing unchanged. A country may be a name ("Germany") as before or a code (DE), a
 * jurisdiction free text or { country, law }.
 */
import { z } from 'zod';
import { isCountryCode } from '../report/countries.ts';

/** Documentation of one field: what it takes, and its DPV (and privacy.txt) counterpart. */
interface Meaning {
  dpv: string;
  privacyTxt?: string;
}
const meant = <T extends z.ZodType>(schema: T, description: string, meaning: Meaning): T =>
  schema.meta({ description, 'x-dpv': meaning.dpv, ...(meaning.privacyTxt ? { 'x-privacy-txt': meaning.privacyTxt } : {}) });

const text = z.string().trim().min(1);
const line = (description: string, dpv: string) => meant(text, description, { dpv });
const list = <T extends z.ZodType>(item: T, description: string, dpv: string) => meant(z.array(item), description, { dpv });

/** How long, as people write it in policies; parsed for comparisons by ./duration.ts. */
export const duration = z
  .string()
  .regex(/^(\d+ (hour|day|week|month|year)s?|until .+|as long as .+|session|not stated|no longer than needed)$/)
  .describe('a duration like "45 days", "12 months", "session", "until the account is closed", "as long as …", "no longer than needed" or "not stated"');

/** A country: an ISO 3166-1 alpha-2 code (LU), or, as the first model took it, a name. */
export const country = z
  .string()
  .trim()
  .min(1)
  .refine((s) => !/^[A-Za-z]{2}$/.test(s) || isCountryCode(s), { message: 'a real ISO 3166-1 alpha-2 code', params: { summary: 'not a country code' } })
  .meta({ description: 'a country: an ISO 3166-1 alpha-2 code such as LU or US (a name such as "Germany" is read too)', 'x-dpv': 'dpv:hasLocation (loc:)' });

const partyName = (description: string) => line(description, 'dpv:hasName');

const dataItem = meant(
  z.strictObject({
    what: line('what is collected, e.g. "Your IP address"', 'dpv:hasPersonalData'),
    why: line('why it is collected, e.g. "to stop abuse" (or say it once for several items under purposes)', 'dpv:hasPurpose').optional(),
    legalBasis: line('the legal basis, e.g. "legitimate interest (GDPR art. 6(1)(f))"', 'dpv:hasLegalBasis').optional(),
    category: meant(z.string().regex(/^[A-Z][A-Za-z]+$/), 'its DPV personal data concept, e.g. IPAddress or EmailAddress (https://w3id.org/dpv/pd)', {
      dpv: 'rdf:type (pd:)',
    }).optional(),
  }),
  '{ what, why?, legalBasis?, category? }',
  { dpv: 'dpv:PersonalData' },
);

const purpose = meant(
  z.strictObject({
    purpose: line('the purpose in plain words, e.g. "To process payments"', 'dpv:Purpose'),
    data: list(
      line('the what of an item under dataCollected', 'dpv:hasPersonalData'),
      'the items it covers, by their what; omitted: all of them',
      'dpv:hasPersonalData',
    ).optional(),
    legalBasis: line('the legal basis, e.g. "contract (GDPR art. 6(1)(b))"', 'dpv:hasLegalBasis').optional(),
  }),
  '{ purpose, data?, legalBasis? }',
  { dpv: 'dpv:Purpose' },
);

const activity = meant(
  z.strictObject({
    activity: line('what is done with the data, e.g. "Anti-spam and anti-virus analysis of every message"', 'dpv:Processing'),
    data: list(
      line('one kind of data it reads, e.g. "message content"', 'dpv:hasPersonalData'),
      'what it reads, e.g. ["message content"]',
      'dpv:hasPersonalData',
    ).optional(),
    purpose: line('why, e.g. "to keep spam out of your inbox"', 'dpv:hasPurpose').optional(),
    automated: meant(z.boolean(), 'true when no person looks at the data', { dpv: 'dpv:FullyAutomated' }).optional(),
    profiling: meant(z.boolean(), 'false to state that no profile of a user is built from it', { dpv: 'dpv:Profiling' }).optional(),
  }),
  '{ activity, data?, purpose?, automated?, profiling? }',
  { dpv: 'dpv:Processing' },
);

const retentionStep = meant(
  z.strictObject({
    period: duration.meta({ description: duration.description!, 'x-dpv': 'dpv:StorageDuration / dpv:hasDuration' }),
    after: line('the event the period starts from, e.g. "the account is closed"', 'candor:retentionStartsAfter').optional(),
    why: line('why the data is kept that long, e.g. "users often ask to reopen an account"', 'dpv:hasPurpose').optional(),
    requiredBy: line('the law that requires it, e.g. "Belgian law"', 'dpv:LegalObligation').optional(),
  }),
  '{ period, after?, why?, requiredBy? }',
  { dpv: 'dpv:StorageDuration' },
);

const retention = meant(
  z.strictObject({
    what: line('the kind of data kept, e.g. "Connection logs"', 'dpv:hasPersonalData'),
    ...retentionStep.shape,
    then: list(
      retentionStep,
      'what follows the first period: a list of { period, after?, why?, requiredBy? }, e.g. [{ period: "30 days" }]',
      'dpv:StorageDuration',
    ).optional(),
  }),
  '{ what, period, after?, why?, requiredBy?, then? }',
  { dpv: 'dpv:StorageCondition' },
);

const thirdParty = meant(
  z.strictObject({
    name: partyName('the third party\'s name as readers know it, e.g. "Gravatar"'),
    operator: line('the legal entity that runs it, when another name, e.g. "Automattic Inc."', 'dpv:hasDataController').optional(),
    role: line('what it does for the service, e.g. "payment processor"', 'dpv:hasPurpose'),
    kind: meant(z.enum(['processor', 'third party']), 'processor (works on our instructions) or third party (uses the data as it decides)', {
      dpv: 'dpv:DataProcessor | dpv:ThirdParty',
    }).optional(),
    receives: meant(
      z.array(line('one kind of data it receives, e.g. "billing address"', 'dpv:hasPersonalData')).min(1),
      'a list of what it receives, e.g. ["billing address"]',
      {
        dpv: 'dpv:hasPersonalData',
      },
    ),
    when: line('when it receives it, e.g. "only when you read mail in the webmail"', 'dpv:hasContext').optional(),
    country: country.optional(),
  }),
  '{ name, operator?, role, kind?, receives, when?, country? }',
  { dpv: 'dpv:Recipient' },
);

const recipient = meant(
  z.strictObject({
    who: line('who receives it, e.g. "the recipients of mail you send"', 'dpv:Recipient'),
    receives: meant(
      z.array(line('one kind of data, e.g. "your IP address, in an X-Originating-IP header"', 'dpv:hasPersonalData')).min(1),
      'a list of what they receive',
      {
        dpv: 'dpv:hasPersonalData',
      },
    ),
    when: line('when, e.g. "when you send mail from the webmail"', 'dpv:hasContext').optional(),
  }),
  '{ who, receives, when? }',
  { dpv: 'dpv:Recipient' },
);

const cookie = meant(
  z
    .strictObject({
      name: meant(text, 'the cookie\'s name, e.g. "session"', { dpv: 'tech:Cookie', privacyTxt: 'Cookie name' }).optional(),
      category: line('a kind of cookie, when the policy names none, e.g. "authentication cookies"', 'candor:cookieCategory').optional(),
      setBy: line('who sets it, e.g. "us" or a third party\'s name', 'dpv:hasDataController'),
      party: meant(z.enum(['first', 'third']), "first (set by the service's own site) or third (set by another party, e.g. a CDN)", {
        dpv: 'candor:cookieParty',
        privacyTxt: 'Cookie first or third party',
      }).optional(),
      domain: meant(text, 'the domain it is set for, e.g. lumen-mail.example', { dpv: 'dpv:hasLocation', privacyTxt: 'Cookie domain' }).optional(),
      purpose: line('what it is for, e.g. "keeps you signed in"', 'dpv:hasPurpose'),
      lifetime: duration.meta({
        description: 'how long it lives: "session", "1 year", or "not stated" when the policy does not say',
        'x-dpv': 'dpv:StorageDuration',
        'x-privacy-txt': 'Cookie duration (seconds)',
      }),
      optional: meant(z.boolean(), 'true when the service works without it', { dpv: 'candor:cookieOptional', privacyTxt: 'Cookie optional' }).optional(),
      httpOnly: meant(z.boolean(), 'true when pages cannot read it (HttpOnly)', { dpv: 'candor:cookieHttpOnly', privacyTxt: 'Cookie HttpOnly' }).optional(),
      secure: meant(z.boolean(), 'true when sent over HTTPS only (Secure)', { dpv: 'candor:cookieSecure', privacyTxt: 'Cookie Secure' }).optional(),
      personal: meant(z.boolean(), 'false to state that it holds nothing that identifies a person', { dpv: 'dpv:NonPersonalData' }).optional(),
    })
    .refine((c) => c.name !== undefined || c.category !== undefined, {
      message: 'a name, or a category when the policy names none',
      params: { summary: 'neither a name nor a category', specific: true },
      path: ['name'],
    }),
  '{ name or category, setBy, party?, domain?, purpose, lifetime, optional?, httpOnly?, secure?, personal? }',
  { dpv: 'tech:Cookie' },
);

const tracker = meant(
  z.strictObject({
    name: line('the tool, e.g. "Matomo", or what is measured, e.g. "System performance events"', 'dpv:hasName'),
    purpose: line('what it is for, e.g. "to count visits to the website"', 'dpv:hasPurpose'),
    hostedBy: line('who runs it: "us" for a self-hosted tool, or a provider\'s name', 'dpv:hasDataProcessor').optional(),
    pages: line('where it runs, e.g. "the commercial website only, not the webmail"', 'dpv:hasContext').optional(),
    side: meant(z.enum(['client', 'server', 'both']), 'where it measures: client (in the browser), server or both', { dpv: 'candor:trackerSide' }).optional(),
    personal: meant(z.boolean(), 'false to state that what it records identifies no one', { dpv: 'dpv:NonPersonalData' }).optional(),
  }),
  '{ name, purpose, hostedBy?, pages?, side?, personal? }',
  { dpv: 'dpv:Tracking' },
);

const transfer = meant(
  z.strictObject({
    country: country,
    to: line("who receives it there, e.g. a third party's name", 'dpv:hasRecipient').optional(),
    safeguard: line('what protects it, e.g. "EU standard contractual clauses"', 'dpv:hasSafeguard').optional(),
  }),
  '{ country, to?, safeguard? }',
  { dpv: 'dpv:DataTransfer' },
);

const jurisdiction = meant(
  z.union([
    line('the law the service is under, e.g. "Belgium (EU GDPR)"', 'dpv:hasJurisdiction'),
    z.strictObject({ country, law: line('the law by name, e.g. "EU GDPR"', 'dpv:hasApplicableLaw').optional() }),
  ]),
  '{ country, law? }, e.g. { country: BE, law: EU GDPR }, or a sentence such as "Belgium (EU GDPR)"',
  { dpv: 'dpv:hasJurisdiction' },
);

export const facts = meant(
  z.strictObject({
    /** The legal entity that runs the service. */
    controller: meant(
      z.strictObject({
        name: partyName('the legal entity, e.g. "Lumen Mail S.à r.l."'),
        country: country.optional(),
        address: line('its postal address', 'dpv:hasAddress').optional(),
      }),
      '{ name, country?, address? }',
      { dpv: 'dpv:hasDataController' },
    ).optional(),
    jurisdiction: jurisdiction.optional(),
    dataCollected: list(dataItem, 'a list of { what, why?, legalBasis?, category? }', 'dpv:hasPersonalData').optional(),
    /** Data the policy says the service does not collect: an explicit promise, diffed like the rest. */
    notCollected: list(
      line('one kind of data, e.g. "your postal address"', 'candor:notCollected'),
      'a list of what is not collected, e.g. ["your name"]',
      'candor:notCollected',
    ).optional(),
    purposes: list(purpose, 'a list of { purpose, data?, legalBasis? }', 'dpv:hasPurpose').optional(),
    processing: list(activity, 'a list of { activity, data?, purpose?, automated?, profiling? }', 'dpv:hasProcessing').optional(),
    retention: list(retention, 'a list of { what, period, after?, why?, requiredBy?, then? }', 'dpv:hasStorageCondition').optional(),
    thirdParties: list(thirdParty, 'a list of { name, operator?, role, kind?, receives, when?, country? }', 'dpv:hasRecipient').optional(),
    recipients: list(
      recipient,
      'a list of { who, receives, when? }: people or parties other than third parties who receive data',
      'dpv:hasRecipient',
    ).optional(),
    disclosure: meant(
      z.strictObject({
        stance: meant(z.enum(['never', 'when required by law', 'to the listed parties']), 'whether data is given to anyone else', { dpv: 'dpv:Disclose' }),
        law: line('for "when required by law": which law, e.g. "Belgian law"', 'dpv:hasApplicableLaw').optional(),
        sold: meant(z.boolean(), 'false to state that no data is ever sold', { dpv: 'dpv:SellData' }).optional(),
        surveillance: meant(z.boolean(), 'false to state that the service works with no surveillance programme', {
          dpv: 'candor:surveillanceCooperation',
        }).optional(),
      }),
      '{ stance, law?, sold?, surveillance? }',
      { dpv: 'dpv:Disclose' },
    ).optional(),
    location: meant(
      z.strictObject({
        infrastructure: meant(z.enum(['own', 'rented', 'cloud', 'mixed']), 'whose machines process the data: own, rented (servers at a host), cloud or mixed', {
          dpv: 'dpv:StorageLocation',
        }),
        countries: list(country, 'the countries where data is processed, e.g. [LU]', 'dpv:hasLocation').optional(),
      }),
      '{ infrastructure, countries? }',
      { dpv: 'dpv:StorageLocation' },
    ).optional(),
    transfers: list(transfer, 'a list of { country, to?, safeguard? }; [] says "none"', 'dpv:DataTransfer').optional(),
    cookies: list(cookie, 'a list of { name or category, setBy, purpose, lifetime, … }', 'tech:Cookie').optional(),
    trackers: list(tracker, 'a list of { name, purpose, hostedBy?, pages?, side?, personal? }; [] says "none"', 'dpv:Tracking').optional(),
    /** Global Privacy Control: a browser's Sec-GPC signal honoured as an opt-out; /.well-known/gpc.json says so. */
    gpc: meant(z.boolean(), "true when the service honours Global Privacy Control (a browser's Sec-GPC: 1 signal as an opt-out of any sale or sharing)", {
      dpv: 'candor:honoursGlobalPrivacyControl',
    }).optional(),
    /** Where to write about privacy. */
    contact: meant(
      z.strictObject({
        email: meant(z.email(), 'an e-mail address, e.g. privacy@example.org', { dpv: 'dpv:hasContact' }).optional(),
        address: line('a postal address', 'dpv:hasAddress').optional(),
        url: meant(z.url(), 'a web address, e.g. https://example.org/privacy', { dpv: 'dpv:hasContact' }).optional(),
      }),
      '{ email?, address?, url? }',
      { dpv: 'dpv:hasContact' },
    ).optional(),
  }),
  'the structured facts: dataCollected, notCollected, purposes, processing, retention, thirdParties, recipients, disclosure, location, transfers, cookies, trackers, gpc, controller, jurisdiction, contact',
  { dpv: 'dpv:PersonalDataHandling' },
);
export type Facts = z.infer<typeof facts>;
export type RetentionStep = z.infer<typeof retentionStep>;
