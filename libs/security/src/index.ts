export { ApiKeyMatcher } from './api-key-matcher';
export { apiKeyAuthentication, authenticatedKeyIndex } from './api-key.middleware';
export { corsForReadRoutes } from './cors.middleware';
export { rateLimiting } from './rate-limit.middleware';
export { RATE_LIMITER, RateLimitDecision, RateLimiter, UnlimitedRateLimiter } from './rate-limiter';
export { RedisRateLimiter, RedisRateLimiterOptions } from './redis-rate-limiter';
export {
  CONSOLE_PATH,
  WEBHOOK_PATH,
  isConsolePath,
  isOpenPath,
  isReadPath,
  isWebhookPath,
  normalizePath,
  rateLimitScope,
} from './route-rules';
export { securityHeaders } from './security-headers';
export { SecurityModule } from './security.module';
export { rejectHostileUrls } from './url-hygiene.middleware';
