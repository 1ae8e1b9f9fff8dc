import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { type FieldError, ProblemException } from '@app/http';
import { TransactionWebhookDto } from './transaction-webhook.dto';
import { TransactionWebhookParser } from './transaction-webhook.parser';

const parser = new TransactionWebhookParser();

const VALID = {
  transaction_id: 'txn_demo_1',
  source_account: 'user_acc_1',
  destination_account: 'merchant_acc_1',
  amount: 2500,
  currency: 'INR',
};

/** Parses a body given as raw JSON text, the way the HTTP pipeline hands it over. */
function parseRaw(raw: string) {
  return parser.parse(JSON.parse(raw), Buffer.from(raw, 'utf8'));
}

function parseBody(body: Record<string, unknown>) {
  return parseRaw(JSON.stringify(body));
}

/** The field errors of the 400 problem the parser throws (fails the test when it accepts the body). */
async function fieldErrors(parsing: Promise<unknown>): Promise<FieldError[]> {
  try {
    await parsing;
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    expect(error.problem.status).toBe(400);
    expect(error.problem.type).toMatch(/validation-error$/);
    return error.problem.errors ?? [];
  }
  throw new Error('the body was accepted');
}

async function rejectedFields(parsing: Promise<unknown>): Promise<string[]> {
  return (await fieldErrors(parsing)).map((error) => error.field).sort();
}

