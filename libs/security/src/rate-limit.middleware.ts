import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Problems } from '@app/http';
import { authenticatedKeyIndex } from './api-key.middleware';
import { type RateLimiter } from './rate-limiter';
import { normalizePath, rateLimitScope } from './route-rules';
import { sendProblem } from './send-problem';

/**
 * RATE_LIMIT_PER_MINUTE on the webhook and the read routes, after authentication: the client is
 * the API key it proved (never a merely presented one, or rotating fake keys would dodge the
 * limit), else its IP address. Webhook and read traffic are counted apart, so a dashboard
 * polling from the same address as a sender cannot starve intake.
 */
export function rateLimiting(limiter: RateLimiter): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const scope = rateLimitScope(req.method, normalizePath(req.path));
    if (scope === null) return next();
    limiter.hit(`${scope}:${clientOf(req, res)}`).then(
      (decision) => (decision.allowed ? next() : sendProblem(res, Problems.tooManyRequests(decision.retryAfterSeconds))),
      () => next(), // limiters never reject; if one does, fail open as RedisRateLimiter does
    );
  };
}

/**
 * `req.ip` is the socket peer: 'trust proxy' is deliberately not set (see docs/security.md),
 * so behind a load balancer anonymous clients share the balancer's address.
 */
function clientOf(req: Request, res: Response): string {
  const key = authenticatedKeyIndex(res);
  return key !== undefined ? `key${key}` : `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}
