import type { TestCa } from '../ca/test-ca.js';

/**
 * The mock's clock. Everything time-based (processing delays, certificate validity, CRL times) reads it,
 * so tests move time forward instead of sleeping.
 */
export interface Clock {
  /** milliseconds since the epoch, as the mock sees it */
  now(): number;
}

/** The longest duration the mock takes anywhere (a processing delay, a clock advance): 100 years of 365 days. */
export const MAX_DURATION_MS = 36_500 * 86_400_000;

/** The last instant a certificate's time can carry: X.509's GeneralizedTime ends with the year 9999. */
export const LAST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** An instant as ISO 8601, or a plain description when Date cannot show it (a clock moved out of range). */
export function isoOrNumber(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms since 1970`;
}

/**
 * The instants the mock's clock may read with this CA: inside the issuing CA's validity (a certificate issued
 * outside it would not verify) and no later than a certificate time can be.
 */
export function clockBounds(ca: Pick<TestCa, 'issuing'>): { from: number; to: number } {
  return {
    from: Math.max(0, Date.parse(ca.issuing.x509.validFrom)),
    to: Math.min(LAST_INSTANT_MS, Date.parse(ca.issuing.x509.validTo)),
  };
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

  /** Set the mock's time to an instant, earlier or later (POST /admin/api/clock; the caller bounds it). */
  set(at: number): number {
    if (!Number.isFinite(at)) throw new RangeError('the clock needs a finite instant');
    this.base = this.frozen ? at : at - this.source();
    return this.now();
  }

  /** how far the mock's time is ahead of real time (negative: behind; a frozen clock falls behind as real time goes on) */
  get offset(): number {
    return this.frozen ? this.base - this.source() : this.base;
  }
}
