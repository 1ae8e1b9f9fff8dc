import { ProblemException } from '@app/http';
import { type MappedTransaction, MappedTransactionValidator } from './mapped-transaction.validator';
import { TransactionWebhookParser } from './transaction-webhook.parser';

const validator = new MappedTransactionValidator(new TransactionWebhookParser());
const SOURCES = {
  transaction_id: 'data.object.id',
  amount: 'data.object.amount_received',
  currency: 'data.object.currency',
  source_account: 'data.object.customer',
};
const VALID: MappedTransaction = {
  transactionId: 'stripe:pi_1',
  sourceAccount: 'stripe:customer:cus_1',
  destinationAccount: 'stripe:account:platform',
  amount: '20.00',
  currency: 'USD',
};

async function errorsOf(mapped: MappedTransaction): Promise<unknown> {
  try {
    await validator.validate(mapped, SOURCES);
  } catch (error) {
    if (error instanceof ProblemException) return { status: error.problem.status, errors: error.problem.errors };
    throw error;
  }
  throw new Error('accepted');
}

describe('MappedTransactionValidator', () => {
  it("applies the native route's rules and returns the exact canonical amount", async () => {
    await expect(validator.validate(VALID, SOURCES)).resolves.toEqual({ ...VALID, amount: '20.00' });
    await expect(validator.validate({ ...VALID, currency: 'JPY', amount: '500' }, SOURCES)).resolves.toMatchObject({ amount: '500' });
  });

  it('names the provider field each native rule failed on', async () => {
    expect(await errorsOf({ ...VALID, currency: 'ISK', amount: '5.50', transactionId: 'stripe:pi 1', sourceAccount: '' })).toEqual({
      status: 400,
      errors: expect.arrayContaining([
        { field: 'data.object.id', message: expect.any(String) },
        { field: 'data.object.customer', message: expect.any(String) },
        { field: 'data.object.amount_received', message: expect.stringMatching(/decimal places/) },
      ]),
    });
    expect(await errorsOf({ ...VALID, currency: 'ZZZ' })).toEqual({
      status: 400,
      errors: [{ field: 'data.object.currency', message: expect.any(String) }],
    });
  });

  it('keeps the native name of a field the provider did not supply', async () => {
    expect(await errorsOf({ ...VALID, destinationAccount: 'stripe:account:bad account' })).toEqual({
      status: 400,
      errors: [{ field: 'destination_account', message: expect.any(String) }],
    });
  });

  it.each(['1,"transaction_id":"x"', '20.00}', 'NaN', '0x10', ''])(
    'refuses the amount %j before it can reach the JSON text',
    async (amount) => {
      expect(await errorsOf({ ...VALID, amount })).toEqual({
        status: 400,
        errors: [{ field: 'data.object.amount_received', message: 'must be a JSON number' }],
      });
    },
  );

  it('refuses more than 15 significant digits, as the native route does', async () => {
    expect(await errorsOf({ ...VALID, amount: '1234567890123456.00' })).toEqual({
      status: 400,
      errors: [{ field: 'data.object.amount_received', message: expect.stringMatching(/15 significant digits/) }],
    });
  });
});
