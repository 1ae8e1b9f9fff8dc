export { withTryAdvisoryLock } from './advisory-lock';
export { buildDataSourceOptions } from './data-source-options';
export { DatabaseModule } from './database.module';
export { ensureDatabaseExists } from './ensure-database';
export { inTransaction } from './in-transaction';
export { MIGRATIONS } from './migrations';
export { parsePostgresUrl } from './postgres-url';
export { migrateDatabase } from './run-migrations';
export { pgPoolOf, releaseQueryRunner, TypeOrmInternalsMoved } from './typeorm-internals';
