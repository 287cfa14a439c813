/**
 * The mock's clock. Everything time-based (processing delays, certificate validity, CRL times) reads it,
 * so tests move time forward instead of sleeping.
 */
export interface Clock {
  /** milliseconds since the epoch, as the mock sees it */
  now(): number;
}

export interface ClockOptions {
  /** the mock's time at the start (default: real time, plus aheadBy) */
  startAt?: number;
  /** without startAt: start this many milliseconds ahead of real time */
  aheadBy?: number;
  /** time moves only by advance(), never by itself: runs are reproducible to the millisecond */
  frozen?: boolean;
  /** real time */
  source?: () => number;
}

/** Real time (or a frozen instant) plus an offset that only grows: `advance()` moves the mock into the future. */
export class AdjustableClock implements Clock {
  readonly frozen: boolean;
  private readonly source: () => number;
  /** frozen: the mock's time; running: the mock's time minus real time */
  private base: number;

  constructor(options: ClockOptions = {}) {
    this.source = options.source ?? Date.now;
    this.frozen = options.frozen ?? false;
    const real = this.source(); // read once: without a start instant a running clock is exactly aheadBy ahead
    const start = options.startAt ?? real + (options.aheadBy ?? 0);
    this.base = this.frozen ? start : start - real;
  }

  now(): number {
    return this.frozen ? this.base : this.source() + this.base;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('the clock only moves forward: give a non-negative number of milliseconds');
    this.base += ms;
    return this.now();
  }

  /** how far the mock's time is ahead of real time (negative: behind; a frozen clock falls behind as real time goes on) */
  get offset(): number {
    return this.frozen ? this.base - this.source() : this.base;
  }
}
