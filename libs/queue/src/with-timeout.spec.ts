import { withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('gives the result of work that finishes in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000)).resolves.toBe(42);
  });

  it('passes on the failure of work that fails in time', async () => {
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
  });

  it('rejects with the given message when the work never settles', async () => {
    await expect(withTimeout(new Promise(() => undefined), 10, 'enqueue timed out')).rejects.toThrow('enqueue timed out');
  });
});
