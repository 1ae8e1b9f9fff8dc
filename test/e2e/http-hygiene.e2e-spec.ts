import { type AddressInfo, type Socket, connect } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { loadConfig } from '@app/config';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '@app/http';
import { createApp } from '../../apps/server/src/bootstrap/create-app';
import {
  EXPECTS_FAILURE_ENV,
  FAST_ENV,
  type TestApp,
  countTransactionRows,
  isolatedEnv,
  postWebhook,
  startTestApp,
  uniqueId,
} from '../support/test-app';
import { webhookBody } from '../support/webhooks';

/** How late past its deadline a slow client may be cut off: the server checks every second, and this machine is loaded. */
const CHECK_SLACK_MS = 5_000;

interface SocketOutcome {
  /** Everything the server wrote before it closed the connection. */
  received: string;
  /** From connecting until the server closed the connection, or until the test gave up. */
  elapsedMs: number;
  closedByServer: boolean;
}

/**
 * A raw TCP client that sends `opening`, then one more byte of `drip` every `dripEveryMs`,
 * until the server closes the connection or `giveUpAfterMs` passes.
 */
function slowClient(port: number, opening: string, drip: string, dripEveryMs: number, giveUpAfterMs: number): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let closedByServer = true;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined); // a reset after the answer is still a close
    const dripper = setInterval(() => {
      if (sent < drip.length && socket.writable) socket.write(drip[sent++]);
    }, dripEveryMs);
    const giveUp = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, giveUpAfterMs);
    socket.on('close', () => {
      clearInterval(dripper);
      clearTimeout(giveUp);
      resolve({ received, elapsedMs: Date.now() - started, closedByServer });
    });
    socket.write(opening);
  });
}

function problemOf(raw: string): { status: number; contentType: string | undefined; body: Record<string, unknown> } {
  const [head, body] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const contentType = /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1];
  return { status, contentType, body: JSON.parse(body) as Record<string, unknown> };
}

describe('HTTP hygiene', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api', ...(await isolatedEnv()) });
    const server = t.app.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await t?.queue.obliterate({ force: true });
    await t?.close();
  });

  it('bounds slow clients: headers within 10 s, the whole request within 30 s, else 408 and the socket is closed', async () => {
    expect(HEADERS_TIMEOUT_MS).toBe(10_000);
    expect(REQUEST_TIMEOUT_MS).toBe(30_000);
    const id = uniqueId('txn_slow');
    const body = JSON.stringify(webhookBody({ transaction_id: id }));
    const giveUpAfterMs = REQUEST_TIMEOUT_MS + 20_000;
    // Both at once, so the suite waits for the longer bound only.
    const [headers, wholeRequest] = await Promise.all([
      // A header line every second: each byte is fresh, none completes the headers.
      slowClient(port, 'POST /v1/webhooks/transactions HTTP/1.1\r\nHost: x\r\n', 'X-Drip: ' + 'a'.repeat(200), 1000, giveUpAfterMs),
      // Complete headers at once, then the body one byte a second: it would take minutes.
      slowClient(
        port,
        `POST /v1/webhooks/transactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
        body,
        1000,
        giveUpAfterMs,
      ),
    ]);

    for (const [outcome, bound] of [
      [headers, HEADERS_TIMEOUT_MS],
      [wholeRequest, REQUEST_TIMEOUT_MS],
    ] as const) {
      expect(outcome.closedByServer).toBe(true);
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(bound - 100);
      expect(outcome.elapsedMs).toBeLessThan(bound + CHECK_SLACK_MS);
      const answer = problemOf(outcome.received);
      expect(answer.status).toBe(408);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status: 408, title: 'Request Timeout', detail: expect.stringContaining(`${bound / 1000} s`) });
    }
    expect(await countTransactionRows(t.app, id)).toBe(0);
    // The server still serves everyone else.
    await t.http().get('/health/live').expect(200);
  }, 90_000);

  it('answers a body that starts with a UTF-8 byte-order mark with a 400 that says so, and stores nothing', async () => {
    const body = webhookBody();
    const res = await postWebhook(t, `\uFEFF${JSON.stringify(body)}`).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, detail: expect.stringMatching(/byte-order mark/) });
    expect(JSON.stringify(res.body)).not.toMatch(/amount/);
    expect(await countTransactionRows(t.app, body.transaction_id)).toBe(0);
  });

  it('answers 503 with Retry-After, not a 404, while a server bound to its port is still initialising', async () => {
    // main.ts binds the port before init; this is that window, held open.
    const starting = await createApp(loadConfig({ ...FAST_ENV, ...EXPECTS_FAILURE_ENV, APP_ROLE: 'api', ...(await isolatedEnv()) }));
    try {
      const early = await request(starting.getHttpServer())
        .post('/v1/webhooks/transactions')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(webhookBody()));
      expect(early.status).toBe(503);
      expect(early.headers['retry-after']).toBe('1');
      expect(early.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(early.body).toMatchObject({ status: 503, detail: expect.stringContaining('starting') });
      await starting.init();
      await request(starting.getHttpServer()).get('/health/live').expect(200);
    } finally {
      await starting.close();
    }
  });
});
