import { HttpError } from './http-errors.js';

/** Calls each caller has running or queued, bounded per caller (429 past it). */
export class CallerLimits {
  private readonly active = new Map<string, number>();

  constructor(private readonly maxPerCaller: number) {}

  /** Counts a call of `caller` until `release` is called; throws 429 past the bound. */
  take(caller: string): () => void {
    const now = this.active.get(caller) ?? 0;
    if (now >= this.maxPerCaller)
      throw new HttpError(
        429,
        'TOO_MANY_CALLS',
        `This caller already has ${now} calls running or queued (maxConcurrentPerToken)`,
        { 'retry-after': '1' },
      );
    this.active.set(caller, now + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.active.get(caller) ?? 1) - 1;
      if (left === 0) this.active.delete(caller);
      else this.active.set(caller, left);
    };
  }
}
