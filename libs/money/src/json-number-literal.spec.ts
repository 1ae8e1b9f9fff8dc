import { findTopLevelNumberLiteral } from './json-number-literal';

// Every input here is valid JSON, as the function's contract requires.
function find(raw: string, key = 'amount'): string | undefined {
  JSON.parse(raw); // guard against typos in the fixtures themselves
  return findTopLevelNumberLiteral(raw, key);
}

describe('findTopLevelNumberLiteral', () => {
  it('returns the literal of a top-level number from a webhook body', () => {
    const body = '{"transaction_id":"txn_1","source_account":"a","destination_account":"b","amount":2500,"currency":"INR"}';
    expect(find(body)).toBe('2500');
  });

  it('keeps digits a double would lose', () => {
    expect(find('{"amount":12345678901234567890.123456789}')).toBe('12345678901234567890.123456789');
  });

  it.each(['-0', '0', '0.000', '1e400', '1E-400', '2.5e+3', '-12.50', '1e0'])(
    'returns the exponent/sign/fraction form %s verbatim',
    (literal) => expect(find(`{"amount":${literal}}`)).toBe(literal),
  );

  it('tolerates whitespace everywhere', () => {
    expect(find(' \n\t{ \r\n "x" : [ 1 , 2 ] ,\n\t"amount"\t:\r\n 10.5 \n} \n ')).toBe('10.5');
  });

  it('finds a key that is the first, middle or last member', () => {
    expect(find('{"amount":1,"b":2}')).toBe('1');
    expect(find('{"a":0,"amount":2,"b":3}')).toBe('2');
    expect(find('{"a":{},"amount":3}')).toBe('3');
  });

  it('returns the last occurrence of a repeated key, like JSON.parse', () => {
    expect(find('{"amount":1,"amount":2}')).toBe('2');
  });

  it('returns undefined when the last occurrence of a repeated key is not a number', () => {
    expect(find('{"amount":1,"amount":"2"}')).toBeUndefined();
    expect(find('{"amount":1,"amount":null}')).toBeUndefined();
  });

  it('returns the later number when an earlier duplicate was not a number', () => {
    expect(find('{"amount":"1","amount":7}')).toBe('7');
  });

  it('matches keys after unescaping \\u sequences', () => {
    expect(find('{"\\u0061mount":42}')).toBe('42');
    expect(find('{"\\u0041MOUNT":42}', 'AMOUNT')).toBe('42');
    expect(find('{"amount":1,"\\u0061\\u006D\\u006f\\u0075\\u006e\\u0074":2}')).toBe('2');
  });

  it('matches keys with simple escapes and surrogate pairs', () => {
    expect(find('{"a\\"b":1}', 'a"b')).toBe('1');
    expect(find('{"a\\\\b":2}', 'a\\b')).toBe('2');
    expect(find('{"a\\/b\\n":3}', 'a/b\n')).toBe('3');
    expect(find('{"\\ud83d\\ude00":4}', '\u{1F600}')).toBe('4');
    expect(find('{"\u{1F600}":5}', '\u{1F600}')).toBe('5');
  });

  it('does not match a key that only shares a prefix or differs after unescaping', () => {
    expect(find('{"amounts":1}')).toBeUndefined();
    expect(find('{"amoun":1}')).toBeUndefined();
    expect(find('{"\\u0061mounts":1}')).toBeUndefined();
    expect(find('{"Amount":1}')).toBeUndefined();
  });

  it('does not match the key inside a nested object or array', () => {
    expect(find('{"meta":{"amount":1}}')).toBeUndefined();
    expect(find('{"list":[{"amount":1}],"x":{"y":{"amount":2}}}')).toBeUndefined();
    expect(find('{"meta":{"amount":1},"amount":9}')).toBe('9');
  });

  it('does not match the key text inside string values', () => {
    expect(find('{"note":"\\"amount\\":1","x":2}')).toBeUndefined();
    expect(find('{"note":"{\\"amount\\":1}"}')).toBeUndefined();
  });

  it('skips strings containing brackets, braces, escaped quotes and backslashes', () => {
    const raw = '{"a":"}]\\\\","b":["]}\\"{",{"c":"\\\\\\""}],"amount":5}';
    expect(find(raw)).toBe('5');
  });

  it('returns undefined when the value is not a number', () => {
    for (const value of ['"2500"', 'null', 'true', 'false', '{}', '[2500]', '{"amount":1}']) {
      expect(find(`{"amount":${value}}`)).toBeUndefined();
    }
  });

  it('returns undefined when the key is absent or the object is empty', () => {
    expect(find('{"currency":"INR"}')).toBeUndefined();
    expect(find('{}')).toBeUndefined();
    expect(find(' { } ')).toBeUndefined();
  });

  it('returns undefined when the top level is not an object', () => {
    for (const raw of ['[{"amount":1}]', '1', '"amount"', 'null', 'true', '[]']) {
      expect(find(raw)).toBeUndefined();
    }
  });

  it('returns undefined instead of throwing on text JSON.parse would reject', () => {
    for (const raw of ['', '{', '{"amount"', '{"amount":', '{"amount" 1}', '{"amount":1', '{"a":"x', '{amount:1}', '{"a":[1,']) {
      expect(findTopLevelNumberLiteral(raw, 'amount')).toBeUndefined();
    }
  });

  it('agrees with JSON.parse on what the value is', () => {
    const bodies = [
      '{"amount":0.1,"amount":1e2}',
      '{"x":"\\"amount\\":3","amount":-4.25E-1}',
      '{"\\u0061mount":123.000,"y":[{"amount":9}]}',
    ];
    for (const raw of bodies) {
      const literal = findTopLevelNumberLiteral(raw, 'amount');
      expect(literal).toBeDefined();
      expect(Number(literal)).toBe((JSON.parse(raw) as { amount: number }).amount);
    }
  });

  it('scans a multi-megabyte body in linear time', () => {
    const filler = 'x\\"'.repeat(500_000);
    const nested = '['.repeat(10_000) + ']'.repeat(10_000);
    const raw = `{"a":"${filler}","n":${nested},"amount":1.25}`;
    JSON.parse(raw);
    const started = Date.now();
    expect(findTopLevelNumberLiteral(raw, 'amount')).toBe('1.25');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
