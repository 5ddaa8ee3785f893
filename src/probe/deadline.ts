// The overall probe deadline: one timer, and a bound for each phase that never outlives it.
import { ProbeError, type Phase, type Reason } from './reasons.js';

const BACKSTOP_GRACE_MS = 250;

export class Deadline {
  readonly end: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly totalMs: number) {
    this.end = Date.now() + totalMs;
    // The backstop fires a little late on purpose: every phase is bounded by `end`
    // already, and its own, more specific reason (timeout_banner, ...) should win.
    this.timer = setTimeout(() => this.controller.abort(), totalMs + BACKSTOP_GRACE_MS);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remaining(): number {
    return Math.max(0, this.end - Date.now());
  }

  /** A phase bound: the smaller of the phase's own limit and what is left overall. */
  bound(phaseMs: number): number {
    return Math.max(1, Math.min(phaseMs, this.remaining()));
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  /**
   * Races a promise against a bound. On timeout rejects with `reason`; the
   * caller owns cleanup of whatever the promise was doing.
   */
  async within<T>(promise: Promise<T>, phaseMs: number, reason: Reason, message: string, phase?: Phase): Promise<T> {
    const ms = this.bound(phaseMs);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ProbeError(reason, `${message} (after ${fmtMs(ms)})`, phase)), ms);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s` : `${Math.round(ms)}ms`;
}
