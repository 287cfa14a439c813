import { AdjustableClock, type ClockOptions } from './domain/clock.js';
import type { OrderStore } from './store/order-store.js';
import { SqliteOrderStore } from './store/sqlite-store.js';

/**
 * The mock's clock for a store. With a SQLite store (a data directory) the clock is kept beside the orders,
 * so after a restart it resumes where it was and is never earlier than the times it wrote into orders and
 * certificates: a frozen clock at the same instant, a running one as far ahead of real time as before. A
 * start instant (clockStart) therefore applies to a new data directory only. In memory, a plain AdjustableClock.
 */

/** the mock's time minus real time when last saved running (read only while the frozen instant is 0) */
const OFFSET_KEY = 'clock_offset_ms';
/** the mock's time when last saved frozen; 0 when it was saved running */
const FROZEN_KEY = 'clock_frozen_at_ms';

/** Where a saved clock resumes (an instant, or an offset from real time), or undefined for a store that never held one. */
function savedStart(store: SqliteOrderStore): Pick<ClockOptions, 'startAt' | 'aheadBy'> | undefined {
  const frozenAt = store.getMeta(FROZEN_KEY);
  if (frozenAt) return { startAt: frozenAt };
  const offset = store.getMeta(OFFSET_KEY);
  return offset === undefined ? undefined : { aheadBy: offset };
}

class StoredClock extends AdjustableClock {
  constructor(
    private readonly store: SqliteOrderStore,
    options: ClockOptions,
  ) {
    super(options);
  }

  override advance(ms: number): number {
    const now = super.advance(ms);
    this.save();
    return now;
  }

  override set(at: number): number {
    const now = super.set(at);
    this.save();
    return now;
  }

  /** One transaction: a frozen clock's instant, or a running clock's offset with the frozen instant cleared. */
  save(): void {
    this.store.setMeta(this.frozen ? { [FROZEN_KEY]: this.now() } : { [OFFSET_KEY]: this.offset, [FROZEN_KEY]: 0 });
  }
}

export interface StoreClock {
  clock: AdjustableClock;
  /** the clock resumed from the data directory (then `options.startAt` was not used) */
  resumed: boolean;
  /**
   * Write the clock to the data directory, once the mock is assembled: a start that fails before leaves a new
   * directory new (its clockStart still applies). Needed even if the clock never moves: a running clock that
   * follows a frozen one must not resume at the old frozen instant.
   */
  save(): void;
}

/**
 * The clock for a store: kept (with a SQLite store), or new. `reset` discards a kept clock (--clock-reset), the
 * way back for one moved where no certificate can be issued: it starts again from `options`.
 */
export function clockFor(store: OrderStore, options: ClockOptions = {}, reset = false): StoreClock {
  if (!(store instanceof SqliteOrderStore))
    return { clock: new AdjustableClock(options), resumed: false, save: () => {} };
  const saved = reset ? undefined : savedStart(store);
  // a kept clock wins over a start instant: the directory already holds times read from it
  const clock = new StoredClock(store, saved ? { ...options, startAt: undefined, ...saved } : options);
  return { clock, resumed: saved !== undefined, save: () => clock.save() };
}
