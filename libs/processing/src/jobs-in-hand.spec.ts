import { JobsInHand } from './jobs-in-hand';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('JobsInHand', () => {
  it('drains only once every settlement in hand has ended', async () => {
    const jobs = new JobsInHand();
    const call = deferred();
    void jobs.track(undefined, call.promise);
    let drained = false;
    const draining = jobs.drain(0).then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    call.resolve();
    await draining;
    expect(jobs.size).toBe(0);
  });

  it('waits for a settlement that started while it was draining', async () => {
    const jobs = new JobsInHand();
    const first = deferred();
    const late = deferred();
    void jobs.track(undefined, first.promise);
    let drained = false;
    const draining = jobs.drain(0).then(() => (drained = true));
    void jobs.track(undefined, late.promise);
    first.resolve();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(drained).toBe(false);
    late.resolve();
    await draining;
  });

  it('waits for the report of a finished job, up to the patience given', async () => {
    const jobs = new JobsInHand();
    await jobs.track('token-1', Promise.resolve('processed'));
    let drained = false;
    const draining = jobs.drain(10_000).then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drained).toBe(false);
    jobs.reported('token-1');
    await draining;
  });

  it('stops waiting for reports that never come once the patience runs out', async () => {
    const jobs = new JobsInHand();
    await jobs.track('token-1', Promise.resolve('processed'));
    await jobs.drain(50); // the test's timeout is the assertion
  });

  it('keeps a failing settlement from blocking the drain', async () => {
    const jobs = new JobsInHand();
    await expect(jobs.track(undefined, Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await jobs.drain(0);
    expect(jobs.size).toBe(0);
  });
});
