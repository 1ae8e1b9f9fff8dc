export { AppConfig, AppRole, LogLevel, RedisClusterNode } from './app-config';
export { ConfigError } from './config-error';
export { ConfigModule } from './config.module';
export { DEFAULT_WORKER_CONCURRENCY, loadConfig } from './load-config';
