export { HealthModule } from './health.module';
export { QueueConsumersHealthIndicator } from './queue-consumers.health';
export { RedisHealthIndicator } from './redis.health';
