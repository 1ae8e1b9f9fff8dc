import type { NextFunction, Request, Response } from 'express';
import { Problems } from '@app/http';
import { sendProblem } from './send-problem';

// C0 controls and DEL: no identifier or query value of ours contains them, and PostgreSQL
// rejects NUL in text outright (which would otherwise surface as a 500).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** 400 for URLs no client of ours sends: invalid percent-encoding or encoded control characters. */
export function rejectHostileUrls(req: Request, res: Response, next: NextFunction): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(req.originalUrl);
  } catch {
    return sendProblem(res, Problems.badRequest('The request URL is not valid percent-encoded UTF-8.'));
  }
  if (CONTROL_CHARACTERS.test(decoded)) {
    return sendProblem(res, Problems.badRequest('The request URL contains control characters.'));
  }
  next();
}
