import { type TestApp, isolatedEnv, startTestApp } from '../support/test-app';

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
  security?: Record<string, string[]>[];
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
    securitySchemes: Record<string, { scheme?: string }>;
  };
}

/** Every status docs/api.md names per route ("Routes"), plus 401/429/503 where they apply. */
const ROUTE_STATUSES: Record<string, number[]> = {
  'GET /': [200],
  'GET /health/live': [200],
  'GET /health/ready': [200, 503],
  'GET /health/worker': [200, 503],
  'POST /v1/webhooks/transactions': [202, 400, 401, 409, 413, 415, 429, 503],
  'GET /v1/transactions/{transaction_id}': [200, 401, 404, 429, 503],
  'GET /v1/transactions': [200, 400, 401, 429, 503],
  'POST /v1/transactions/{transaction_id}/retry': [202, 401, 404, 409, 503],
  'POST /v1/transactions/retry': [202, 400, 401, 503],
  'GET /v1/accounts/{account_id}/balance': [200, 401, 429, 503],
  'GET /v1/events': [200, 400, 401, 429, 503],
  'GET /metrics': [200],
};

/** Routes served by Nest controllers, read from the Express router: "METHOD /path/{param}". */
function servedRoutes(app: TestApp): string[] {
  // Express 5 keeps each route's methods on the (untyped) route object of its router layer.
  const express = app.app.getHttpAdapter().getInstance() as unknown as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  return (
    express.router.stack
      .filter((layer) => layer.route !== undefined)
      .flatMap((layer) =>
        Object.keys(layer.route!.methods)
          .filter((method) => method !== '_all')
          .map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`),
      )
      // Swagger's own pages are served beside the document, not described by it; wildcard
      // entries are middleware mounts (the request-scoped logger), not endpoints.
      .filter((route) => !/ \/docs/.test(route) && !route.includes('{*'))
  );
}

function documentedRoutes(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('OpenAPI document', () => {
  let api: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()) });
    doc = (await api.http().get('/docs-json').expect(200).expect('Content-Type', /json/)).body as OpenApiDocument;
  });

  afterAll(async () => {
    await api.close();
  });

  const operation = (route: string): Operation => {
    const [method, path] = route.split(' ');
    return doc.paths[path]?.[method.toLowerCase()];
  };

  it('serves Swagger UI at /docs', async () => {
    const res = await api.http().get('/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger-ui');
  });

  it('lists every route the application serves, and only those', () => {
    const served = servedRoutes(api);
    expect(served.length).toBeGreaterThanOrEqual(Object.keys(ROUTE_STATUSES).length);
    expect(documentedRoutes(doc).sort()).toEqual([...new Set(served)].sort());
  });

  it.each(Object.entries(ROUTE_STATUSES))('documents %s with every status it answers', (route, statuses) => {
    expect(operation(route)).toBeDefined();
    expect(Object.keys(operation(route).responses).map(Number).sort()).toEqual(expect.arrayContaining(statuses));
  });

  it('describes errors as RFC 9457 problem documents', () => {
    for (const [status, response] of Object.entries(operation('POST /v1/webhooks/transactions').responses)) {
      if (Number(status) >= 400) expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
    }
    expect(Object.keys(doc.components.schemas.ProblemDocumentView.properties ?? {})).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'errors',
    ]);
    expect(operation('POST /v1/webhooks/transactions').responses['503'].headers).toHaveProperty('Retry-After');
  });

  it('describes the webhook body, its signature headers, and the replay headers of the answer', () => {
    const webhook = operation('POST /v1/webhooks/transactions');
    expect(webhook.requestBody?.content['application/json'].schema.$ref).toBe('#/components/schemas/TransactionWebhookDto');
    expect(doc.components.schemas.TransactionWebhookDto.required?.sort()).toEqual([
      'amount',
      'currency',
      'destination_account',
      'source_account',
      'transaction_id',
    ]);
    expect(webhook.parameters?.filter((p) => p.in === 'header').map((p) => p.name)).toEqual(
      expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature']),
    );
    expect(Object.keys(webhook.responses['202'].headers ?? {})).toEqual(expect.arrayContaining(['Location', 'Idempotent-Replayed']));
    expect(Object.keys(doc.components.schemas.TransactionView.properties ?? {})).toEqual([
      'transaction_id',
      'source_account',
      'destination_account',
      'amount',
      'currency',
      'status',
      'attempts',
      'last_error',
      'created_at',
      'updated_at',
      'processed_at',
    ]);
  });

  it('describes the listing query and page, and the bulk retry body and answer', () => {
    const list = operation('GET /v1/transactions');
    expect(
      list.parameters
        ?.filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['account', 'cursor', 'limit', 'status']);
    expect(Object.keys(doc.components.schemas.TransactionPageView.properties ?? {})).toEqual(['items', 'next_cursor']);
    expect(operation('POST /v1/transactions/retry').requestBody?.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/BulkRetryDto',
    );
    expect(Object.keys(doc.components.schemas.BulkRetryResultView.properties ?? {})).toEqual(['requeued']);
  });

  it('describes the event stream as text/event-stream', () => {
    expect(Object.keys(operation('GET /v1/events').responses['200'].content ?? {})).toEqual(['text/event-stream']);
  });

  it('declares bearer auth on the key-protected routes only', () => {
    expect(doc.components.securitySchemes['api-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    const secured = (route: string) => (operation(route).security ?? []).some((requirement) => 'api-key' in requirement);
    for (const route of Object.keys(ROUTE_STATUSES)) {
      expect([route, secured(route)]).toEqual([route, route.includes(' /v1/') && !route.includes('/webhooks/')]);
    }
  });
});
