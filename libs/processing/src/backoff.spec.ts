import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  it('waits the base delay after the first failed attempt', () => {
    expect(backoffDelayMs(1000, 1)).toBe(1000);
  });

  it('doubles with every further failed attempt', () => {
    expect([2, 3, 4].map((n) => backoffDelayMs(1000, n))).toEqual([2000, 4000, 8000]);
  });

  it('never waits more than an hour, however many attempts failed', () => {
    expect(backoffDelayMs(1000, 80)).toBe(3_600_000);
  });

  it('retries at once when the base is zero', () => {
    expect(backoffDelayMs(0, 5)).toBe(0);
  });
});