describe('TransactionWebhookParser', () => {
  it('turns the README example into a transaction with a canonical decimal amount', async () => {
    await expect(parseBody(VALID)).resolves.toEqual({
      transactionId: 'txn_demo_1',
      sourceAccount: 'user_acc_1',
      destinationAccount: 'merchant_acc_1',
      amount: '2500.00',
      currency: 'INR',
    });
  });

  it('ignores fields the sender adds and never passes them on', async () => {
    const parsed = await parseBody({ ...VALID, note: 'hi', metadata: { order: 42 }, status: 'PROCESSED', attempts: 9 });
    expect(Object.keys(parsed).sort()).toEqual(['amount', 'currency', 'destinationAccount', 'sourceAccount', 'transactionId']);
  });

  describe('identifiers', () => {
    const fields = ['transaction_id', 'source_account', 'destination_account'] as const;

    it.each(['a', 'A', '7', 'txn_demo_1', 'order:42:a', 'a.b-c_d', 'Z'.repeat(128), '0abc'])(
      'accepts %j in every identifier field',
      async (id) => {
        for (const field of fields) {
          const body = { ...VALID, source_account: 'src_x', destination_account: 'dst_x', [field]: id };
          await expect(parseBody(body)).resolves.toBeDefined();
        }
      },
    );

    it.each([
      ['empty', ''],
      ['129 characters', 'a'.repeat(129)],
      ['starting with _', '_txn'],
      ['starting with .', '.txn'],
      ['starting with :', ':txn'],
      ['starting with -', '-txn'],
      ['with a space', 'txn 1'],
      ['with a slash', 'txn/1'],
      ['with a quote', "txn'1"],
      ['with a trailing newline', 'txn\n'],
      ['non-ASCII', 'txné'],
      ['a NUL byte', 'txn\u00001'],
    ])('rejects an identifier %s in each field', async (_name, id) => {
      for (const field of fields) {
        expect(await rejectedFields(parseBody({ ...VALID, [field]: id }))).toEqual([field]);
      }
    });

    it.each([
      ['a number', 42],
      ['null', null],
      ['an object', { id: 'x' }],
      ['an array', ['x']],
    ])('rejects %s as an identifier', async (_name, value) => {
      expect(await rejectedFields(parseBody({ ...VALID, transaction_id: value }))).toEqual(['transaction_id']);
    });

    it('rejects a source equal to the destination', async () => {
      const errors = await fieldErrors(parseBody({ ...VALID, destination_account: VALID.source_account }));
      expect(errors).toEqual([{ field: 'destination_account', message: expect.stringMatching(/differ/) }]);
    });

    it('compares accounts case-sensitively', async () => {
      await expect(parseBody({ ...VALID, source_account: 'acc_A', destination_account: 'acc_a' })).resolves.toBeDefined();
    });
  });

  describe('amount', () => {
    it.each([
      ['INR', '2500', '2500.00'],
      ['INR', '2500.5', '2500.50'],
      ['INR', '0.01', '0.01'],
      ['INR', '2.5e3', '2500.00'],
      ['INR', '25E+2', '2500.00'],
      ['INR', '1234567890123.45', '1234567890123.45'],
      ['INR', '2500.000', '2500.00'],
      ['USD', '19.99', '19.99'],
      ['JPY', '1000', '1000'],
      ['JPY', '1000.0', '1000'],
      ['JPY', '123456789012345', '123456789012345'],
      ['KWD', '1.234', '1.234'],
      ['KWD', '0.001', '0.001'],
    ])('accepts %s %s as %s', async (currency, literal, expected) => {
      const parsed = await parseRaw(
        `{"transaction_id":"t1","source_account":"a","destination_account":"b","currency":"${currency}","amount":${literal}}`,
      );
      expect(parsed.amount).toBe(expected);
    });

    it.each([
      ['INR', '0.001', /decimal places/],
      ['INR', '1e-7', /decimal places/],
      ['USD', '19.999', /decimal places/],
      ['JPY', '1000.5', /decimal places/],
      ['JPY', '0.5', /decimal places/],
      ['KWD', '1.2345', /decimal places/],
      ['INR', '12345678901234.56', /15 significant digits/],
      ['JPY', '1234567890123456', /15 significant digits/],
      ['JPY', '1e20', /15 significant digits/],
      ['INR', '100000000000000000000', /15 significant digits/],
      // JSON.parse rounds this to 2500: only the raw literal shows the extra digit.
      ['INR', '2500.0000000000001', /decimal places/],
      ['JPY', '9007199254740993', /15 significant digits/],
    ])('rejects %s %s', async (currency, literal, message) => {
      const raw = `{"transaction_id":"t1","source_account":"a","destination_account":"b","currency":"${currency}","amount":${literal}}`;
      expect(await fieldErrors(parseRaw(raw))).toEqual([{ field: 'amount', message: expect.stringMatching(message) }]);
    });

    it.each([
      ['zero', '0'],
      ['negative zero', '-0'],
      ['zero with decimals', '0.00'],
      ['negative', '-2500'],
    ])('rejects %s', async (_name, literal) => {
      const raw = `{"transaction_id":"t1","source_account":"a","destination_account":"b","currency":"INR","amount":${literal}}`;
      expect(await fieldErrors(parseRaw(raw))).toEqual([{ field: 'amount', message: expect.stringMatching(/greater than 0/) }]);
    });

    it.each([
      ['a string', '"2500"'],
      ['null', 'null'],
      ['a boolean', 'true'],
      ['an object', '{"value":2500}'],
      ['an array', '[2500]'],
      ['too large for a double', '1e400'],
    ])('rejects %s', async (_name, literal) => {
      const raw = `{"transaction_id":"t1","source_account":"a","destination_account":"b","currency":"INR","amount":${literal}}`;
      expect(await rejectedFields(parseRaw(raw))).toEqual(['amount']);
    });

    it('says a string amount is not a number, not that it is not positive', async () => {
      const raw = '{"transaction_id":"t1","source_account":"a","destination_account":"b","currency":"INR","amount":"2500"}';
      expect(await fieldErrors(parseRaw(raw))).toEqual([{ field: 'amount', message: 'must be a finite JSON number' }]);
    });

    it('rejects a missing amount', async () => {
      const { amount: _amount, ...body } = VALID;
      expect(await rejectedFields(parseBody(body))).toEqual(['amount']);
    });

    it('reads the last of duplicate amount keys, as JSON.parse does', async () => {
      const raw = '{"transaction_id":"t1","source_account":"a","destination_account":"b","currency":"INR","amount":1,"amount":2.5}';
      expect((await parseRaw(raw)).amount).toBe('2.50');
    });

    it('reads the amount of the top level, not one nested in an ignored field', async () => {
      const raw =
        '{"meta":{"amount":0.001},"transaction_id":"t1","source_account":"a","destination_account":"b","currency":"INR","amount":7}';
      expect((await parseRaw(raw)).amount).toBe('7.00');
    });
  });

  describe('currency', () => {
    it.each(['INR', 'USD', 'JPY', 'KWD', 'EUR', 'XOF'])('accepts the active code %s', async (currency) => {
      await expect(parseBody({ ...VALID, currency })).resolves.toMatchObject({ currency });
    });

    it.each([
      ['lower case', 'inr'],
      ['mixed case', 'Inr'],
      ['unknown', 'ABC'],
      ['withdrawn (HRK, 2023)', 'HRK'],
      ['without minor units (gold)', 'XAU'],
      ['the test code', 'XTS'],
      ['too long', 'INRR'],
      ['padded', ' INR'],
      ['empty', ''],
      ['an inherited property name', 'constructor'],
      ['a number', 356],
    ])('rejects %s', async (_name, currency) => {
      expect(await rejectedFields(parseBody({ ...VALID, currency }))).toEqual(['currency']);
    });
  });

  describe('error reporting', () => {
    it('reports every invalid field together, one error each', async () => {
      const body = { transaction_id: '_bad', source_account: '', destination_account: 'x'.repeat(200), amount: -1, currency: 'inr' };
      const errors = await fieldErrors(parseBody(body));
      expect(errors.map((e) => e.field).sort()).toEqual(['amount', 'currency', 'destination_account', 'source_account', 'transaction_id']);
      for (const error of errors) expect(error.message).toEqual(expect.any(String));
    });

    it('reports every missing field of an empty object', async () => {
      expect(await rejectedFields(parseBody({}))).toEqual([
        'amount',
        'currency',
        'destination_account',
        'source_account',
        'transaction_id',
      ]);
    });

    it('reports an amount with too many decimals together with a bad identifier', async () => {
      const raw = '{"transaction_id":"t 1","source_account":"a","destination_account":"a","currency":"JPY","amount":1.5}';
      expect(await rejectedFields(parseRaw(raw))).toEqual(['amount', 'destination_account', 'transaction_id']);
    });

    it.each([
      ['an array', '[]'],
      ['a string', '"txn"'],
      ['a number', '2500'],
      ['null', 'null'],
      ['true', 'true'],
    ])('rejects %s as the body', async (_name, raw) => {
      const errors = await fieldErrors(parseRaw(raw));
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toMatch(/object/);
    });
  });
});

