import { type Logger } from '@nestjs/common';
import { RepeatedErrorLog } from './repeated-error-log';

describe('RepeatedErrorLog', () => {
  let now: number;
  let logger: Logger;
  let log: RepeatedErrorLog;

  beforeEach(() => {
    now = 0;
    logger = { warn: jest.fn() } as unknown as Logger;
    log = new RepeatedErrorLog(logger, 'Redis', 60_000, () => now);
  });

  it('logs the first occurrence of an error', () => {
    expect(log.warn(new Error('connect ECONNREFUSED'))).toBe(true);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('stays quiet while the same error repeats within a minute', () => {
    log.warn(new Error('connect ECONNREFUSED'));
    now = 59_999;
    expect(log.warn(new Error('connect ECONNREFUSED'))).toBe(false);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('logs the same error again once a minute has passed', () => {
    log.warn(new Error('connect ECONNREFUSED'));
    now = 60_000;
    expect(log.warn(new Error('connect ECONNREFUSED'))).toBe(true);
  });

  it('logs a different error at once', () => {
    log.warn(new Error('connect ECONNREFUSED'));
    expect(log.warn(new Error('READONLY You cannot write against a read only replica'))).toBe(true);
  });
});
