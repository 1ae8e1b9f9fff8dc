import { setTimeout as sleep } from 'node:timers/promises';
import { SettlementTimeoutError, withSettlementDeadline } from './settlement-deadline';

describe('withSettlementDeadline', () => {
  it('returns what a call that beats the deadline returns, and leaves its signal alone', async () => {
    let seen: AbortSignal | undefined;
    await expect(withSettlementDeadline(1000, async (signal) => ((seen = signal), 'settled'))).resolves.toBe('settled');
    expect(seen?.aborted).toBe(false);
  });

  it('passes on the failure of a call that fails before the deadline', async () => {
    await expect(withSettlementDeadline(1000, async () => Promise.reject(new Error('declined')))).rejects.toThrow('declined');
  });

  it('aborts a call past the deadline, which then rejects at once with the timeout', async () => {
    let signal: AbortSignal | undefined;
    const started = Date.now();
    const call = withSettlementDeadline(50, (s) => ((signal = s), sleep(10_000, undefined, { signal: s })));
    await expect(call).rejects.toThrow(new SettlementTimeoutError(50));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(SettlementTimeoutError);
  });

  it('names the deadline even when the call rejects with its own abort error', async () => {
    const call = withSettlementDeadline(
      20,
      (signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError'))),
        ),
    );
    await expect(call).rejects.toThrow('settlement call timed out after 20 ms');
  });

  it('does not wait for a call that ignores the signal, and ignores what it does later', async () => {
    let settleLate!: (value: string) => void;
    let failLate!: (error: Error) => void;
    const stubborn = [new Promise<string>((resolve) => (settleLate = resolve)), new Promise<string>((_, reject) => (failLate = reject))];
    const started = Date.now();
    await expect(withSettlementDeadline(30, () => stubborn[0])).rejects.toThrow('timed out after 30 ms');
    await expect(withSettlementDeadline(30, () => stubborn[1])).rejects.toThrow('timed out after 30 ms');
    expect(Date.now() - started).toBeLessThan(5000);
    settleLate('too late');
    failLate(new Error('too late')); // must not surface as an unhandled rejection
    await sleep(0);
  });

  it('tells onLateSuccess when an abandoned call succeeds after its deadline, and only then', async () => {
    const late: string[] = [];
    let settleLate!: (value: string) => void;
    const abandoned = new Promise<string>((resolve) => (settleLate = resolve));
    await expect(
      withSettlementDeadline(
        30,
        () => abandoned,
        (value) => late.push(value),
      ),
    ).rejects.toThrow('timed out after 30 ms');
    await expect(
      withSettlementDeadline(
        1000,
        async () => 'in time',
        (value) => late.push(value),
      ),
    ).resolves.toBe('in time');
    expect(late).toEqual([]);
    settleLate('settled after all');
    await sleep(0);
    expect(late).toEqual(['settled after all']);
  });

  it('turns a call that throws synchronously into a failed attempt', async () => {
    const call = withSettlementDeadline(1000, () => {
      throw new Error('bad request');
    });
    await expect(call).rejects.toThrow('bad request');
  });
});
