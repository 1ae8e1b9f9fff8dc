import { Api } from './api.js';
import { STATUSES, type Status, type StreamEvent } from './api-types.js';
import { byId, say } from './dom.js';
import { LiveStream } from './live-stream.js';
import { parseJsonKeepingAmounts } from './money.js';
import { BalanceLookup, BulkRetry } from './side-tools.js';
import { signInForm } from './sign-in.js';
import { StatsPanel } from './stats-panel.js';
import { TransactionDetail } from './transaction-detail.js';
import { TransactionsList } from './transactions-list.js';

const DETAIL_ROUTE = /^#\/transactions\/(.+)$/;
const EVENT_TYPES = new Set(['received', 'attempt_failed', 'processed', 'failed', 'retried']);

const api = new Api(signInForm());
const list = new TransactionsList(api);
const detail = new TransactionDetail(api, () => stats.changed());
const stats = new StatsPanel(api);
const bulk = new BulkRetry(api);
new BalanceLookup(api);

const live = byId('live');
const signOut = byId<HTMLButtonElement>('sign-out');
let listLoaded = false;

const stream = new LiveStream(api, '/v1/events', {
  // Opened afresh (not resumed): what happened before it opened is only in a fresh list.
  open(resumed) {
    signOut.hidden = !api.hasKey();
    if (!resumed || !listLoaded) {
      listLoaded = true;
      void list.reload();
      void stats.load();
    }
  },
  message({ event, data }) {
    if (!EVENT_TYPES.has(event)) return;
    const parsed = parseJsonKeepingAmounts(data) as StreamEvent;
    list.apply(parsed);
    detail.apply(parsed);
    stats.changed();
  },
  state(state, why) {
    live.dataset.state = state;
    if (state === 'live') return say(live, 'Live');
    if (state === 'connecting') return say(live, 'Connecting…');
    say(live, `Live updates paused (${why ?? 'reconnecting'}); reconnecting…`);
    // Without the stream the page still shows what there is; a fresh stream reloads it.
    if (!listLoaded) {
      listLoaded = true;
      void list.reload();
      void stats.load();
    }
  },
});

byId<HTMLFormElement>('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const status = byId<HTMLSelectElement>('filter-status').value;
  void list.setFilters({
    status: (STATUSES as readonly string[]).includes(status) ? (status as Status) : '',
    account: byId<HTMLInputElement>('filter-account').value.trim(),
  });
});

signOut.addEventListener('click', () => {
  api.signOut();
  location.reload();
});

function route(): void {
  const match = DETAIL_ROUTE.exec(location.hash);
  const id = match ? decodeURIComponent(match[1]) : undefined;
  list.select(id);
  if (id && id !== detail.openId) void detail.open(id);
  if (!id && detail.openId) closeDetail();
}

function closeDetail(): void {
  const id = detail.openId;
  detail.close();
  list.select(undefined);
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  const link = id ? list.linkOf(id) : null;
  (link ?? byId('transactions-heading')).focus();
}

byId('detail-close').addEventListener('click', closeDetail);
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || byId<HTMLDialogElement>('sign-in').open) return;
  if (bulk.asking) bulk.cancel();
  else if (detail.openId) closeDetail();
});
window.addEventListener('hashchange', route);

route();
stream.start();
