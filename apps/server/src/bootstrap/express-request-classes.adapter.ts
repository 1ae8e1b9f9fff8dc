import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';

/**
 * Nest's Express adapter, with an HTTP server whose requests and responses are created with
 * Express' request and response prototypes already in their chain (node:http's IncomingMessage
 * and ServerResponse options), so the webhook fast path needs no Object.setPrototypeOf per
 * request: V8 then adds every later property (req.id, req.body, res.locals...) on a slow path,
 * measured at several µs a property. Express itself still sets its prototypes, as before.
 */
export class ExpressRequestClassesAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions || options.forceCloseConnections) throw new Error('ExpressRequestClassesAdapter serves plain HTTP only');
    const app = this.getInstance<Express>();
    class ExpressRequest extends IncomingMessage {}
    Object.setPrototypeOf(ExpressRequest.prototype, app.request);
    class ExpressResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {}
    Object.setPrototypeOf(ExpressResponse.prototype, app.response);
    this.setHttpServer(createServer({ IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse }, app));
  }
}
