import { type Api, ApiError } from './api.js';
import { type Balance } from './api-types.js';
import { byId, h, say } from './dom.js';
import { showMoney } from './money.js';

/** Bulk retry of every FAILED transaction, behind a confirmation step (Escape or Cancel backs out). */
export class BulkRetry {
  private readonly start = byId<HTMLButtonElement>('bulk-retry');
  private readonly confirm = byId('bulk-confirm');
  private readonly yes = byId<HTMLButtonElement>('bulk-yes');
  private readonly message = byId('bulk-message');

  constructor(private readonly api: Api) {
    this.start.addEventListener('click', () => this.ask());
    byId('bulk-no').addEventListener('click', () => this.cancel());
    this.yes.addEventListener('click', () => void this.run());
  }

  get asking(): boolean {
    return !this.confirm.hidden;
  }

  cancel(): void {
    this.confirm.hidden = true;
    this.start.hidden = false;
    this.start.focus();
  }

  private ask(): void {
    say(this.message, '');
    this.start.hidden = true;
    this.confirm.hidden = false;
    this.yes.focus();
  }

  private async run(): Promise<void> {
    this.yes.disabled = true;
    say(this.message, 'Re-queueing…');
    try {
      const { requeued } = await this.api.post<{ requeued: number }>('/v1/transactions/retry', { status: 'FAILED' });
      say(this.message, requeued === 1 ? 'Re-queued 1 failed transaction.' : `Re-queued ${requeued} failed transactions.`);
    } catch (error) {
      say(this.message, `Could not re-queue: ${(error as Error).message}`, true);
    } finally {
      this.yes.disabled = false;
      this.cancel();
    }
  }
}

/** GET /v1/accounts/{id}/balance: one line per currency, as the API's decimal strings. */
export class BalanceLookup {
  private readonly form = byId<HTMLFormElement>('balance-form');
  private readonly input = byId<HTMLInputElement>('balance-account');
  private readonly body = byId('balance-body');
  private readonly message = byId('balance-message');

  constructor(private readonly api: Api) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.lookUp(this.input.value.trim());
    });
  }

  private async lookUp(account: string): Promise<void> {
    this.body.replaceChildren();
    if (!account) return say(this.message, 'Type an account id.', true);
    say(this.message, 'Looking up…');
    try {
      const balance = await this.api.get<Balance>(`/v1/accounts/${encodeURIComponent(account)}/balance`);
      const entries = Object.entries(balance.balances);
      const list = h('dl', { class: 'balances', 'aria-label': `Balances of ${balance.account_id}` });
      for (const [currency, amount] of entries) list.append(h('div', {}, h('dt', {}, currency), h('dd', {}, showMoney(amount, currency))));
      this.body.replaceChildren(list);
      say(this.message, entries.length === 0 ? `${balance.account_id} has no posted transactions.` : `Balances of ${balance.account_id}`);
    } catch (error) {
      const invalid = error instanceof ApiError && error.status === 400;
      say(this.message, invalid ? `Not a valid account id: ${error.message}` : `Could not look it up: ${(error as Error).message}`, true);
    }
  }
}
