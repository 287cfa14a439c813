/**
 * The mock's clock. Everything time-based (processing delays, certificate validity, CRL times) reads it,
 * so tests move time forward instead of sleeping.
 */
export interface Clock {
  /** milliseconds since the epoch, as the mock sees it */
  now(): number;
}

/** Real time plus an offset that only grows: `advance()` moves the mock into the future. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.source() + this.offsetMs;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward: give a non-negative number of milliseconds');
    this.offsetMs += ms;
    return this.now();
  }

  get offset(): number {
    return this.offsetMs;
  }
}
