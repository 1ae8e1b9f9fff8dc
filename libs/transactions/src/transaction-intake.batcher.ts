import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { pgPoolOf } from '@app/database';
import { isDatabaseUnavailable } from '@app/http';
import { Transaction } from './transaction.entity';
import { TRANSACTION_COLUMNS as COLUMNS, TransactionRow, toTransaction } from './transaction-row';
import type { NewTransaction } from './transactions.repository';

/** What one delivery found: the row it created, or the row that was already there. */
export interface IntakeResult {
  created: boolean;
  transaction: Transaction;
}

/** Collect for at most this long, or until MAX_BATCH rows, before one statement records them all. */
export const INTAKE_BATCH_WAIT_MS = 1;
export const INTAKE_MAX_BATCH = 50;

/**
 * One statement for a whole batch: insert the new ids, and return in the same round trip the rows
 * that were already there (visible in the statement's snapshot). A row whose conflicting insert
 * committed while this statement waited on it is in neither part; recordBatch reads it again.
 * Rows are inserted in the order of the arrays, which recordBatch sorts (see there).
 * The same statement writes the `received` events: one per inserted row, and for a redelivery
 * (same payload) one only when the timeline's last event is not already a redelivery, so a storm
 * adds one row, not one per request (docs/decisions/2026-12-redelivery-events.md).
 * Fixed text (arrays, not a VALUES list per size), so it is prepared once per connection.
 */
const INTAKE_SQL = `WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::text[], $7::text[], $8::text[])
      WITH ORDINALITY AS i(transaction_id, source_account, destination_account, amount, currency, source, request_id, reverses, position)
  ), inserted AS (
    INSERT INTO transactions (transaction_id, source_account, destination_account, amount, currency)
    SELECT transaction_id, source_account, destination_account, amount, currency FROM input ORDER BY position
    ON CONFLICT (transaction_id) DO NOTHING
    RETURNING ${COLUMNS}
  ), existing AS (
    SELECT ${COLUMNS} FROM transactions
     WHERE transaction_id IN (SELECT transaction_id FROM input)
       AND transaction_id NOT IN (SELECT transaction_id FROM inserted)
  ), received AS (
    INSERT INTO transaction_events (transaction_id, type, details)
    SELECT transaction_id, 'received',
           jsonb_strip_nulls(jsonb_build_object('source', source, 'request_id', request_id, 'redelivery', redelivery, 'reverses', reverses))
      FROM (
        SELECT i.*, false AS redelivery FROM input i WHERE i.transaction_id IN (SELECT transaction_id FROM inserted)
        UNION ALL
        SELECT i.*, true FROM input i JOIN existing e ON e.transaction_id = i.transaction_id
         WHERE e.source_account = i.source_account AND e.destination_account = i.destination_account
           AND e.amount::numeric = i.amount AND e.currency = i.currency
           AND NOT EXISTS (
             SELECT FROM (SELECT type, details FROM transaction_events l WHERE l.transaction_id = i.transaction_id ORDER BY l.id DESC LIMIT 1) last
              WHERE last.type = 'received' AND last.details @> '{"redelivery":true}')
      ) receipts
     ORDER BY position
  )
  SELECT true AS created, inserted.* FROM inserted
  UNION ALL
  SELECT false AS created, existing.* FROM existing`;

const FIND_SQL = `SELECT false AS created, ${COLUMNS} FROM transactions WHERE transaction_id = ANY($1::text[])`;

type IntakeRow = TransactionRow & { created: boolean };

/** Where a delivery came from, for its `received` event. */
export interface IntakeOrigin {
  /** 'native' or the provider's name. */
  source: string;
  requestId: string;
  /** For a refund: the transaction id of the payment it reverses. */
  reverses?: string;
}

