import { ApiKeyMatcher } from './api-key-matcher';

const KEYS = ['k_live_0123456789abcdef', 'k_next_fedcba9876543210'];

describe('ApiKeyMatcher', () => {
  it('answers the position of the matching key, for every configured key', () => {
    const matcher = new ApiKeyMatcher(KEYS);
    expect(matcher.match(KEYS[0])).toBe(0);
    expect(matcher.match(KEYS[1])).toBe(1);
  });

  it.each([
    ['an unknown key', 'k_live_0123456789abcdeX'],
    ['a prefix of a key', KEYS[0].slice(0, -1)],
    ['a key with a suffix', `${KEYS[0]}0`],
    ['the empty string', ''],
    ['a key in another case', KEYS[0].toUpperCase()],
    ['both keys joined', KEYS.join(',')],
  ])('rejects %s', (_name, candidate) => {
    expect(new ApiKeyMatcher(KEYS).match(candidate)).toBe(-1);
  });

  it('is disabled, and matches nothing, without keys', () => {
    const matcher = new ApiKeyMatcher([]);
    expect(matcher.enabled).toBe(false);
    expect(matcher.match('')).toBe(-1);
  });
});
