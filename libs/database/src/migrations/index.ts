import { InitialSchema1764115200000 } from './1764115200000-initial-schema';
import { ProviderPaymentReferences1764633600000 } from './1764633600000-provider-payment-references';
import { ListingByCreatedAt1764979200000 } from './1764979200000-listing-by-created-at';
import { TransactionEventsPlaceholder1765065600000 } from './1765065600000-transaction-events-placeholder';
import { EventStream1765670400000 } from './1765670400000-event-stream';

/** Listed explicitly: globs break in bundled builds and hide ordering mistakes. */
export const MIGRATIONS = [
  InitialSchema1764115200000,
  ProviderPaymentReferences1764633600000,
  ListingByCreatedAt1764979200000,
  TransactionEventsPlaceholder1765065600000,
  EventStream1765670400000,
];
