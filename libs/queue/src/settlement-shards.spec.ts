import { candidateQueueNames, fnv1a32, layoutQueueNames, queueNamesOf, shardOf, shardQueueName } from './settlement-shards';

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes of text beyond ASCII', () => {
    // "é" is c3 a9 in UTF-8: the hash of those two bytes, not of the one UTF-16 code unit.
    let hash = 0x811c9dc5;
    for (const byte of [0xc3, 0xa9]) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    expect(fnv1a32('é')).toBe(hash);
  });
});

describe('shardOf', () => {
  it('is fixed by the id alone: the same shard in every process and build', () => {
    // Pinned values: changing the hash would strand queued jobs in the wrong shard's lookups.
    expect([shardOf('txn_demo_1', 4), shardOf('txn_demo_1', 64), shardOf('a', 4), shardOf('foobar', 64)]).toEqual([1, 41, 0, 40]);
  });

  it('is always shard 0 with one shard', () => {
    for (const id of ['a', 'b', 'stripe:pi_1', 'x'.repeat(128)]) expect(shardOf(id, 1)).toBe(0);
  });

  it('spreads ids evenly enough over the shards', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[shardOf(`txn_${i}`, 8)]++;
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});

describe('queue names', () => {
  it('keeps the one-shard layout on the queue earlier builds used', () => {
    expect(layoutQueueNames(1)).toEqual(['settlement']);
  });

  it('puts each shard of a larger layout under its own hash tag', () => {
    expect(layoutQueueNames(4)).toEqual(['{settlement-0}', '{settlement-1}', '{settlement-2}', '{settlement-3}']);
    expect(shardQueueName(3, 8)).toBe('{settlement-3}');
  });

  it('lists every queue of every layout in use once', () => {
    expect(queueNamesOf([4, 1, 2])).toEqual(['settlement', '{settlement-0}', '{settlement-1}', '{settlement-2}', '{settlement-3}']);
  });

  it("looks for a job in the transaction's shard first, then where every other layout put it", () => {
    const id = 'txn_demo_1'; // shard 1 of 4, 41 of 64
    expect(candidateQueueNames(id, 4, [4])).toEqual(['{settlement-1}']);
    expect(candidateQueueNames(id, 4, [1, 4, 64])).toEqual(['{settlement-1}', 'settlement', '{settlement-41}']);
  });
});
