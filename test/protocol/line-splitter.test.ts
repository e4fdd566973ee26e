import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/protocol/line-splitter.js';

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps the unfinished tail', () => {
    const splitter = new LineSplitter(100);
    expect(splitter.push('{"a":')).toEqual([]);
    expect(splitter.push('1}\n{"b":2}\n{"c"')).toEqual(['{"a":1}', '{"b":2}']);
    expect(splitter.push(':3}\n')).toEqual(['{"c":3}']);
  });

  it('refuses a line longer than its limit instead of buffering forever', () => {
    const splitter = new LineSplitter(10);
    expect(() => splitter.push('x'.repeat(11))).toThrow(/exceeded 10 characters/);
  });
});
