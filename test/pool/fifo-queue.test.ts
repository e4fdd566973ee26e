import { describe, expect, it } from 'vitest';
import { FifoQueue } from '../../src/pool/fifo-queue.js';

describe('FifoQueue', () => {
  it('serves items first in, first out, skipping removed ones', () => {
    const queue = new FifoQueue<string>();
    for (const item of ['a', 'b', 'c']) queue.push(item);
    expect(queue.remove('b')).toBe(true);
    expect(queue.remove('zz')).toBe(false);
    expect(queue.length).toBe(2);
    expect([queue.shift(), queue.shift(), queue.shift()]).toEqual(['a', 'c', undefined]);
  });

  it('stays correct across compaction of a long-lived queue', () => {
    const queue = new FifoQueue<number>();
    for (let i = 0; i < 5000; i++) queue.push(i);
    for (let i = 0; i < 4000; i++) expect(queue.shift()).toBe(i);
    expect(queue.drain()).toEqual(Array.from({ length: 1000 }, (_, i) => 4000 + i));
    expect(queue.length).toBe(0);
  });
});
