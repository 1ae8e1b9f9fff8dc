import { type Api, ApiError } from './api.js';
import { type Status, type StreamEvent, type Transaction, type TransactionPage } from './api-types.js';
import { byId, h, say, statusBadge, timeElement } from './dom.js';
import { showMoney } from './money.js';

const PAGE_SIZE = 50;
/** Rows kept on screen; beyond it the oldest go (a busy stream must not grow the page for ever). */
const MAX_ROWS = 300;
const NOTHING_MATCHES = 'No transactions match.';

type Row = Pick<
  Transaction,
  'transaction_id' | 'source_account' | 'destination_account' | 'amount' | 'currency' | 'status' | 'created_at' | 'updated_at'
>;

export interface Filters {
  status: Status | '';
  account: string;
}

export function transactionHref(id: string): string {
  return `#/transactions/${encodeURIComponent(id)}`;
}

/**
 * The newest transactions, then kept current from the stream. A (re)load fetches the first page
 * while stream events keep arriving: those are held and applied once the page is in, each only if
 * it is not older than the row's `updated_at` (the page may already show its effect, or a later one).
 */
export class TransactionsList {
  private readonly body = byId<HTMLTableSectionElement>('transactions-body');
  private readonly message = byId('list-message');
  private readonly more = byId<HTMLButtonElement>('load-more');
  private readonly rows = new Map<string, { row: Row; tr: HTMLTableRowElement }>();
  private filters: Filters = { status: '', account: '' };
  private cursor: string | null = null;
  private held: StreamEvent[] | undefined;
  private generation = 0;
  private selected: string | undefined;

  constructor(private readonly api: Api) {
    this.more.addEventListener('click', () => void this.loadPage(false));
  }

  setFilters(filters: Filters): Promise<void> {
    this.filters = filters;
    return this.reload();
  }

  reload(): Promise<void> {
    return this.loadPage(true);
  }

  /** A stream event: updates a shown row, shows a new transaction, drops a row the filter no longer matches. */
  apply(event: StreamEvent): void {
    if (this.held) {
      this.held.push(event);
      return;
    }
    this.applyNow(event, false);
  }

  select(id: string | undefined): void {
    if (this.selected) this.rows.get(this.selected)?.tr.removeAttribute('aria-current');
    this.selected = id;
    if (id) this.rows.get(id)?.tr.setAttribute('aria-current', 'true');
  }

  /** The row's link, to give focus back when the detail closes. */
  linkOf(id: string): HTMLAnchorElement | null {
    return this.rows.get(id)?.tr.querySelector('a') ?? null;
  }

  private async loadPage(reset: boolean): Promise<void> {
    const generation = ++this.generation;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (this.filters.status) query.set('status', this.filters.status);
    if (this.filters.account) query.set('account', this.filters.account);
    if (!reset && this.cursor) query.set('cursor', this.cursor);
    if (reset) this.held = [];
    say(this.message, 'Loading…');
    try {
      const page = await this.api.get<TransactionPage>(`/v1/transactions?${query.toString()}`);
      if (generation !== this.generation) return;
      if (reset) {
        this.rows.clear();
        this.body.replaceChildren();
      }
      for (const transaction of page.items) this.place(transaction, true);
      this.cursor = page.next_cursor;
      this.more.hidden = this.cursor === null;
      say(this.message, '');
      this.noticeEmpty();
    } catch (error) {
      if (generation !== this.generation) return;
      say(this.message, `Could not load transactions: ${(error as Error).message}`, true);
    } finally {
      if (generation === this.generation && reset) {
        const held = this.held ?? [];
        this.held = undefined;
        for (const event of held) this.applyNow(event, true);
      }
    }
  }

