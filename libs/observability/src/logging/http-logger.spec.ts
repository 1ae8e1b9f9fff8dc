import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { EXPECTED_RETRY, OPEN_ENDED_RESPONSE, createHttpLogger, httpLogLevel } from './http-logger';

const req = (method: string, url: string) => ({ method, url, originalUrl: url }) as IncomingMessage & { originalUrl: string };
const res = (statusCode: number) => ({ statusCode }) as ServerResponse;

describe('httpLogLevel', () => {
  it('logs successful requests at info', () => {
    expect(httpLogLevel(req('POST', '/v1/webhooks/transactions'), res(202))).toBe('info');
  });

  it('logs client errors at warn and server errors at error', () => {
    expect(httpLogLevel(req('GET', '/v1/transactions/x'), res(404))).toBe('warn');
    expect(httpLogLevel(req('POST', '/v1/webhooks/transactions'), res(503))).toBe('error');
    expect(httpLogLevel(req('GET', '/'), res(200), new Error('socket hang up'))).toBe('error');
  });

  it('keeps routine probes and scrapes at debug, unless they fail', () => {
    expect(httpLogLevel(req('GET', '/metrics'), res(200))).toBe('debug');
    expect(httpLogLevel(req('GET', '/health/ready'), res(200))).toBe('debug');
    expect(httpLogLevel(req('GET', '/health/ready'), res(503))).toBe('error');
  });

  it('logs a 5xx that is part of normal operation (a refund ahead of its payment) at warn', () => {
    const expected = Object.assign(res(503), { locals: { [EXPECTED_RETRY]: true } });
    expect(httpLogLevel(req('POST', '/v1/webhooks/stripe'), expected)).toBe('warn');
    expect(httpLogLevel(req('POST', '/v1/webhooks/stripe'), Object.assign(res(503), { locals: {} }))).toBe('error');
  });
});

describe('createHttpLogger and open-ended responses', () => {
  /** Records the level and message of each line the request logger writes. */
  function recordingLogger(lines: Array<[string, string]>): Logger {
    const child = {
      isLevelEnabled: () => true,
      ...Object.fromEntries(
        ['error', 'warn', 'info', 'debug'].map((level) => [level, (_obj: unknown, msg: string) => lines.push([level, msg])]),
      ),
    };
    return { child: () => child } as unknown as Logger;
  }

  function closedByClient(locals: Record<string, unknown>): Array<[string, string]> {
    const lines: Array<[string, string]> = [];
    const request = Object.assign(new EventEmitter(), {
      method: 'GET',
      url: '/v1/events',
      originalUrl: '/v1/events',
      headers: {},
      socket: {},
    });
    const response = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: false, locals, getHeader: () => undefined });
    createHttpLogger(recordingLogger(lines))(request as never, response as never, () => undefined);
    response.emit('close');
    return lines;
  }

  it('logs an event stream the client closed at info, not as an aborted request', () => {
    expect(closedByClient({ [OPEN_ENDED_RESPONSE]: true })).toEqual([['info', 'GET /v1/events 200 (stream closed by the client)']]);
  });

  it('still logs any other response the client abandoned as an error', () => {
    expect(closedByClient({})).toEqual([['error', 'request aborted']]);
  });
});
