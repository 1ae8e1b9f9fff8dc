import { closeWithin } from './close-within';

describe('closeWithin', () => {
  it('closes gracefully when Redis answers in time, without disconnecting', async () => {
    const closable = { close: jest.fn(async () => undefined), disconnect: jest.fn() };
    await expect(closeWithin(closable, 1000)).resolves.toBe(true);
    expect(closable.disconnect).not.toHaveBeenCalled();
  });

  it('disconnects once the deadline passes when the close never returns (a frozen Redis)', async () => {
    const closable = { close: jest.fn(() => new Promise<void>(() => undefined)), disconnect: jest.fn() };
    const started = Date.now();
    await expect(closeWithin(closable, 50)).resolves.toBe(false);
    expect(closable.disconnect).toHaveBeenCalledTimes(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('disconnects when the close fails', async () => {
    const closable = { close: jest.fn(async () => Promise.reject(new Error('Connection is closed.'))), disconnect: jest.fn() };
    await expect(closeWithin(closable, 1000)).resolves.toBe(false);
    expect(closable.disconnect).toHaveBeenCalledTimes(1);
  });
});
