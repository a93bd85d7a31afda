/**
 * The site options of content/service.yml: which parts the service publishes, the path the
 * site is served under, and its branding (decisions 0022 and 0023). Pure: the files named
 * here are checked for existence and content by src/io/site-options.ts.
 */
import { z } from 'zod';

export const PARTS = ['policies', 'transparency', 'canary'] as const;
export type Part = (typeof PARTS)[number];

/** A path under content/, without `..`, ending in one of `extensions`. */
const contentPath = (extensions: string[], example: string) =>
  z
    .string()
    .regex(new RegExp(`^(?!/)(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9._/-]+\\.(${extensions.join('|')})$`, 'i'))
    .describe(`a path under content/ ending in .${extensions.join(' or .')}, e.g. ${example}`);

/** A colour as #rgb or #rrggbb: nothing else can reach the page's style sheet. */
const hexColour = z
  .string()
  .regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/)
  .describe('a colour as #rgb or #rrggbb, in quotes: "#0b5394"');

export const sitePath = z
  .string()
  .regex(/^\/([A-Za-z0-9._~-]+\/)*$/)
  .describe('the path the site is served under, starting and ending with /, e.g. /candor-demo/');

export const partsList = z
  .array(z.enum(PARTS).describe('policies, transparency or canary'))
  .min(1)
  .describe('a list of the parts published, e.g. [policies, transparency, canary]');

export const branding = z
  .strictObject({
    /** The logo in the header: an SVG or PNG under content/, copied into the site. */
    logo: contentPath(['svg', 'png'], 'branding/logo.svg').optional(),
    /** Short text for the logo's alt attribute; the service's name by default. */
    logoAlt: z.string().min(1).describe('the logo\'s text alternative, e.g. "Lumen Mail"').optional(),
    colors: z
      .strictObject({
        /** Links, the current page in the navigation, focus outlines. */
        accent: hexColour.optional(),
        /** The page's background; the text stays #1a1a1a on it. */
        background: hexColour.optional(),
      })
      .describe('{ accent?, background? }')
      .optional(),
    /** Links in every page's footer: the main site, contact, imprint… */
    links: z
      .array(
        z
          .strictObject({
            label: z.string().min(1).describe('the link\'s text, e.g. Imprint'),
            url: z
              .string()
              .regex(/^(https?:\/\/\S+|mailto:[^\s@]+@[^\s@]+)$/)
              .describe('an https:, http: or mailto: URL, e.g. https://lumen-mail.example/imprint'),
          })
          .describe('{ label, url }'),
      )
      .max(12)
      .describe('a list of { label, url }')
      .default([]),
    /** An extra style sheet under content/, copied into the site and linked after Candor's own styles. */
    stylesheet: contentPath(['css'], 'branding/site.css').optional(),
    /** Astro components under content/ that replace Candor's header or footer (the model: Starlight's `components`). */
    components: z
      .strictObject({
        header: contentPath(['astro'], 'branding/Header.astro').optional(),
        footer: contentPath(['astro'], 'branding/Footer.astro').optional(),
      })
      .describe('{ header?, footer? }')
      .optional(),
  })
  .describe('{ logo?, logoAlt?, colors?, links?, stylesheet?, components? }');
export type Branding = z.infer<typeof branding>;

/** Candor's own colours (src/site/layouts/Base.astro); their contrast is measured in ./contrast.ts. */
export const DEFAULT_COLOURS = { accent: '#0645ad', background: '#ffffff', text: '#1a1a1a' } as const;

/** What the content tree holds, as src/io/site-options.ts found it. */
export interface ContentTree {
  policies: boolean;
  transparency: boolean;
  canary: boolean;
}

export interface PartsProblem {
  level: 'error' | 'warning';
  code: 'PART_MISSING' | 'PART_NOT_LISTED' | 'NO_PARTS';
  part?: Part;
  message: string;
}

/**
 * Which parts the site publishes (decision 0022): the list in service.yml when there is
 * one, else what the content tree holds. A listed part without its content is an error;
 * content of an unlisted part is a warning (it is not published).
 */
export function resolveParts(listed: Part[] | undefined, tree: ContentTree): { parts: Set<Part>; problems: PartsProblem[] } {
  const problems: PartsProblem[] = [];
  if (listed === undefined) {
    const parts = new Set(PARTS.filter((p) => tree[p]));
    if (parts.size === 0)
      problems.push({
        level: 'error',
        code: 'NO_PARTS',
        message: 'nothing to publish: no content/policies/, content/transparency/ or content/canary/canary.yml',
      });
    return { parts, problems };
  }
  const parts = new Set(listed);
  for (const p of PARTS) {
    if (parts.has(p) && !tree[p]) problems.push({ level: 'error', code: 'PART_MISSING', part: p, message: `parts lists ${p}, but ${PART_CONTENT[p]} is missing` });
    if (!parts.has(p) && tree[p])
      problems.push({ level: 'warning', code: 'PART_NOT_LISTED', part: p, message: `${PART_CONTENT[p]} exists, but parts does not list ${p}: it is not published` });
  }
  return { parts, problems };
}

/** Where each part's content lives. */
export const PART_CONTENT: Record<Part, string> = {
  policies: 'content/policies/',
  transparency: 'content/transparency/',
  canary: 'content/canary/canary.yml',
};
