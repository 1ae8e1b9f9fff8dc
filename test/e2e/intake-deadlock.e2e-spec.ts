import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type NewTransaction, TransactionsService } from '@app/transactions';
import { type TestApp, isolatedEnv, startTestApp, uniqueId } from '../support/test-app';

/** Deliveries made on the service, not over HTTP: their `received` events say so. */
const TEST_ORIGIN = { source: 'native', requestId: 'e2e-service-call' };

/** The contract's bound on a 202 ("well under 500 ms"), per acknowledgement. */
const ACK_BOUND_MS = 500;
const IDS_PER_ROUND = 40;
const ROUNDS = 12;

interface Ack {
  outcome: string;
  ms: number;
}

/**
 * What the webhook controller awaits before its 202 (insert, then enqueue), timed. Called on the
 * service rather than over HTTP so that each replica's deliveries of a round land in one batch
 * statement at the same moment, and the timing measures PostgreSQL, not this process's CPU.
 */
async function receive(transactions: TransactionsService, input: NewTransaction): Promise<Ack> {
  const started = performance.now();
  try {
    const { kind } = await transactions.receive(input, TEST_ORIGIN);
    return { outcome: kind, ms: performance.now() - started };
  } catch (error) {
    return { outcome: `error: ${(error as Error).message}`, ms: performance.now() - started };
  }
}

/**
 * Two replicas each batch their concurrent deliveries into one INSERT. When the same new ids
 * reach them in opposite orders, statements that insert in arrival order lock the ids in
 * opposite orders and deadlock; PostgreSQL then kills one after deadlock_timeout (1 s).
 */
describe('intake batches across replicas', () => {
  let replicas: TestApp[];

  beforeAll(async () => {
    const env = { APP_ROLE: 'api', ...(await isolatedEnv()) };
    replicas = [await startTestApp(env), await startTestApp(env)];
  });

  afterAll(async () => {
    await replicas?.[0]?.queue.obliterate({ force: true });
    await Promise.all((replicas ?? []).map((replica) => replica.close()));
  });

  it('never deadlock when the same new ids arrive forward at one replica and backward at the other', async () => {
    const [first, second] = replicas.map((replica) => replica.app.get(TransactionsService));
    const dataSource = replicas[0].app.get<DataSource>(getDataSourceToken());
    const deadlocks = async () =>
      Number((await dataSource.query(`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`))[0].deadlocks);
    const deadlocksBefore = await deadlocks();

    const acks: Ack[] = [];
    const ids: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const inputs: NewTransaction[] = Array.from({ length: IDS_PER_ROUND }, (_, i) => ({
        transactionId: uniqueId(`deadlock_${round}_${String(i).padStart(2, '0')}`),
        sourceAccount: 'hot_src',
        destinationAccount: 'hot_dst',
        amount: '25.00',
        currency: 'INR',
      }));
      ids.push(...inputs.map((input) => input.transactionId));
      const forward = inputs.map((input) => receive(first, input));
      const backward = [...inputs].reverse().map((input) => receive(second, input));
      acks.push(...(await Promise.all([...forward, ...backward])));
    }

    const ms = acks.map((ack) => ack.ms).sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(0);
    const deadlocked = (await deadlocks()) - deadlocksBefore;
    process.stdout.write(
      `[intake-deadlock] ${acks.length} acks: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, slowest ${at(1)} ms; ${deadlocked} deadlocks\n`,
    );
    expect(acks.filter((ack) => ack.outcome !== 'created' && ack.outcome !== 'replayed').map((ack) => ack.outcome)).toEqual([]);
    expect(acks.filter((ack) => ack.outcome === 'created')).toHaveLength(ids.length);
    expect(acks.filter((ack) => ack.ms >= ACK_BOUND_MS).map((ack) => Math.round(ack.ms))).toEqual([]);
    expect(deadlocked).toBe(0);

    const rows: Array<{ transaction_id: string; n: number }> = await dataSource.query(
      `SELECT transaction_id, count(*)::int AS n FROM transactions WHERE transaction_id = ANY($1) GROUP BY transaction_id`,
      [ids],
    );
    expect(rows).toHaveLength(ids.length);
    expect(rows.every((row) => row.n === 1)).toBe(true);
  });
});