describe('TransactionWebhookParser and TransactionWebhookDto', () => {
  /** The field errors class-validator finds on the DTO, as the parser used to report them. */
  async function dtoErrors(body: Record<string, unknown>): Promise<FieldError[]> {
    const dto = plainToInstance(TransactionWebhookDto, body);
    return (await validate(dto, { whitelist: true, forbidUnknownValues: true, stopAtFirstError: true })).map((error) => ({
      field: error.property,
      message: Object.values(error.constraints ?? {})[0],
    }));
  }

  const values: Record<string, unknown[]> = {
    transaction_id: ['txn_1', '', '_x', 'a'.repeat(129), 42, null, undefined, ['x']],
    source_account: ['src_1', 'bad id', 7, undefined],
    destination_account: ['dst_1', '-x', false, undefined],
    amount: [2500, 0.01, 0, -0, -3, '2500', null, undefined, true, { v: 1 }],
    currency: ['INR', 'JPY', 'inr', 'ABC', 'constructor', 356, undefined],
  };

  it('reports the same field errors and messages as class-validator on the DTO', async () => {
    for (const [field, candidates] of Object.entries(values)) {
      for (const value of candidates) {
        const body: Record<string, unknown> = { ...VALID, [field]: value };
        if (value === undefined) delete body[field];
        const expected = await dtoErrors(body);
        const actual = expected.length === 0 ? [] : await fieldErrors(parseBody(body));
        expect({ body, errors: actual }).toEqual({ body, errors: expected });
      }
    }
  });
});
