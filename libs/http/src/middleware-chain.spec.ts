import type { NextFunction, Request, Response } from 'express';
import { type Middleware, runMiddleware } from './middleware-chain';

const req = {} as Request;
const res = {} as Response;

/** Runs `stack` and resolves with the handlers' trace and what reached `done`. */
function run(stack: Middleware[], trace: string[]): Promise<{ trace: string[]; left: unknown }> {
  return new Promise((resolve) => runMiddleware(stack, req, res, (left) => resolve({ trace, left })));
}

describe('runMiddleware', () => {
  it('runs plain handlers in order and skips error handlers while nothing failed', async () => {
    const trace: string[] = [];
    const step = (name: string) => (_q: Request, _s: Response, next: NextFunction) => (trace.push(name), next());
    const onError = (_e: unknown, _q: Request, _s: Response, next: NextFunction) => (trace.push('error handler'), next());
    expect(await run([step('a'), onError, step('b')], trace)).toEqual({ trace: ['a', 'b'], left: undefined });
  });

  it('takes next(error), a throw and a rejected promise to the next error handler, skipping plain ones', async () => {
    const failures: Array<[string, Middleware]> = [
      ['next(error)', (_q: Request, _s: Response, next: NextFunction) => next(new Error('boom'))],
      [
        'a throw',
        () => {
          throw new Error('boom');
        },
      ],
      ['a rejection', () => Promise.reject(new Error('boom'))],
    ];
    for (const [name, fail] of failures) {
      const trace: string[] = [name];
      const skipped = (_q: Request, _s: Response, next: NextFunction) => (trace.push('skipped'), next());
      const handled = (error: Error, _q: Request, _s: Response, next: NextFunction) => (trace.push(`handled ${error.message}`), next());
      expect(
        await run([fail, skipped, handled, (_q: Request, _s: Response, next: NextFunction) => (trace.push('after'), next())], trace),
      ).toEqual({
        trace: [name, `handled boom`, 'after'],
        left: undefined,
      });
    }
  });

  it('hands an error nobody handled to done', async () => {
    const error = new Error('unhandled');
    expect(await run([(_q: Request, _s: Response, next: NextFunction) => next(error)], [])).toEqual({ trace: [], left: error });
  });

  it('stops where a handler answers instead of calling next', async () => {
    const trace: string[] = [];
    let finished = false;
    runMiddleware([() => trace.push('answered'), () => trace.push('never')], req, res, () => (finished = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect({ trace, finished }).toEqual({ trace: ['answered'], finished: false });
  });
});
