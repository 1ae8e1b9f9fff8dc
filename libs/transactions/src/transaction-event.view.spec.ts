import { type StoredEvent, toEventViews } from './transaction-event.view';
import { toStatsView } from './stats.service';

const at = new Date('2026-12-02T09:00:00.000Z');
const event = (type: StoredEvent['type'], details: Record<string, unknown> = {}): StoredEvent => ({
  id: '1',
  transactionId: 't',
  type,
  details,
  occurredAt: at,
});

describe('toEventViews', () => {
  it('gives each event the status it leaves the transaction in; a redelivery keeps the status it found', () => {
    const views = toEventViews([
      event('received', { redelivery: false }),
      event('attempt_failed'),
      event('failed'),
      event('received', { redelivery: true }),
      event('retried', { mode: 'single' }),
      event('processed', { late: false }),
      event('received', { redelivery: true }),
    ]);
    expect(views.map((v) => v.status)).toEqual(['PROCESSING', 'PROCESSING', 'FAILED', 'FAILED', 'PROCESSING', 'PROCESSED', 'PROCESSED']);
    expect(views[0]).toEqual({
      id: '1',
      transaction_id: 't',
      type: 'received',
      occurred_at: '2026-12-02T09:00:00.000Z',
      status: 'PROCESSING',
      details: { redelivery: false },
    });
  });
});

describe('toStatsView', () => {
  it('sums currencies into the window counts, keeps volumes as strings, and shows every status', () => {
    const view = toStatsView([
      { kind: 'last_hour', key: 'INR', received: '3', processed: '2', failed: '1', processed_volume: '50.00' },
      { kind: 'last_hour', key: 'USD', received: '1', processed: '0', failed: '0', processed_volume: '0' },
      { kind: 'status', key: 'PROCESSED', received: '7', processed: '0', failed: '0', processed_volume: '0' },
      { kind: 'as_of', key: '2026-12-02T09:00:00.000Z', received: '0', processed: '0', failed: '0', processed_volume: '0' },
    ]);
    expect(view).toEqual({
      by_status: { PROCESSING: 0, PROCESSED: 7, FAILED: 0 },
      last_hour: { received: 4, processed: 2, failed: 1, processed_volume: { INR: '50.00' } },
      last_day: { received: 0, processed: 0, failed: 0, processed_volume: {} },
      as_of: '2026-12-02T09:00:00.000Z',
    });
  });
});
