import { JobsInHand } from './jobs-in-hand';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A macrotask turn: every continuation already queued has run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Far enough away that only the work itself can end the wait. */
const NO_DEADLINE = () => Date.now() + 600_000;

describe('JobsInHand', () => {
  it('drains only once every settlement in hand has ended', async () => {
    const jobs = new JobsInHand();
    const call = deferred();
    void jobs.track(undefined, call.promise);
    let drained = false;
    const draining = jobs.drain(NO_DEADLINE(), 0).then((result) => ((drained = true), result));
    await turn();
    expect(drained).toBe(false);
    call.resolve();
    await expect(draining).resolves.toEqual({ abandoned: 0, unreported: 0 });
    expect(jobs.size).toBe(0);
  });

  it('waits for a settlement that started while it was draining', async () => {
    const jobs = new JobsInHand();
    const first = deferred();
    const late = deferred();
    void jobs.track(undefined, first.promise);
    let drained = false;
    const draining = jobs.drain(NO_DEADLINE(), 0).then((result) => ((drained = true), result));
    void jobs.track(undefined, late.promise);
    first.resolve();
    await turn();
    expect(jobs.size).toBe(1);
    expect(drained).toBe(false);
    late.resolve();
    await expect(draining).resolves.toEqual({ abandoned: 0, unreported: 0 });
  });

  it('gives up on a settlement that never ends at its deadline, without waiting for its report', async () => {
    const jobs = new JobsInHand();
    void jobs.track('token-stuck', new Promise<void>(() => undefined));
    const started = Date.now();
    const result = await jobs.drain(started + 100, 10_000);
    const elapsed = Date.now() - started;
    expect(result).toEqual({ abandoned: 1, unreported: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(5000); // the report patience (10 s) was not added
  });

  it('waits for the report of a finished job, and stops waiting as soon as it comes', async () => {
    const jobs = new JobsInHand();
    await jobs.track('token-1', Promise.resolve('processed'));
    let drained = false;
    const started = Date.now();
    const draining = jobs.drain(Date.now(), 10_000).then((result) => ((drained = true), result));
    await turn();
    expect(drained).toBe(false);
    jobs.reported('token-1');
    await expect(draining).resolves.toEqual({ abandoned: 0, unreported: 0 });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops waiting for reports that never come once the patience runs out', async () => {
    const jobs = new JobsInHand();
    await jobs.track('token-1', Promise.resolve('processed'));
    const started = Date.now();
    const result = await jobs.drain(Date.now(), 50);
    const elapsed = Date.now() - started;
    expect(result).toEqual({ abandoned: 0, unreported: 1 });
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(5000);
  });

  it('keeps a failing settlement from blocking the drain', async () => {
    const jobs = new JobsInHand();
    await expect(jobs.track(undefined, Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(jobs.drain(NO_DEADLINE(), 0)).resolves.toEqual({ abandoned: 0, unreported: 0 });
    expect(jobs.size).toBe(0);
  });
});
