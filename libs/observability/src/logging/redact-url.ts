/**
 * Query parameter names that may carry a credential: a key sent in a URL by mistake is refused,
 * but the request line would still have written it to the logs. Matched anywhere in the decoded
 * name, case-insensitively (`x_api_key`, `AuthToken`, `X-Amz-Signature`).
 */
const SECRET_PARAMETER = /key|token|secret|signature|passw|pwd|auth|credential|session|cookie/i;

export const REDACTED_VALUE = '[REDACTED]';

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw; // malformed escapes: judge the name as sent
  }
}

/** The URL as received, with the value of every secret-looking query parameter replaced by `[REDACTED]`. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const query = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair; // a bare flag carries no value
      const name = pair.slice(0, equals);
      return SECRET_PARAMETER.test(decodedName(name)) ? `${name}=${REDACTED_VALUE}` : pair;
    })
    .join('&');
  return `${url.slice(0, start)}?${query}`;
}
