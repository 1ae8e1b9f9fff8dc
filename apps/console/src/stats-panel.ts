import { type Api, ApiError } from './api.js';
import { type Stats, type WindowStats } from './api-types.js';
import { byId, h, say, timeElement } from './dom.js';
import { showMoney } from './money.js';

/** Re-read at most this often while events arrive (never on a timer of its own: no polling). */
const REFRESH_AFTER_EVENTS_MS = 3000;

/** GET /v1/stats: counts by status, and the last hour and day. */
export class StatsPanel {
  private readonly body = byId('stats-body');
  private readonly message = byId('stats-message');
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: Api) {}

  /** Something happened: refresh soon, once for however many events arrive meanwhile. */
  changed(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      void this.load();
    }, REFRESH_AFTER_EVENTS_MS);
  }

  async load(): Promise<void> {
    try {
      this.show(await this.api.get<Stats>('/v1/stats'));
      say(this.message, '');
    } catch (error) {
      const missing = error instanceof ApiError && error.status === 404;
      say(
        this.message,
        missing ? 'This server has no headline numbers.' : `Could not load the numbers: ${(error as Error).message}`,
        !missing,
      );
    }
  }

  private show(stats: Stats): void {
    const counts = h('dl', { class: 'figures' });
    for (const status of ['PROCESSING', 'PROCESSED', 'FAILED']) {
      counts.append(
        h(
          'div',
          { class: `figure status-${status.toLowerCase()}` },
          h('dt', {}, status),
          h('dd', {}, String(stats.by_status[status] ?? 0)),
        ),
      );
    }
    const table = h(
      'table',
      { class: 'compact windows' },
      h('caption', { class: 'visually-hidden' }, 'Received, processed and failed, and processed volume'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('td', {}),
          ...['Received', 'Processed', 'Failed'].map((label) => h('th', { scope: 'col', class: 'num' }, label)),
          h('th', { scope: 'col', class: 'num' }, 'Volume processed'),
        ),
      ),
      h('tbody', {}, windowRow('Last hour', stats.last_hour), windowRow('Last day', stats.last_day)),
    );
    this.body.replaceChildren(counts, table, h('p', { class: 'as-of' }, 'As of ', timeElement(stats.as_of)));
  }
}

function windowRow(label: string, window: WindowStats): HTMLTableRowElement {
  const volume = Object.entries(window.processed_volume)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => showMoney(amount, currency));
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, label),
    ...[window.received, window.processed, window.failed].map((n) => h('td', { class: 'num' }, String(n))),
    // One line per currency: a list of currencies must not widen the table past a phone's screen.
    h('td', { class: 'num volume' }, ...(volume.length === 0 ? ['—'] : volume.map((line) => h('span', {}, line)))),
  );
}
