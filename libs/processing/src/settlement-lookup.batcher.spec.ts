import { Transaction } from '@app/transactions';
import { SettlementLookupBatcher } from './settlement-lookup.batcher';

const row = (transactionId: string) => Object.assign(new Transaction(), { transactionId, status: 'PROCESSING' });

describe('SettlementLookupBatcher', () => {
  it('reads the rows of settlements that start together in one statement, each id once', async () => {
    const findMany = jest.fn(async (ids: string[]) => ids.filter((id) => id !== 'txn_ghost').map(row));
    const lookups = new SettlementLookupBatcher(findMany);
    const found = await Promise.all(['txn_1', 'txn_2', 'txn_ghost', 'txn_1'].map((id) => lookups.find(id)));
    expect(found.map((t) => t?.transactionId ?? null)).toEqual(['txn_1', 'txn_2', null, 'txn_1']);
    expect(findMany.mock.calls).toEqual([[['txn_1', 'txn_2', 'txn_ghost']]]);
  });

  it('fails every settlement of the batch when the read fails, and reads again for the next ones', async () => {
    const unavailable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const findMany = jest.fn(async (ids: string[]) => ids.map(row));
    findMany.mockRejectedValueOnce(unavailable);
    const lookups = new SettlementLookupBatcher(findMany);
    const first = await Promise.allSettled([lookups.find('txn_1'), lookups.find('txn_2')]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(lookups.find('txn_3')).resolves.toMatchObject({ transactionId: 'txn_3' });
  });
});
