import { parseInstant } from './instant';

describe('parseInstant', () => {
  it.each([
    ['2026-11-26T09:00:00Z', '2026-11-26T09:00:00.000Z'],
    ['2026-11-26T09:00:00.123Z', '2026-11-26T09:00:00.123Z'],
    ['2026-11-26T09:00:00.123456Z', '2026-11-26T09:00:00.123Z'],
    ['2026-11-26T14:30:00+05:30', '2026-11-26T09:00:00.000Z'],
    ['2026-11-26T04:00:00-05:00', '2026-11-26T09:00:00.000Z'],
    ['2026-11-26t09:00:00z', '2026-11-26T09:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2026-11-26', '2026-11-26T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each([
    ['a week date', '2026-W48'],
    ['a week date with a day', '2026-W48-4'],
    ['an ordinal date', '2026-330'],
    ['the basic date format', '20261126'],
    ['the basic time format', '2026-11-26T0900Z'],
    ['a local time without an offset', '2026-11-26T09:00:00'],
    ['hours and minutes only', '2026-11-26T09:00Z'],
    ['February 30th', '2026-02-30T00:00:00Z'],
    ['February 29th of a common year', '2026-02-29'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['hour 24', '2026-11-26T24:00:00Z'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['an offset beyond 23 hours', '2026-11-26T09:00:00+24:00'],
    ['a space instead of T', '2026-11-26 09:00:00Z'],
    ['a year without month', '2026'],
    ['trailing text', '2026-11-26T09:00:00Z junk'],
    ['a number', 1764147600000],
    ['an array', ['2026-11-26T09:00:00Z']],
  ])('refuses %s (%s)', (_case, value) => {
    expect(parseInstant(value)).toBeNull();
  });
});