interface Pending {
  input: NewTransaction;
  origin: IntakeOrigin;
  resolve: (result: IntakeResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Records webhook deliveries in PostgreSQL a batch at a time: concurrent requests share one
 * autocommit statement (PostgreSQL's CPU per row falls about tenfold from 1 to 50 rows), and each
 * caller is answered once the statement covering its row has committed. Exactly one delivery per
 * id learns `created`: the first in its batch, and only if the insert was this statement's.
 */
@Injectable()
export class TransactionIntakeBatcher implements OnModuleDestroy {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  record(input: NewTransaction, origin: IntakeOrigin): Promise<IntakeResult> {
    return new Promise<IntakeResult>((resolve, reject) => {
      this.pending.push({ input, origin, resolve, reject });
      if (this.pending.length >= INTAKE_MAX_BATCH) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), INTAKE_BATCH_WAIT_MS);
    });
  }

  onModuleDestroy(): void {
    this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) void this.settle(batch);
  }

  private async settle(batch: Pending[]): Promise<void> {
    try {
      const found = await this.recordBatch(batch);
      answer(batch, found);
    } catch (error) {
      // One bad row (a constraint) must not fail its neighbours: each is retried alone. An
      // unavailable PostgreSQL fails them all at once, as a single statement would have.
      if (batch.length === 1 || isDatabaseUnavailable(error)) {
        for (const p of batch) p.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => this.settle([p])));
    }
  }

  /** Rows by transaction id; `created` on the row only this statement inserted. */
  private async recordBatch(batch: Pending[]): Promise<Map<string, IntakeResult>> {
    // The first delivery of an id is the one inserted (and answered `created`); later ones in
    // the batch are compared with it like any redelivery.
    const firsts = new Map<string, Pending>();
    for (const p of batch) if (!firsts.has(p.input.transactionId)) firsts.set(p.input.transactionId, p);
    // Every statement inserts (and so locks) its ids in one global order: two batches holding
    // the same new ids in opposite arrival orders would otherwise deadlock (40P01 after
    // deadlock_timeout). Each delivery's answer is looked up by id, so the order is free.
    const sorted = [...firsts.values()].sort((a, b) => compareIds(a.input.transactionId, b.input.transactionId));
    const unique = sorted.map((p) => p.input);
    const result: QueryResult<IntakeRow> = await this.pool().query({
      name: 'paycheck-intake-v3',
      text: INTAKE_SQL,
      values: [
        unique.map((i) => i.transactionId),
        unique.map((i) => i.sourceAccount),
        unique.map((i) => i.destinationAccount),
        unique.map((i) => i.amount),
        unique.map((i) => i.currency),
        sorted.map((p) => p.origin.source),
        sorted.map((p) => p.origin.requestId),
        sorted.map((p) => p.origin.reverses ?? null),
      ],
    });
    const found = new Map(result.rows.map((row) => [row.transaction_id, { created: row.created, transaction: toTransaction(row) }]));
    const unseen = unique.filter((i) => !found.has(i.transactionId)).map((i) => i.transactionId);
    if (unseen.length > 0) {
      const again: QueryResult<IntakeRow> = await this.pool().query({ name: 'paycheck-intake-find-v1', text: FIND_SQL, values: [unseen] });
      for (const row of again.rows) found.set(row.transaction_id, { created: false, transaction: toTransaction(row) });
    }
    return found;
  }

  /** TypeORM's pg pool: its query() destroys a connection that failed rather than pooling it. */
  private pool(): Pool {
    return pgPoolOf(this.dataSource);
  }
}

/** Code-unit order: the same on every replica, whatever the database's collation. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first delivery of a created id gets `created`; later ones in the same batch replay it. */
function answer(batch: Pending[], found: Map<string, IntakeResult>): void {
  const answered = new Set<string>();
  for (const { input, resolve, reject } of batch) {
    const hit = found.get(input.transactionId);
    if (!hit) {
      // Unreachable while rows are never deleted; kept explicit rather than asserted.
      reject(new Error('transaction vanished between insert and read'));
      continue;
    }
    const first = !answered.has(input.transactionId);
    answered.add(input.transactionId);
    resolve({ created: hit.created && first, transaction: hit.transaction });
  }
}
