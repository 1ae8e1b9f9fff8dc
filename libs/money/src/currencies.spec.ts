import { ISO_4217_MINOR_UNITS, currencyMinorUnits } from './currencies';

describe('currencyMinorUnits', () => {
  it('returns 2 for INR and USD, 0 for JPY, 3 for KWD', () => {
    expect(currencyMinorUnits('INR')).toBe(2);
    expect(currencyMinorUnits('USD')).toBe(2);
    expect(currencyMinorUnits('JPY')).toBe(0);
    expect(currencyMinorUnits('KWD')).toBe(3);
  });

  it.each(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'])(
    'knows %s has no minor unit (0 digits)',
    (code) => expect(currencyMinorUnits(code)).toBe(0),
  );

  it.each(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'])('knows %s has 3 minor digits', (code) =>
    expect(currencyMinorUnits(code)).toBe(3),
  );

  it.each(['CLF', 'UYW'])('knows %s has 4 minor digits', (code) => expect(currencyMinorUnits(code)).toBe(4));

  it.each(['XCG', 'ZWG', 'VED', 'VES', 'SLE', 'STN', 'MRU', 'BYN', 'XAD'])(
    'includes the recently introduced code %s with 2 digits',
    (code) => expect(currencyMinorUnits(code)).toBe(2),
  );

  it.each(['BOV', 'CHE', 'CHW', 'COU', 'MXV', 'USN'])('includes the fund code %s with 2 digits', (code) =>
    expect(currencyMinorUnits(code)).toBe(2),
  );

  it.each(['HRK', 'ZWL', 'SLL', 'ANG', 'BGN', 'CUC', 'VEF', 'MRO', 'STD', 'LTL', 'DEM'])('rejects the withdrawn code %s', (code) =>
    expect(currencyMinorUnits(code)).toBeUndefined(),
  );

  it.each(['XAU', 'XAG', 'XPD', 'XPT', 'XDR', 'XBA', 'XBB', 'XBC', 'XBD', 'XSU', 'XUA', 'XTS', 'XXX'])(
    'rejects %s whose minor unit is N.A.',
    (code) => expect(currencyMinorUnits(code)).toBeUndefined(),
  );

  it('is case-sensitive: lower and mixed case are not codes', () => {
    expect(currencyMinorUnits('inr')).toBeUndefined();
    expect(currencyMinorUnits('Usd')).toBeUndefined();
  });

  it('rejects padded, empty and non-code strings', () => {
    for (const code of ['', ' INR', 'INR ', 'INRR', 'IN', '356']) expect(currencyMinorUnits(code)).toBeUndefined();
  });

  it('does not treat inherited object properties as codes', () => {
    for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(currencyMinorUnits(code)).toBeUndefined();
    }
  });

  it('holds exactly the 165 active codes with numeric minor units, all three upper-case letters', () => {
    const codes = Object.keys(ISO_4217_MINOR_UNITS);
    expect(codes).toHaveLength(165);
    for (const code of codes) expect(code).toMatch(/^[A-Z]{3}$/);
    for (const units of Object.values(ISO_4217_MINOR_UNITS)) expect([0, 2, 3, 4]).toContain(units);
  });

  it('is frozen so callers cannot add or change codes', () => {
    expect(Object.isFrozen(ISO_4217_MINOR_UNITS)).toBe(true);
    expect(() => {
      (ISO_4217_MINOR_UNITS as Record<string, number>).INR = 7;
    }).toThrow(TypeError);
    expect(currencyMinorUnits('INR')).toBe(2);
  });
});
