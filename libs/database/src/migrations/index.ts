import { InitialSchema1764115200000 } from './1764115200000-initial-schema';

/** Listed explicitly: globs break in bundled builds and hide ordering mistakes. */
export const MIGRATIONS = [InitialSchema1764115200000];
