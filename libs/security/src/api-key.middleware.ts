import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Problems } from '@app/http';
import { type ApiKeyMatcher } from './api-key-matcher';
import { isOpenPath, isOperatorToolPath, normalizePath } from './route-rules';
import { sendProblem } from './send-problem';

const API_KEY_INDEX = 'paycheckApiKeyIndex';
const CREDENTIALS = /^([A-Za-z]+) +(\S+) *$/;

/**
 * Every path but the open ones needs `Authorization: Bearer <key>` (default deny: unknown
 * paths answer 401, not 404, so routes cannot be probed without a key). The browser tools also
 * take the key as a Basic password, because a browser cannot add a Bearer header to a page
 * load and its assets; the 401 there carries a Basic challenge so the browser asks for it.
 */
export function apiKeyAuthentication(matcher: ApiKeyMatcher): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const path = normalizePath(req.path);
    if (isOpenPath(path)) return next();
    const tool = isOperatorToolPath(path);
    const presented = presentedKey(req.headers.authorization, tool);
    const index = presented === undefined ? -1 : matcher.match(presented);
    if (index >= 0) {
      res.locals[API_KEY_INDEX] = index;
      return next();
    }
    const detail = presented === undefined ? 'This route needs Authorization: Bearer <API key>.' : 'The API key is not valid.';
    const challenge = tool ? 'Basic realm="paycheck", charset="UTF-8"' : 'Bearer realm="paycheck"';
    sendProblem(res, Problems.unauthorized(detail), { 'WWW-Authenticate': challenge });
  };
}

/** Index of the API key this request authenticated with, when it did. */
export function authenticatedKeyIndex(res: Response): number | undefined {
  const index: unknown = res.locals[API_KEY_INDEX];
  return typeof index === 'number' ? index : undefined;
}

function presentedKey(header: string | undefined, allowBasic: boolean): string | undefined {
  const match = header === undefined ? null : CREDENTIALS.exec(header);
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme === 'bearer') return match[2];
  if (scheme !== 'basic' || !allowBasic) return undefined;
  // Any user name; the password is the key.
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}
