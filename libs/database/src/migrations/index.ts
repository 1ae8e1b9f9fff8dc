import { InitialSchema1764115200000 } from './1764115200000-initial-schema';
import { ProviderPaymentReferences1764633600000 } from './1764633600000-provider-payment-references';
import { ListingByCreatedAt1764979200000 } from './1764979200000-listing-by-created-at';

/** Listed explicitly: globs break in bundled builds and hide ordering mistakes. */
export const MIGRATIONS = [InitialSchema1764115200000, ProviderPaymentReferences1764633600000, ListingByCreatedAt1764979200000];
