import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { SETTLE_JOB, SETTLEMENT_QUEUE, SettlementJobData, settlementJobId } from './settlement-job';

/** How long intake waits for Redis before leaving the work to the recovery sweep. */
const ENQUEUE_TIMEOUT_MS = 1000;

interface ConnectionStatus {
  status: string;
}

/**
 * Producer side of the settlement queue. Enqueueing never decides whether a webhook is
 * acknowledged: the row is already committed, and the worker's recovery sweep enqueues
 * whatever this could not. So Redis being down costs nothing but latency we refuse to pay.
 */
@Injectable()
export class SettlementQueue implements OnModuleInit {
  private readonly logger = new Logger(SettlementQueue.name);
  private connection?: ConnectionStatus;

  constructor(@InjectQueue(SETTLEMENT_QUEUE) readonly queue: Queue<SettlementJobData>) {}

  onModuleInit(): void {
    // Kept to answer "is Redis reachable right now?" without a round trip.
    void Promise.resolve(this.queue.getBackend().client).then(
      (client) => (this.connection = client as unknown as ConnectionStatus),
      () => undefined,
    );
  }

  isConnected(): boolean {
    return this.connection?.status === 'ready';
  }

  /** Resolves true when the job is in Redis, false when it was left to the recovery sweep. */
  async enqueue(transactionId: string, generation: number): Promise<boolean> {
    if (!this.isConnected()) return false;
    const jobId = settlementJobId(transactionId, generation);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add(SETTLE_JOB, { transactionId }, { jobId }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('enqueue timed out')), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
      return true;
    } catch (error) {
      this.logger.warn(`Enqueue of ${transactionId} deferred to the recovery sweep: ${(error as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
