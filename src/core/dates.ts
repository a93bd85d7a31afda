/**
 * Dates for people, the one formatter of the site: "31 January 2027" for a day,
 * "31 January 2027, 01:03 UTC" for an instant. Always in UTC, with English month names
 * spelt here, so the output is the same on every machine whatever its clock, time zone,
 * locale or ICU data (Intl would depend on the last two). The exact value goes in
 * `<time datetime>` (machineDate); feeds keep their own formats (src/core/feeds.ts).
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
const DAY_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

const pad = (n: number): string => String(n).padStart(2, '0');

/** The instant, or null when `value` is not a date. A day alone is its midnight UTC. */
function toDate(value: string | Date): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  const t = Date.parse(DAY_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(t) ? null : new Date(t);
}

const dayText = (d: Date): string => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]!} ${d.getUTCFullYear()}`;

/** "31 January 2027" from "2027-01-31", an instant or a Date (its UTC day). Text that is not a date is returned as it is. */
export function readableDay(value: string | Date): string {
  const m = typeof value === 'string' ? DAY_ONLY.exec(value) : null;
  if (m) {
    // A day that does not exist (2027-02-30) stays as written rather than roll over to March.
    const real =
      toDate(value)
        ?.toISOString()
        .startsWith(value as string) === true;
    return real ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]!} ${m[1]!}` : String(value);
  }
  const d = toDate(value);
  return d === null ? String(value) : dayText(d);
}

/** "31 January 2027, 01:03 UTC" (minutes: the seconds are in the datetime attribute). Text that is not a date is returned as it is. */
export function readableInstant(value: string | Date): string {
  const d = toDate(value);
  return d === null ? String(value) : `${dayText(d)}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** A day ("2027-01-31") as a day, anything else as an instant. */
export function readableDate(value: string | Date): string {
  return typeof value === 'string' && DAY_ONLY.test(value) ? readableDay(value) : readableInstant(value);
}

/** The value for `<time datetime>`: a day as it is, an instant in UTC to the second ("2027-01-31T01:03:37Z"). */
export function machineDate(value: string | Date): string {
  if (typeof value === 'string' && DAY_ONLY.test(value)) return value;
  const d = toDate(value);
  return d === null ? String(value) : d.toISOString().replace(/\.000Z$/, 'Z');
}
