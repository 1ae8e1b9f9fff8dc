import type { INestApplication } from '@nestjs/common';
import type { RequestHandler } from 'express';
import type { AppConfig } from '@app/config';
import {
  ApiKeyMatcher,
  RATE_LIMITER,
  type RateLimiter,
  apiKeyAuthentication,
  corsForReadRoutes,
  rateLimiting,
  rejectHostileUrls,
  securityHeaders,
} from '@app/security';

/**
 * Security headers, URL hygiene, CORS, API keys and rate limits, as Express middleware keyed on
 * the path: it runs before body parsing (a caller without a key never gets its body read) and
 * before everything mounted later, Nest routes, the Express-mounted /docs and /admin/queues and
 * the webhook fast path alike, so no route can be added that these rules do not see. Order: CORS before the key
 * check (preflights carry no credentials), the limit after it (the client is the proven key).
 *
 * 'trust proxy' stays off: with it, X-Forwarded-For would choose the client's rate-limit bucket,
 * and a client can write that header itself unless the exact number of proxy hops is known.
 */
export function securityMiddleware(app: INestApplication, config: AppConfig): RequestHandler[] {
  const chain: RequestHandler[] = [securityHeaders(), rejectHostileUrls];
  if (config.corsOrigins.length > 0) chain.push(corsForReadRoutes(config.corsOrigins));
  const keys = new ApiKeyMatcher(config.apiKeys);
  if (keys.enabled) chain.push(apiKeyAuthentication(keys));
  if (config.rateLimitPerMinute > 0 && config.role !== 'worker') chain.push(rateLimiting(app.get<RateLimiter>(RATE_LIMITER)));
  return chain;
}
