/**
 * ISO 3166-1 alpha-2 codes and English names, read from i18n-iso-countries' JSON data
 * rather than through its API: the package's Node entry loads every locale at import
 * and its browser entry registers none, so `getName` would answer differently in the
 * CLI and in the site bundle. The JSON files are plain data and the same everywhere.
 * (Its data includes XK, Kosovo, a user-assigned code in common use.)
 */
import codes from 'i18n-iso-countries/codes.json' with { type: 'json' };
import english from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

const ALPHA2 = new Set(codes.map((entry) => entry[0]));
const NAMES: Record<string, string | string[]> = english.countries;

export function isCountryCode(code: string): boolean {
  return ALPHA2.has(code);
}

/** The official English short name (the first one listed), or the code itself when unknown. */
export function countryName(code: string): string {
  const names = isCountryCode(code) ? NAMES[code] : undefined;
  const name = Array.isArray(names) ? names[0] : names;
  return name ?? code;
}

const BY_NAME = new Map(
  Object.entries(NAMES).flatMap(([code, names]) => (Array.isArray(names) ? names : [names]).map((name) => [name.toLowerCase(), code] as const)),
);

/** The code of a country written as a code (lu) or by one of its English names ("Germany", "USA"), or undefined. */
export function countryCode(written: string): string | undefined {
  const s = written.trim();
  if (/^[A-Za-z]{2}$/.test(s) && isCountryCode(s.toUpperCase())) return s.toUpperCase();
  return BY_NAME.get(s.toLowerCase());
}
