import { randomBytes } from 'node:crypto';

/** Time-ordered and random enough that parallel runs on one machine never collide. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export function uniqueId(label: string): string {
  return `${label}_${uniqueSuffix()}`;
}
