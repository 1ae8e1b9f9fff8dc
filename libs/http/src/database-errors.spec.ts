import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-errors';

/** An error as node-postgres raises it for a server-side SQLSTATE. */
const pgError = (code: string, message = 'server said no') => Object.assign(new Error(message), { code, severity: 'ERROR' });

describe('isDatabaseUnavailable', () => {
  describe('an outage: answer 503, defer the job', () => {
    it.each([
      ['25006', 'cannot execute INSERT in a read-only transaction (failover, read-only mode on a full disk)'],
      ['53000', 'insufficient_resources'],
      ['53100', 'disk_full'],
      ['53200', 'out_of_memory'],
      ['53300', 'too_many_connections'],
      ['53400', 'configuration_limit_exceeded'],
      ['57014', 'canceling statement due to statement timeout'],
      ['57P01', 'terminating connection due to administrator command'],
      ['57P02', 'terminating connection due to crash of another server process'],
      ['57P03', 'the database system is starting up'],
      ['40001', 'could not serialize access due to concurrent update'],
      ['40P01', 'deadlock detected'],
      ['08006', 'connection_failure'],
      ['08001', 'sqlclient_unable_to_establish_sqlconnection'],
    ])('SQLSTATE %s (%s)', (code, message) => {
      expect(isDatabaseUnavailable(pgError(code, message))).toBe(true);
    });

    it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'])('socket error %s', (code) => {
      expect(isDatabaseUnavailable(Object.assign(new Error(`connect ${code}`), { code }))).toBe(true);
    });

    it.each(['timeout exceeded when trying to connect', 'Connection terminated unexpectedly', 'Query read timeout'])(
      'pool error "%s"',
      (message) => {
        expect(isDatabaseUnavailable(new Error(message))).toBe(true);
      },
    );

    it('looks through the QueryFailedError TypeORM wraps around the driver error', () => {
      const wrapped = new QueryFailedError(
        'INSERT INTO transactions …',
        [],
        pgError('25006', 'cannot execute INSERT in a read-only transaction'),
      );
      expect(isDatabaseUnavailable(wrapped)).toBe(true);
    });

    it('looks through an error cause', () => {
      expect(isDatabaseUnavailable(new Error('commit failed', { cause: pgError('53300') }))).toBe(true);
    });
  });

  describe('a bug or bad data: a 500 that is logged, never retried as an outage', () => {
    it.each([
      ['23505', 'duplicate key value violates unique constraint'],
      ['23502', 'null value in column violates not-null constraint'],
      ['42P01', 'relation does not exist'],
      ['42601', 'syntax error'],
      ['22003', 'numeric field overflow'],
      ['25P02', 'current transaction is aborted'],
      ['57P04', 'database dropped'],
      ['40002', 'transaction_integrity_constraint_violation'],
    ])('SQLSTATE %s (%s)', (code, message) => {
      expect(isDatabaseUnavailable(pgError(code, message))).toBe(false);
    });

    it('a plain error, or no error at all', () => {
      expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
      expect(isDatabaseUnavailable(undefined)).toBe(false);
      expect(isDatabaseUnavailable('25006')).toBe(false);
    });
  });
});
