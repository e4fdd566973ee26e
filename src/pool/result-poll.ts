/**
 * The host's half of `busyPollUs`: for a short window after a run message goes out, the event
 * loop keeps turning (one setImmediate per turn) instead of sleeping in epoll until the result
 * arrives. A sleeping process is woken by the worker's write, and on a VM that wake-up (an idle
 * vCPU halts) costs more than a small call. Every turn still polls I/O and runs timers, so the
 * application stays as responsive as ever; what it costs is CPU, at most the window per call.
 */
export class ResultPoll {
  private deadline = 0;
  private turning = false;

  /** `awaiting`: whether some result is still due. */
  constructor(
    private readonly windowMs: number,
    private readonly awaiting: () => boolean,
  ) {}

  /** Whether the event loop is being kept turning now. */
  get active(): boolean {
    return this.turning;
  }

  /** A run message was just sent: poll for its result until it is in or the window has passed. */
  sent(): void {
    if (this.windowMs === 0) return;
    this.deadline = performance.now() + this.windowMs;
    if (this.turning) return;
    this.turning = true;
    setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    if (this.awaiting() && performance.now() < this.deadline) setImmediate(this.turn);
    else this.turning = false;
  };
}
