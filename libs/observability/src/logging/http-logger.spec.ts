import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXPECTED_RETRY, httpLogLevel } from './http-logger';

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