  private applyNow(event: StreamEvent, held: boolean): void {
    const shown = this.rows.get(event.transaction_id);
    if (shown) {
      if (held && event.occurred_at < shown.row.updated_at) return;
      shown.row.status = event.status;
      shown.row.updated_at = event.occurred_at;
      if (!this.matches(shown.row)) return this.remove(event.transaction_id);
      // In place, so a keyboard user's focus on the row's link stays where it is.
      shown.tr.dataset.status = event.status;
      shown.tr.cells[1]?.replaceChildren(statusBadge(event.status));
      return;
    }
    const row: Row = { ...event, created_at: event.occurred_at, updated_at: event.occurred_at };
    if (!this.matches(row)) return;
    // A redelivery's `received` is of an old transaction: it is only new to the page if a filter now matches it.
    if (event.type === 'received' && event.details.redelivery !== true) this.place(row);
    // A transaction the filter now matches (e.g. it just FAILED): its creation time decides where it goes.
    else if (this.filters.status && event.type !== 'received') void this.fetchAndPlace(event.transaction_id);
  }

  private async fetchAndPlace(id: string): Promise<void> {
    const generation = this.generation;
    try {
      const transaction = await this.api.get<Transaction>(`/v1/transactions/${encodeURIComponent(id)}`);
      if (generation === this.generation && !this.rows.has(id) && this.matches(transaction)) this.place(transaction);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }

  private matches(row: Row): boolean {
    const { status, account } = this.filters;
    return (!status || row.status === status) && (!account || row.source_account === account || row.destination_account === account);
  }

  /** Newest first by created_at: a page's rows go at the end, others where they belong (or on a later page). */
  private place(transaction: Row, fromPage = false): void {
    const row: Row = {
      transaction_id: transaction.transaction_id,
      source_account: transaction.source_account,
      destination_account: transaction.destination_account,
      amount: transaction.amount,
      currency: transaction.currency,
      status: transaction.status,
      created_at: transaction.created_at,
      updated_at: transaction.updated_at,
    };
    this.remove(row.transaction_id);
    const before = fromPage
      ? undefined
      : [...this.body.rows].find((tr) => (this.rows.get(tr.dataset.id ?? '')?.row.created_at ?? '') < row.created_at);
    if (!fromPage && !before && this.cursor !== null) return; // older than every row shown: a later page has it
    const tr = this.render(row);
    this.body.insertBefore(tr, before ?? null);
    this.rows.set(row.transaction_id, { row, tr });
    while (this.rows.size > MAX_ROWS) this.dropOldest();
    this.noticeEmpty();
  }

  /** "No transactions match." while the list is empty, and only then. */
  private noticeEmpty(): void {
    const empty = this.rows.size === 0;
    if (empty) say(this.message, NOTHING_MATCHES);
    else if (this.message.textContent === NOTHING_MATCHES) say(this.message, '');
  }

  private dropOldest(): void {
    const last = this.body.rows[this.body.rows.length - 1]?.dataset.id;
    if (last === undefined) return;
    this.remove(last);
    // The page after the dropped rows is no longer the next one: paging further needs a reload.
    this.cursor = null;
    this.more.hidden = true;
    say(this.message, `Showing the newest ${MAX_ROWS}. Apply a filter to see older ones.`);
  }

  private remove(id: string): void {
    const shown = this.rows.get(id);
    if (!shown) return;
    shown.tr.remove();
    this.rows.delete(id);
    if (this.rows.size === 0) this.noticeEmpty();
  }

  private render(row: Row): HTMLTableRowElement {
    const tr = h(
      'tr',
      { 'data-id': row.transaction_id, 'data-status': row.status },
      h(
        'th',
        { scope: 'row' },
        h('a', { href: transactionHref(row.transaction_id) }, row.transaction_id),
        h('span', { class: 'narrow' }, `${row.source_account} → ${row.destination_account}`),
      ),
      h('td', {}, statusBadge(row.status)),
      h('td', { class: 'num' }, showMoney(row.amount, row.currency)),
      h('td', { class: 'wide' }, row.source_account),
      h('td', { class: 'wide' }, row.destination_account),
      h('td', { class: 'wide' }, timeElement(row.created_at)),
    );
    if (row.transaction_id === this.selected) tr.setAttribute('aria-current', 'true');
    return tr;
  }
}
