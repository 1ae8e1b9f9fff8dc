import fc from 'fast-check';
import { decodeCursor, encodeCursor } from './transaction-cursor';

const micros = (n: bigint) => n.toString();

describe('transaction cursors', () => {
  it('decode back to the position they were made from', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 4102444800000000n }), fc.bigInt({ min: 1n, max: 9223372036854775807n }), (at, id) => {
        const position = { createdAtMicros: micros(at), id: id.toString() };
        expect(decodeCursor(encodeCursor(position))).toEqual(position);
      }),
    );
  });

  const raw = (text: string) => Buffer.from(text).toString('base64url');

  it.each([
    ['not base64url', 'a+b/'],
    ['an empty string', ''],
    ['letters', raw('abc')],
    ['an id alone (the format before created_at was part of the order)', raw('12')],
    ['a zero id', raw('1764115200000000.0')],
    ['a negative id', raw('1764115200000000.-1')],
    ['a leading zero', raw('1764115200000000.012')],
    ['a fractional time', raw('1764115200000000.5.12')],
    ['an id beyond bigint', raw('1764115200000000.9223372036854775808')],
    ['padding', `${raw('1764115200000000.12')}==`],
    ['a number, not a string', 12],
  ])('reject %s', (_case, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
