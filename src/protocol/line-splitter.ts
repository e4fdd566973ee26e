import { PyExecError } from '../core/errors.js';

/** Splits a text stream into lines, refusing any line longer than `maxLineLength` characters. */
export class LineSplitter {
  private pending = '';

  constructor(private readonly maxLineLength: number) {}

  // Returns the complete lines in `chunk` (plus what was pending); keeps the unfinished tail.
  // Only the new chunk is searched, so a large message arriving in many chunks stays linear.
  push(chunk: string): string[] {
    let newline = chunk.indexOf('\n');
    if (newline === -1) {
      this.keep(this.pending + chunk);
      return [];
    }
    const lines = [this.pending + chunk.slice(0, newline)];
    let start = newline + 1;
    newline = chunk.indexOf('\n', start);
    while (newline !== -1) {
      lines.push(chunk.slice(start, newline));
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    this.keep(chunk.slice(start));
    return lines;
  }

  private keep(rest: string): void {
    if (rest.length > this.maxLineLength) {
      this.pending = '';
      throw new PyExecError(
        'PROTOCOL_ERROR',
        `A message from the Python harness exceeded ${this.maxLineLength} characters`,
      );
    }
    this.pending = rest;
  }
}
