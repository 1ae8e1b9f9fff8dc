import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TRANSACTION_STATUSES } from './transaction.entity';
import { StatsRepository, StatsRow } from './stats.repository';
import { StatsView, StatsWindowView } from './stats.view';

/** How often an API process folds the counter slots (each compaction is one short transaction). */
export const STATS_COMPACTION_INTERVAL_MS = 10_000;

/**
 * GET /v1/stats from counters the triggers keep in the writers' own transactions, and the
 * periodic compaction that keeps those counter tables small (docs/stats.md).
 */
@Injectable()
export class StatsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StatsService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly repository: StatsRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), STATS_COMPACTION_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running; // bounded by STATS_COMPACTION_BUDGET_MS (statement and lock timeouts)
  }

  async read(): Promise<StatsView> {
    return toStatsView(await this.repository.read());
  }

  compact(): Promise<boolean> {
    return this.repository.compact();
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.compact()
      .catch((error: Error) => this.logger.warn(`Stats compaction failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }
}

function emptyWindow(): StatsWindowView {
  return { received: 0, processed: 0, failed: 0, processed_volume: {} };
}

export function toStatsView(rows: StatsRow[]): StatsView {
  const view: StatsView = {
    by_status: Object.fromEntries(TRANSACTION_STATUSES.map((status) => [status, 0])),
    last_hour: emptyWindow(),
    last_day: emptyWindow(),
    as_of: '',
  };
  for (const row of rows) {
    if (row.kind === 'as_of') view.as_of = row.key;
    else if (row.kind === 'status') view.by_status[row.key] = Number(row.received);
    else {
      const window = view[row.kind];
      window.received += Number(row.received);
      window.processed += Number(row.processed);
      window.failed += Number(row.failed);
      if (Number(row.processed) > 0) window.processed_volume[row.key] = row.processed_volume;
    }
  }
  return view;
}
