import { type Logger } from '@nestjs/common';

/**
 * An outage makes the Redis client report the same error on every reconnect attempt (several
 * a second). This logs each distinct message once, then again at most once a minute while it
 * repeats, so an outage is visible without flooding the logs.
 */
export class RepeatedErrorLog {
  private readonly lastLoggedAt = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly context: string,
    private readonly quietMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(error: unknown): boolean {
    const message = error instanceof Error ? error.message : String(error);
    const at = this.now();
    const last = this.lastLoggedAt.get(message);
    if (last !== undefined && at - last < this.quietMs) return false;
    if (this.lastLoggedAt.size > 100) this.lastLoggedAt.clear(); // messages that embed ids must not grow the map forever
    this.lastLoggedAt.set(message, at);
    this.logger.warn({ msg: `${this.context}: ${message}`, error: message });
    return true;
  }
}
