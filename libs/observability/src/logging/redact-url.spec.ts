import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('replaces the value of every parameter that looks like a secret, whatever its case', () => {
    expect(redactUrl('/v1/transactions?api_key=abc123&limit=5')).toBe('/v1/transactions?api_key=[REDACTED]&limit=5');
    expect(redactUrl('/x?TOKEN=t1&Secret=s1&signature=sg&password=pw&apikey=k&access_token=at&auth=a&key=k2')).toBe(
      '/x?TOKEN=[REDACTED]&Secret=[REDACTED]&signature=[REDACTED]&password=[REDACTED]&apikey=[REDACTED]&access_token=[REDACTED]&auth=[REDACTED]&key=[REDACTED]',
    );
  });

  it('matches names that merely contain a secret-looking word, encoded or not', () => {
    expect(redactUrl('/x?x_api_key=1&AuthToken=2&client%5Fsecret=3&X-Amz-Signature=4&passwd=5')).toBe(
      '/x?x_api_key=[REDACTED]&AuthToken=[REDACTED]&client%5Fsecret=[REDACTED]&X-Amz-Signature=[REDACTED]&passwd=[REDACTED]',
    );
  });

  it('leaves ordinary parameters, the path and parameters without a value as they are', () => {
    expect(redactUrl('/v1/transactions?status=FAILED&account=user_acc_1&cursor=abc&limit=20')).toBe(
      '/v1/transactions?status=FAILED&account=user_acc_1&cursor=abc&limit=20',
    );
    expect(redactUrl('/v1/transactions/token_like_id')).toBe('/v1/transactions/token_like_id');
    expect(redactUrl('/x?token&token=&flag')).toBe('/x?token&token=[REDACTED]&flag');
  });

  it('redacts every repetition of a parameter and survives malformed encoding', () => {
    expect(redactUrl('/x?key=1&key=2&key%ZZ=3')).toBe('/x?key=[REDACTED]&key=[REDACTED]&key%ZZ=[REDACTED]');
    expect(redactUrl('/x?%E0%A4%A=1&q=%ZZ')).toBe('/x?%E0%A4%A=1&q=%ZZ');
  });
});
