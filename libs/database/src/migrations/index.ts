import { InitialSchema1764115200000 } from './1764115200000-initial-schema';
import { ProviderPaymentReferences1764633600000 } from './1764633600000-provider-payment-references';
import { ListingByCreatedAt1764979200000 } from './1764979200000-listing-by-created-at';
import { TransactionEvents1796169600000 } from './1796169600000-transaction-events';
import { TimelineTriggersAndStats1796173200000 } from './1796173200000-timeline-triggers-and-stats';
import { EventStream1796180400000 } from './1796180400000-event-stream';

/** Listed explicitly: globs break in bundled builds and hide ordering mistakes. */
export const MIGRATIONS = [
  InitialSchema1764115200000,
  ProviderPaymentReferences1764633600000,
  ListingByCreatedAt1764979200000,
  TransactionEvents1796169600000,
  TimelineTriggersAndStats1796173200000,
  EventStream1796180400000,
];
