import { PaycheckProcess } from '../support/processes/paycheck-process';
import { EventStreamReader } from '../support/event-stream-reader';
import { createTestDatabase } from '../support/test-databases';
import { testQueuePrefix, uniqueId, waitFor } from '../support/test-app';
import { deliver, webhookBody } from '../support/webhooks';

/** The promise under test: an event reaches a client on any replica within 1 s of its commit. */
const DELIVERY_BOUND_MS = 1000;

/**
 * Two API replicas and a worker, real processes on one database: a client on one replica sees
 * webhooks posted to the other and the worker's processing; SIGTERM ends the stream promptly.
 */
describe('the event stream across replicas', () => {
  let api1: PaycheckProcess;
  let api2: PaycheckProcess;
  let worker: PaycheckProcess;

  beforeAll(async () => {
    const env = {
      DATABASE_URL: await createTestDatabase(),
      QUEUE_PREFIX: testQueuePrefix(),
      PROCESSING_DELAY_MS: '200',
      LOG_LEVEL: 'warn',
    };
    // One at a time: three ts-node boots at once on a busy 2-core machine can pass the boot deadline.
    api1 = await PaycheckProcess.launch({ ...env, APP_ROLE: 'api' }, { label: 'api1' });
    api2 = await PaycheckProcess.launch({ ...env, APP_ROLE: 'api', DB_MIGRATIONS_RUN: 'false' }, { label: 'api2' });
    worker = await PaycheckProcess.launch({ ...env, APP_ROLE: 'worker', DB_MIGRATIONS_RUN: 'false' }, { label: 'worker' });
  }, 300_000);

  afterAll(async () => {
    await Promise.all([api1, api2, worker].filter(Boolean).map((p) => p.kill()));
  });

  it('shows a client on API 1 the webhooks posted to API 2 and their processing, each within 1 s of commit', async () => {
    const reader = await EventStreamReader.connect(`${api1.url}/v1/events`);
    const ids = Array.from({ length: 5 }, () => uniqueId('txn_replicas'));
    for (const id of ids) expect((await deliver(api2.url, webhookBody({ transaction_id: id }))).status).toBe(202);
    await reader.untilEvents(ids.length * 2, 60_000);
    const events = reader.events.filter((event) => ids.includes(event.data.transaction_id as string));
    for (const id of ids) {
      expect(events.filter((event) => event.data.transaction_id === id).map((event) => event.event)).toEqual(['received', 'processed']);
    }
    // Ids increase in stream order.
    const positions = reader.events.map((event) => BigInt(event.id));
    expect(positions.every((position, i) => i === 0 || position > positions[i - 1])).toBe(true);
    // occurred_at is the writer's now(): an upper bound on the time from commit (same machine clock).
    const lags = events.map((event) => event.receivedAt - Date.parse(event.data.occurred_at as string));
    process.stdout.write(`[event-stream-replicas] lag from occurred_at: max ${Math.max(...lags)} ms over ${lags.length} events\n`);
    expect(lags.filter((lag) => lag > DELIVERY_BOUND_MS)).toEqual([]);
    reader.close();
  });

  it('ends an open stream promptly on SIGTERM, and the replica exits 0', async () => {
    const reader = await EventStreamReader.connect(`${api1.url}/v1/events`);
    const started = Date.now();
    const exit = api1.terminate();
    const endedAt = await reader.endedAt;
    expect(endedAt - started).toBeLessThan(5000);
    expect(await exit).toEqual({ code: 0, signal: null });
    await waitFor(
      () => Promise.resolve(api1.running),
      (running) => !running,
    );
  });
});
