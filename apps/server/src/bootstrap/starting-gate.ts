import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, Problems } from '@app/http';

/**
 * main.ts binds the port before the application initialises (so a port in use fails the boot
 * before any consumer starts). Until initialisation ends, routes are not registered yet: instead
 * of Express' HTML 404, which a webhook sender may take as final, everything gets 503 + Retry-After.
 */
@Injectable()
export class StartingGate implements OnApplicationBootstrap {
  private ready = false;

  onApplicationBootstrap(): void {
    this.ready = true;
  }

  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.ready) return next();
    const problem = Problems.starting();
    res.status(problem.getStatus()).set(problem.headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.problem));
  };
}
