import { settlementJobId } from './settlement-job';

describe('settlementJobId', () => {
  it('is the same for the same transaction and generation, so enqueues collapse', () => {
    expect(settlementJobId('txn_1', 0)).toBe(settlementJobId('txn_1', 0));
  });

  it('never contains a colon, which BullMQ rejects', () => {
    expect(settlementJobId('order:42:a', 0)).not.toContain(':');
  });

  it('is never a bare integer, which BullMQ rejects', () => {
    expect(settlementJobId('12345', 0)).not.toMatch(/^\d+$/);
  });

  it('keeps distinct transactions and generations distinct', () => {
    const ids = ['a:b', 'a', '1', 'a.b', 'a-b', 'a.b:c'].flatMap((id) => [0, 1].map((g) => settlementJobId(id, g)));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
