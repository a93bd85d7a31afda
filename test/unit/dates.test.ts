/** src/core/dates.ts: dates for people, the same on every machine. */
import { describe, expect, it } from 'vitest';
import { machineDate, readableDate, readableDay, readableInstant } from '../../src/core/dates.ts';

describe('readable dates', () => {
  it('a day: "31 January 2027", no leading zero', () => {
    expect(readableDay('2027-01-31')).toBe('31 January 2027');
    expect(readableDay('2024-02-29')).toBe('29 February 2024');
    expect(readableDay('2025-12-01')).toBe('1 December 2025');
  });

  it('an instant: its UTC day, hours and minutes, "UTC" said', () => {
    expect(readableInstant('2027-01-31T01:03:37Z')).toBe('31 January 2027, 01:03 UTC');
    // An offset is converted, not dropped: 23:30 at -02:00 is the next day in UTC.
    expect(readableInstant('2026-12-31T23:30:00-02:00')).toBe('1 January 2027, 01:30 UTC');
    expect(readableInstant(new Date(Date.UTC(2026, 5, 9, 14, 5)))).toBe('9 June 2026, 14:05 UTC');
    expect(readableDay(new Date(Date.UTC(2026, 5, 9, 23, 59)))).toBe('9 June 2026');
    expect(readableDay('2027-01-31T23:59:59Z')).toBe('31 January 2027');
  });

  it('readableDate picks by shape: a day stays a day', () => {
    expect(readableDate('2027-01-31')).toBe('31 January 2027');
    expect(readableDate('2027-01-31T00:00:00Z')).toBe('31 January 2027, 00:00 UTC');
  });

  it('every month by name, in English, whatever the process locale or time zone', () => {
    const names = Array.from({ length: 12 }, (_, m) => readableDay(`2026-${String(m + 1).padStart(2, '0')}-15`).split(' ')[1]);
    expect(names).toEqual(['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']);
  });

  it('text that is not a date is shown as it is, never as "Invalid Date"', () => {
    expect(readableDay('2027-02-30')).toBe('2027-02-30');
    expect(readableDay('soon')).toBe('soon');
    expect(readableInstant('')).toBe('');
    expect(machineDate('soon')).toBe('soon');
  });

  it('machineDate: a day as written, an instant in UTC to the second', () => {
    expect(machineDate('2027-01-31')).toBe('2027-01-31');
    expect(machineDate('2027-01-31T01:03:37Z')).toBe('2027-01-31T01:03:37Z');
    expect(machineDate('2027-01-31T02:03:37+01:00')).toBe('2027-01-31T01:03:37Z');
    expect(machineDate(new Date(Date.UTC(2027, 0, 31, 1, 3, 37, 250)))).toBe('2027-01-31T01:03:37.250Z');
  });
});
