import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('hands out at most its size', () => {
    const limit = new ConcurrencyLimit(2);
    expect([limit.tryAcquire(), limit.tryAcquire(), limit.tryAcquire()]).toEqual([true, true, false]);
    expect(limit.inUse).toBe(2);
  });

  it('gives a released permit to the longest waiter, not to a later tryAcquire', async () => {
    const limit = new ConcurrencyLimit(1);
    expect(limit.tryAcquire()).toBe(true);
    const order: string[] = [];
    const first = limit.acquire().then((granted) => order.push(`first:${granted}`));
    const second = limit.acquire().then((granted) => order.push(`second:${granted}`));
    limit.release();
    expect(limit.tryAcquire()).toBe(false); // no barging past the waiters
    await first;
    limit.release();
    await second;
    expect(order).toEqual(['first:true', 'second:true']);
    expect(limit.inUse).toBe(1);
  });

  it('answers every waiter false once closed, and hands out nothing more', async () => {
    const limit = new ConcurrencyLimit(1);
    limit.tryAcquire();
    const waiting = limit.acquire();
    limit.close();
    await expect(waiting).resolves.toBe(false);
    limit.release();
    await expect(limit.acquire()).resolves.toBe(false);
  });

  it('never counts more free permits than its size', () => {
    const limit = new ConcurrencyLimit(1);
    limit.release();
    expect([limit.tryAcquire(), limit.tryAcquire()]).toEqual([true, false]);
  });
});
