import type { Transaction } from '@app/transactions';
import { type BatchBounds, MicroBatches, SETTLEMENT_BATCH_BOUNDS } from './micro-batches';

/** Reads the rows of these transaction ids (unknown ids are simply absent). */
export type FindMany = (transactionIds: string[]) => Promise<Transaction[]>;

interface Pending {
  transactionId: string;
  resolve: (transaction: Transaction | null) => void;
  reject: (error: unknown) => void;
}

/**
 * The read each settlement starts with, shared among settlements that start together: one
 * statement per batch instead of one per job. A failed read (PostgreSQL unavailable) fails every
 * settlement of the batch, as their own reads would have; each then defers on its own.
 */
export class SettlementLookupBatcher {
  private readonly batches: MicroBatches<Pending>;

  constructor(
    private readonly findMany: FindMany,
    bounds: BatchBounds = SETTLEMENT_BATCH_BOUNDS,
  ) {
    this.batches = new MicroBatches((batch) => this.read(batch), bounds);
  }

  find(transactionId: string): Promise<Transaction | null> {
    return new Promise<Transaction | null>((resolve, reject) => this.batches.add({ transactionId, resolve, reject }));
  }

  private async read(batch: Pending[]): Promise<void> {
    try {
      const rows = await this.findMany([...new Set(batch.map((p) => p.transactionId))]);
      const byId = new Map(rows.map((row) => [row.transactionId, row]));
      for (const p of batch) p.resolve(byId.get(p.transactionId) ?? null);
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
