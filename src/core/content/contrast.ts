/**
 * WCAG contrast of the branding colours (decision 0023), measured with colorjs.io. A module
 * of its own, loaded only by what renders or checks the site (src/io/site-options.ts: check,
 * build, dev, preview): every other command reads service.yml without it, and so without
 * loading colorjs.io at all.
 */
import Color from 'colorjs.io';
import { DEFAULT_COLOURS } from './site-options.ts';

/** The light surfaces links also sit on: code blocks and notices. */
const SURFACES = { 'code blocks (#f4f4f4)': '#f4f4f4', 'notices (#fff8e6)': '#fff8e6' } as const;
/** WCAG 2.x AA for normal text. */
export const AA_RATIO = 4.5;

/** The WCAG 2.1 contrast ratio of two colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  return new Color(a).contrast(new Color(b), 'WCAG21');
}

export interface ContrastProblem {
  field: 'colors.accent' | 'colors.background';
  message: string;
}

const ratioText = (r: number): string => `${(Math.floor(r * 100) / 100).toFixed(2)}:1`;

/**
 * Every colour pair a reader sees that falls below AA: the text on the background, and
 * links (the accent) on the background and on the light surfaces. Measured, not guessed.
 */
export function contrastProblems(colors: { accent?: string | undefined; background?: string | undefined } | undefined): ContrastProblem[] {
  const accent = colors?.accent ?? DEFAULT_COLOURS.accent;
  const background = colors?.background ?? DEFAULT_COLOURS.background;
  const problems: ContrastProblem[] = [];
  const text = contrastRatio(DEFAULT_COLOURS.text, background);
  if (text < AA_RATIO)
    problems.push({
      field: 'colors.background',
      message: `the text (${DEFAULT_COLOURS.text}) on ${background} has a contrast of ${ratioText(text)}; WCAG AA needs ${AA_RATIO}:1`,
    });
  const surfaces: [string, string][] = [[`the background (${background})`, background], ...Object.entries(SURFACES)];
  const low = surfaces.map(([name, colour]) => [name, contrastRatio(accent, colour)] as const).filter(([, r]) => r < AA_RATIO);
  if (low.length > 0 && colors?.accent !== undefined)
    problems.push({
      field: 'colors.accent',
      message: `links in ${accent} have a contrast of ${low.map(([name, r]) => `${ratioText(r)} on ${name}`).join(', ')}; WCAG AA needs ${AA_RATIO}:1`,
    });
  return problems;
}
