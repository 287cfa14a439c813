import { AdjustableClock, type ClockOptions } from './domain/clock.js';
import type { OrderStore } from './store/order-store.js';
import { SqliteOrderStore } from './store/sqlite-store.js';

/**
 * The mock's clock for a store. With a SQLite store (a data directory) the clock is kept beside the orders,
 * so after a restart it resumes where it was and is never earlier than the times it wrote into orders and
 * certificates: a frozen clock at the same instant, a running one as far ahead of real time as before. A
 * start instant (clockStart) therefore applies to a new data directory only. In memory, a plain AdjustableClock.
 */

/** the mock's time minus real time when last saved */
const OFFSET_KEY = 'clock_offset_ms';
/** the mock's time when last saved, if the clock was frozen; 0 when it was running */
const FROZEN_KEY = 'clock_frozen_at_ms';

/** Where a saved clock resumes (an instant, or an offset from real time), or undefined for a store that never held one. */
function savedStart(store: SqliteOrderStore): Pick<ClockOptions, 'startAt' | 'aheadBy'> | undefined {
  const frozenAt = store.getMeta(FROZEN_KEY);
  if (frozenAt) return { startAt: frozenAt };
  const offset = store.getMeta(OFFSET_KEY);
  return offset === undefined ? undefined : { aheadBy: offset };
}

class StoredClock extends AdjustableClock {
  /** the clock resumed from the data directory (a start instant in the options was not used) */
  readonly resumed: boolean;

  constructor(
    private readonly store: SqliteOrderStore,
    options: ClockOptions,
  ) {
    const saved = savedStart(store);
    // a kept clock wins over a start instant: the directory already holds times read from it
    super(saved ? { ...options, startAt: undefined, ...saved } : options);
    this.resumed = saved !== undefined;
    // saved at once: a running clock that follows a frozen one must not resume at the old frozen instant
    this.save();
  }

  override advance(ms: number): number {
    const now = super.advance(ms);
    this.save();
    return now;
  }

  private save(): void {
    this.store.setMeta(OFFSET_KEY, this.offset);
    this.store.setMeta(FROZEN_KEY, this.frozen ? this.now() : 0);
  }
}

/** The clock, and whether it resumed from the data directory (then `options.startAt` was not used). */
export function clockFor(store: OrderStore, options: ClockOptions = {}): { clock: AdjustableClock; resumed: boolean } {
  if (!(store instanceof SqliteOrderStore)) return { clock: new AdjustableClock(options), resumed: false };
  const clock = new StoredClock(store, options);
  return { clock, resumed: clock.resumed };
}
