import { type Api, ApiError } from './api.js';
import { type LedgerLeg, type TimelineEvent, type Transaction } from './api-types.js';
import { byId, h, say, statusBadge, timeElement } from './dom.js';
import { showMoney } from './money.js';

/** One transaction: its fields, its timeline (kept current from the stream) and its ledger legs; Retry when FAILED. */
export class TransactionDetail {
  readonly section = byId('detail');
  private readonly heading = byId('detail-heading');
  private readonly body = byId('detail-body');
  private readonly message = byId('detail-message');
  private id: string | undefined;
  private generation = 0;
  private timeline: HTMLOListElement | undefined;
  private ledger: HTMLElement | undefined;
  private fields: HTMLElement | undefined;
  private readonly seen = new Set<string>();

  constructor(
    private readonly api: Api,
    private readonly onRetried: (transaction: Transaction) => void,
  ) {}

  get openId(): string | undefined {
    return this.id;
  }

  async open(id: string): Promise<void> {
    const generation = ++this.generation;
    this.id = id;
    this.seen.clear();
    this.section.hidden = false;
    this.heading.textContent = `Transaction ${id}`;
    this.fields = h('div', { class: 'fields' });
    this.timeline = h('ol', { class: 'timeline', 'aria-label': 'Timeline, oldest first' });
    this.ledger = h('div');
    this.body.replaceChildren(this.fields, h('h3', {}, 'Timeline'), this.timeline, h('h3', {}, 'Ledger legs'), this.ledger);
    say(this.message, 'Loading…');
    this.heading.focus();
    const path = `/v1/transactions/${encodeURIComponent(id)}`;
    const [transaction, events] = await Promise.allSettled([
      this.api.get<Transaction>(path),
      this.api.get<{ items: TimelineEvent[] }>(`${path}/events`),
      this.refreshLedger(generation),
    ]);
    if (generation !== this.generation) return;
    if (transaction.status === 'rejected') return say(this.message, failure('load the transaction', transaction.reason), true);
    this.showFields(transaction.value);
    if (events.status === 'rejected') return say(this.message, failure('load the timeline', events.reason), true);
    for (const event of events.value.items) this.addEvent(event);
    say(this.message, '');
  }

  close(): void {
    this.generation += 1;
    this.id = undefined;
    this.section.hidden = true;
    this.body.replaceChildren();
  }

  /** A stream event of the open transaction: added to the timeline; fields and ledger re-read. */
  apply(event: TimelineEvent): void {
    if (event.transaction_id !== this.id) return;
    this.addEvent(event);
    const generation = this.generation;
    void this.api.get<Transaction>(`/v1/transactions/${encodeURIComponent(event.transaction_id)}`).then(
      (transaction) => {
        if (generation === this.generation) this.showFields(transaction);
      },
      () => undefined, // the timeline above is what matters; the fields catch up with the next event
    );
    if (event.type === 'processed') void this.refreshLedger(generation);
  }

  private addEvent(event: TimelineEvent): void {
    if (!this.timeline || this.seen.has(event.id)) return;
    this.seen.add(event.id);
    const details = Object.entries(event.details)
      .filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([key, value]) => `${key.replace(/_/g, ' ')}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' · ');
    this.timeline.append(
      h(
        'li',
        { 'data-type': event.type },
        timeElement(event.occurred_at),
        ' ',
        h('strong', {}, event.type.replace(/_/g, ' ')),
        ' → ',
        statusBadge(event.status),
        details ? h('span', { class: 'event-details' }, details) : null,
      ),
    );
  }

  private showFields(transaction: Transaction): void {
    if (!this.fields || transaction.transaction_id !== this.id) return;
    const rows: Array<[string, Node | string]> = [
      ['Status', statusBadge(transaction.status)],
      ['Amount', showMoney(transaction.amount, transaction.currency)],
      ['From', transaction.source_account],
      ['To', transaction.destination_account],
      ['Attempts', String(transaction.attempts)],
      ['Last error', transaction.last_error ?? '—'],
      ['Created', timeElement(transaction.created_at)],
      ['Updated', timeElement(transaction.updated_at)],
      ['Processed', transaction.processed_at ? timeElement(transaction.processed_at) : '—'],
    ];
    const list = h('dl', {});
    for (const [term, value] of rows) list.append(h('div', {}, h('dt', {}, term), h('dd', {}, value)));
    const retry =
      transaction.status === 'FAILED'
        ? h('button', { type: 'button', class: 'primary', 'aria-describedby': 'detail-heading' }, 'Retry')
        : null;
    retry?.addEventListener('click', () => void this.retry(transaction.transaction_id, retry));
    this.fields.replaceChildren(list, retry ?? '');
  }

  private async retry(id: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    say(this.message, 'Re-queueing…');
    try {
      const transaction = await this.api.post<Transaction>(`/v1/transactions/${encodeURIComponent(id)}/retry`, undefined);
      this.showFields(transaction);
      this.onRetried(transaction);
      say(this.message, 'Re-queued: back to PROCESSING.');
      this.heading.focus();
    } catch (error) {
      button.disabled = false;
      const conflict = error instanceof ApiError && error.status === 409;
      say(this.message, conflict ? 'It is no longer FAILED, so there is nothing to retry.' : failure('retry it', error), true);
    }
  }

  private async refreshLedger(generation: number): Promise<void> {
    if (!this.id) return;
    try {
      const { items } = await this.api.get<{ items: LedgerLeg[] }>(`/v1/transactions/${encodeURIComponent(this.id)}/ledger`);
      if (generation !== this.generation || !this.ledger) return;
      this.ledger.replaceChildren(items.length === 0 ? h('p', {}, 'Not posted yet.') : ledgerTable(items));
    } catch (error) {
      if (generation === this.generation) this.ledger?.replaceChildren(h('p', { class: 'error' }, failure('load the ledger legs', error)));
    }
  }
}

function ledgerTable(legs: LedgerLeg[]): HTMLTableElement {
  return h(
    'table',
    { class: 'compact' },
    h('caption', { class: 'visually-hidden' }, 'Ledger legs'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Account'),
        h('th', { scope: 'col' }, 'Side'),
        h('th', { scope: 'col', class: 'num' }, 'Amount'),
      ),
    ),
    h(
      'tbody',
      {},
      ...legs.map((leg) =>
        h(
          'tr',
          {},
          h('td', {}, leg.account_id),
          h('td', {}, leg.direction),
          h('td', { class: 'num' }, showMoney(leg.amount, leg.currency)),
        ),
      ),
    ),
  );
}

function failure(what: string, error: unknown): string {
  return `Could not ${what}: ${error instanceof Error ? error.message : String(error)}`;
}
