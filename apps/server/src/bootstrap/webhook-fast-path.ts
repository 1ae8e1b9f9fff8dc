import type { INestApplication } from '@nestjs/common';
import type { Express, Request, Response } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type Middleware, type ProblemDetailsFilter, type RawBodyRequest, runMiddleware } from '@app/http';
import { ProviderWebhooksController, WebhookProviderRegistry, WebhooksController } from '@app/webhooks';

const NATIVE_PATH = '/v1/webhooks/transactions';
const PROVIDER_PREFIX = '/v1/webhooks/';
const PROVIDER_NAME = /^[a-z0-9-]{1,32}$/;
/** Nest's route templates, which Express would leave in req.route for the metrics' `route` label. */
const NATIVE_TEMPLATE = '/v1/webhooks/transactions';
const PROVIDER_TEMPLATE = '/v1/webhooks/:provider';

const inherits = (object: object, prototype: object): boolean => Object.prototype.isPrototypeOf.call(prototype, object);

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

interface FastRoute {
  template: string;
  params: Record<string, string>;
  /** The controller method Nest would call (status preset to its @HttpCode, as Nest does). */
  handle: (req: RawBodyRequest, res: Response) => Promise<unknown>;
}

/**
 * POST /v1/webhooks/transactions and /v1/webhooks/<enabled provider>, spelled exactly so (no
 * query, no trailing slash, lower case), skip Express' router and Nest's route handling: a
 * request listener in front of Express runs the pipeline's own middleware (`pipeline`: request
 * id, log, metrics, starting gate, security, body) in the same order, then the same controller
 * method, then answers with Express' own res.json or the same ProblemDetailsFilter. Every other
 * request, including other spellings of these paths, goes to Express unchanged.
 * See docs/decisions/2026-12-webhook-fast-path.md.
 */
export function serveWebhooksFast(app: INestApplication, pipeline: readonly Middleware[], filter: ProblemDetailsFilter): void {
  const server = app.getHttpServer() as Server;
  const express = app.getHttpAdapter().getInstance() as Express;
  const native = app.get(WebhooksController, { strict: false });
  const providers = app.get(ProviderWebhooksController, { strict: false });
  const registry = app.get(WebhookProviderRegistry, { strict: false });
  const [expressListener, ...others] = server.listeners('request') as RequestListener[];
  if (!expressListener || others.length > 0) throw new Error('The webhook fast path expects Express as the only request listener');

  const answer = (route: FastRoute) => (req: Request, res: Response) => {
    // What Express' router and Nest leave behind for the middleware that reads them at 'finish'.
    (req as Request & { route: { path: string } }).route = { path: route.template };
    req.params = route.params;
    res.status(202);
    route.handle(req as RawBodyRequest, res).then(
      (body) => res.json(body),
      (error: unknown) => filter.answer(error, res),
    );
  };
  // One stack per route, built once: the provider set is fixed at boot (a provider is enabled by its secret).
  const stackFor = (route: FastRoute): Middleware[] => [...pipeline, answer(route)];
  const nativeStack = stackFor({ template: NATIVE_TEMPLATE, params: {}, handle: (req, res) => native.receive(req, res) });
  const providerStacks = new Map(
    registry
      .enabledNames()
      .filter((name) => PROVIDER_NAME.test(name))
      .map((name) => [
        `${PROVIDER_PREFIX}${name}`,
        stackFor({ template: PROVIDER_TEMPLATE, params: { provider: name }, handle: (req, res) => providers.receive(name, req, res) }),
      ]),
  );
  const stackOf = ({ method, url }: IncomingMessage): Middleware[] | undefined => {
    if (method !== 'POST' || url === undefined) return undefined;
    return url === NATIVE_PATH ? nativeStack : providerStacks.get(url);
  };

  server.removeListener('request', expressListener);
  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const stack = stackOf(incoming);
    if (!stack) return expressListener(incoming, outgoing);
    // As Express' app.handle prepares every request and response.
    if (express.enabled('x-powered-by')) outgoing.setHeader('X-Powered-By', 'Express');
    // Created with Express' prototypes in their chain (ExpressRequestClassesAdapter), else given them as Express does.
    const req = (inherits(incoming, express.request) ? incoming : Object.setPrototypeOf(incoming, express.request)) as Request;
    const res = (inherits(outgoing, express.response) ? outgoing : Object.setPrototypeOf(outgoing, express.response)) as Response;
    req.res = res;
    res.req = req;
    res.locals ??= Object.create(null) as Record<string, unknown>;
    req.originalUrl = req.url;
    req.baseUrl = '';
    req.params = {};
    runMiddleware(stack, req, res, (error) => {
      if (error !== undefined) filter.answer(error, res);
    });
  });
}
