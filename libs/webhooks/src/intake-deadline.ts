import { Problems } from '@app/http';

/**
 * Intake must answer 503 within 5 s when PostgreSQL is unavailable (docs/guarantees.md). A hung PostgreSQL (no
 * refusal) otherwise costs a pool wait plus a query timeout per query: measured 5.8 s with 30
 * deliveries in flight per replica (test/faults/postgres-down). Past this deadline intake
 * answers 503; work that still commits later is a redelivery's replay.
 */
export const INTAKE_DEADLINE_MS = 4000;

export function withinIntakeDeadline<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Problems.storageUnavailable()), INTAKE_DEADLINE_MS);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
