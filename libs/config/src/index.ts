export { AppConfig, AppRole, LogLevel, RedisClusterNode } from './app-config';
export { ConfigError } from './config-error';
export { ConfigModule } from './config.module';
export { DEFAULT_WORKER_CONCURRENCY, MAX_QUEUE_SHARDS, loadConfig } from './load-config';
