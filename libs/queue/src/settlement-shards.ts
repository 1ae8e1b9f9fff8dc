import { SETTLEMENT_QUEUE } from './settlement-job';

/**
 * The settlement queue as QUEUE_SHARDS BullMQ queues (docs/decisions/2026-12-queue-shards.md).
 * One shard is the queue every earlier build used, `settlement`, so an upgrade changes no key.
 * Several shards are `{settlement-<k>}`: the braces are a Redis Cluster hash tag, so each
 * shard's keys share one slot (BullMQ's scripts need that) and different shards land on
 * different slots. Shard k has the same name in every layout of more than one shard.
 */
export function shardQueueName(shard: number, shards: number): string {
  return shards === 1 ? SETTLEMENT_QUEUE : `{${SETTLEMENT_QUEUE}-${shard}}`;
}

/** The queues of one layout, shard 0 first. */
export function layoutQueueNames(shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => shardQueueName(shard, shards));
}

/**
 * The shard of a transaction: 32-bit FNV-1a of its id's UTF-8 bytes, modulo the shard count.
 * Fixed by this definition, not by the runtime: every process, build and language computes the
 * same shard (JavaScript's own string hashing is seeded per process).
 */
export function shardOf(transactionId: string, shards: number): number {
  return shards === 1 ? 0 : fnv1a32(transactionId) % shards;
}

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv1a32(text: string): number {
  // Transaction ids are ASCII, where a character is its UTF-8 byte: no buffer on intake's path.
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return fnv1a32Bytes(Buffer.from(text, 'utf8'));
    hash = Math.imul(hash ^ code, FNV_PRIME) >>> 0;
  }
  return hash;
}

function fnv1a32Bytes(bytes: Uint8Array): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  return hash;
}

/**
 * Every queue of every layout in `layouts` (shard counts), each once: what workers consume and
 * what the recovery sweep, metrics, probes and the dashboard look at after QUEUE_SHARDS changed.
 */
export function queueNamesOf(layouts: Iterable<number>): string[] {
  const names = new Set<string>();
  for (const shards of [...layouts].sort((a, b) => a - b)) for (const name of layoutQueueNames(shards)) names.add(name);
  return [...names];
}

/** Where a transaction's job may be: its shard in `current` first, then in each other layout. */
export function candidateQueueNames(transactionId: string, current: number, layouts: Iterable<number>): string[] {
  const names = new Set([shardQueueName(shardOf(transactionId, current), current)]);
  for (const shards of layouts) names.add(shardQueueName(shardOf(transactionId, shards), shards));
  return [...names];
}
