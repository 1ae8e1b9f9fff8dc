import { ProblemException } from '@app/http';
import { parseStreamRequest } from './event-stream.request';
import { type StreamEventRow, matchesFilter, sseFrame } from './stream-event';

function problemFields(query: Record<string, unknown>, header?: string): string[] {
  try {
    parseStreamRequest(query, header);
  } catch (error) {
    if (error instanceof ProblemException) return (error.problem.errors ?? []).map((e) => e.field);
    throw error;
  }
  throw new Error('accepted');
}

describe('parseStreamRequest', () => {
  it('starts now without a resume point, and reads both filters', () => {
    expect(parseStreamRequest({}, undefined)).toEqual({ filter: {}, lastEventId: undefined });
    expect(parseStreamRequest({ transaction_id: 'txn_1', account: 'acc:1' }, undefined).filter).toEqual({
      transactionId: 'txn_1',
      account: 'acc:1',
    });
  });

  it('prefers the Last-Event-ID header to ?last_event_id= (a reconnecting EventSource sends both)', () => {
    expect(parseStreamRequest({ last_event_id: '5' }, '42').lastEventId).toBe(42n);
    expect(parseStreamRequest({ last_event_id: '5' }, undefined).lastEventId).toBe(5n);
    expect(parseStreamRequest({}, '  ').lastEventId).toBeUndefined();
  });

  it.each([
    [{ transaction_id: 'bad id' }, undefined, 'transaction_id'],
    [{ account: '' }, undefined, 'account'],
    [{ account: ['a', 'b'] }, undefined, 'account'],
    [{ transaction_id: 'x'.repeat(129) }, undefined, 'transaction_id'],
    [{}, '1.5', 'Last-Event-ID'],
    [{}, '1'.repeat(19), 'Last-Event-ID'],
    [{ last_event_id: '-3' }, undefined, 'last_event_id'],
  ])('refuses %j with Last-Event-ID %j, naming %s', (query, header, field) => {
    expect(problemFields(query, header)).toEqual([field]);
  });
});

describe('stream frames', () => {
  const row: StreamEventRow = {
    position: '7',
    event_id: '12',
    transaction_id: 'txn_1',
    type: 'received',
    details: { source: 'native', request_id: 'r\n1', redelivery: true },
    occurred_at: new Date('2026-12-02T09:00:00.000Z'),
    source_account: 'a',
    destination_account: 'b',
    amount: '25.00',
    currency: 'INR',
    current_status: 'PROCESSED',
  };

  it('writes the stream id, the type and the JSON on one data line', () => {
    const frame = sseFrame(row);
    expect(frame.startsWith('id: 7\nevent: received\ndata: {')).toBe(true);
    expect(frame.endsWith('}\n\n')).toBe(true);
    expect(frame.split('\n')).toHaveLength(5);
    expect(JSON.parse(frame.split('\n')[2].slice('data: '.length))).toMatchObject({ id: '12', stream_id: '7', status: 'PROCESSED' });
  });

  it('matches a filter on the transaction or on either account', () => {
    expect(matchesFilter(row, {})).toBe(true);
    expect(matchesFilter(row, { transactionId: 'txn_2' })).toBe(false);
    expect(matchesFilter(row, { account: 'b' })).toBe(true);
    expect(matchesFilter(row, { account: 'c' })).toBe(false);
    expect(matchesFilter(row, { transactionId: 'txn_1', account: 'a' })).toBe(true);
  });
});
