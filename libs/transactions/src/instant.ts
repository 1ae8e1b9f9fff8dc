import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * RFC 3339 date-time (ISO 8601 extended format with an offset), or a bare calendar date taken as
 * midnight UTC. Week dates (2026-W48), ordinal dates (2026-330), basic format (20261126,
 * T0900Z) and local times without an offset are refused: they are ambiguous or not instants.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2}):(\d{2})))?$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** The instant `value` names, or null when it is not one (including impossible dates such as 2026-02-30). */
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = DATE_TIME.exec(value);
  if (!match) return null;
  const [year, month, day] = [1, 2, 3].map((i) => Number(match[i]));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (match[4] === undefined) return new Date(Date.UTC(year, month - 1, day));
  const [hour, minute, second] = [4, 5, 6].map((i) => Number(match[i]));
  // A leap second (:60) names no instant JavaScript or PostgreSQL can hold.
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59)) return null;
  const instant = new Date(value.toUpperCase());
  return Number.isNaN(instant.getTime()) ? null : instant;
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isInstant', validator: { validate: (value) => parseInstant(value) !== null } }, options);
}
