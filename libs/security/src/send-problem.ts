import type { Response } from 'express';
import { PROBLEM_CONTENT_TYPE, type ProblemException } from '@app/http';

/**
 * Answers from Express middleware. Nest's exception filter does not see errors raised before
 * routing, and Express' own handler would answer HTML (with a stack outside production).
 */
export function sendProblem(res: Response, problem: ProblemException, headers: Readonly<Record<string, string>> = {}): void {
  res
    .status(problem.getStatus())
    .set({ ...problem.headers, ...headers })
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem.problem));
}
