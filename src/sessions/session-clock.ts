import type { NormalizedSessionOptions } from '../options/session-options.js';

/**
 * A session's two clocks: idle (re-armed after each call; `idleTimeoutMs` 0 for never) and
 * lifetime (from creation, `maxLifetimeMs`). Neither keeps the process alive; the session decides
 * what an expiry means (never closing one in a call).
 */
export class SessionClock {
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly lifetimeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: Pick<NormalizedSessionOptions, 'idleTimeoutMs' | 'maxLifetimeMs'>,
    private readonly expired: { idle(): void; lifetime(): void },
  ) {
    if (Number.isFinite(options.maxLifetimeMs)) {
      this.lifetimeTimer = setTimeout(() => expired.lifetime(), options.maxLifetimeMs);
      this.lifetimeTimer.unref();
    }
  }

  /** Idle from now: `idle()` is called after idleTimeoutMs unless a call disarms it first. */
  armIdle(): void {
    this.disarmIdle();
    const { idleTimeoutMs } = this.options;
    if (idleTimeoutMs === 0 || !Number.isFinite(idleTimeoutMs)) return;
    this.idleTimer = setTimeout(() => this.expired.idle(), idleTimeoutMs);
    this.idleTimer.unref();
  }

  disarmIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** The session is closed: neither clock runs any more. */
  stop(): void {
    this.disarmIdle();
    clearTimeout(this.lifetimeTimer);
  }
}
