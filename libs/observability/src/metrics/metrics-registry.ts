import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A registry per application, never prom-client's global one: several applications in one
 * process (the tests, or api and worker side by side) then keep their own counters.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
