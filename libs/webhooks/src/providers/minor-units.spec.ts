import { EventFields } from './event-fields';
import { minorUnitsToDecimal } from './minor-units';
import { ProblemException } from '@app/http';

describe('minorUnitsToDecimal', () => {
  it.each([
    ['2500', 2, '25.00'],
    ['1', 2, '0.01'],
    ['5', 3, '0.005'],
    ['1230', 3, '1.230'],
    ['500', 0, '500'],
    ['9007199254740993', 2, '90071992547409.93'],
    ['10', 4, '0.0010'],
  ])('turns %s with %i decimals into %s', (digits, exponent, expected) => {
    expect(minorUnitsToDecimal(digits, exponent)).toBe(expected);
  });

  it.each([['-1'], ['1.5'], ['1e3'], ['']])('refuses %j, which is not a digit string', (digits) => {
    expect(() => minorUnitsToDecimal(digits, 2)).toThrow(RangeError);
  });
});

describe('EventFields.minorUnits', () => {
  function problemOf(event: Record<string, unknown>): unknown {
    const fields = new EventFields(event);
    fields.minorUnits('data.amount');
    try {
      fields.check();
    } catch (error) {
      return error instanceof ProblemException ? error.problem.errors : error;
    }
    return undefined;
  }

  it.each([[2500], ['2500'], ['123456789012345678901234567890']])('accepts %j', (amount) => {
    expect(problemOf({ data: { amount } })).toBeUndefined();
  });

  it.each([
    ['a fraction', 20.5],
    ['zero', 0],
    ['a negative', -100],
    // eslint-disable-next-line no-loss-of-precision -- the rounding JSON.parse does is what is tested
    ['beyond 2^53 - 1, already rounded by JSON.parse', 9007199254740993],
    ['a decimal string', '25.00'],
    ['a string with a leading zero', '0100'],
    ['null', null],
    ['missing', undefined],
  ])('refuses %s, naming the provider field', (_name, amount) => {
    expect(problemOf({ data: amount === undefined ? {} : { amount } })).toEqual([
      { field: 'data.amount', message: expect.stringMatching(/minor units/) },
    ]);
  });
});
