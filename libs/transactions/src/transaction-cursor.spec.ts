import fc from 'fast-check';
import { decodeCursor, encodeCursor } from './transaction-cursor';

describe('transaction cursors', () => {
  it('decode back to the id they were made from', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 9223372036854775807n }), (id) => decodeCursor(encodeCursor(id.toString())) === id.toString()));
  });

  it.each([
    ['not base64url', 'a+b/'],
    ['an empty string', ''],
    ['letters', Buffer.from('abc').toString('base64url')],
    ['zero', Buffer.from('0').toString('base64url')],
    ['a negative id', Buffer.from('-1').toString('base64url')],
    ['a leading zero', Buffer.from('012').toString('base64url')],
    ['beyond bigint', Buffer.from('9223372036854775808').toString('base64url')],
    ['padding', `${Buffer.from('12').toString('base64url')}==`],
    ['a number, not a string', 12],
  ])('reject %s', (_case, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
