import { exceedsJsonDepth } from './json-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '[]' + '}'.repeat(depth - 1);

describe('exceedsJsonDepth', () => {
  it('accepts nesting up to the limit and rejects one level more', () => {
    expect(exceedsJsonDepth(bytes(nested(32)), 32)).toBe(false);
    expect(exceedsJsonDepth(bytes(nested(33)), 32)).toBe(true);
  });

  it('counts arrays and objects alike', () => {
    expect(exceedsJsonDepth(bytes('[[[{}]]]'), 3)).toBe(true);
    expect(exceedsJsonDepth(bytes('[[[{}]]]'), 4)).toBe(false);
  });

  it('measures depth, not the number of containers', () => {
    expect(exceedsJsonDepth(bytes(JSON.stringify(Array.from({ length: 5000 }, () => ({ a: [1] })))), 3)).toBe(false);
  });

  it('ignores brackets inside strings, including after escaped quotes and backslashes', () => {
    expect(exceedsJsonDepth(bytes(JSON.stringify({ note: '[[[[{{{{', q: 'a\\"[[[[', b: 'x\\\\' })), 1)).toBe(false);
    expect(exceedsJsonDepth(bytes('{"b":"x\\\\","c":[[]]}'), 2)).toBe(true);
  });

  it('handles scalars, empty and non-UTF-8 input without throwing', () => {
    expect(exceedsJsonDepth(bytes(''), 1)).toBe(false);
    expect(exceedsJsonDepth(bytes('12'), 1)).toBe(false);
    expect(exceedsJsonDepth(Buffer.from([0xff, 0x5b, 0x5b, 0xfe]), 1)).toBe(true);
  });
});
