import { AdjustableClock } from './domain/clock.js';
import type { OrderStore } from './store/order-store.js';
import { SqliteOrderStore } from './store/sqlite-store.js';

/**
 * The mock's clock for a store: with a SQLite store (a data directory) its offset is kept beside the
 * orders, so after a restart the mock is as far ahead of real time as before and never earlier than
 * the times it wrote into orders and certificates. In memory, a plain AdjustableClock.
 */

const OFFSET_KEY = 'clock_offset_ms';

class StoredOffsetClock extends AdjustableClock {
  constructor(private readonly store: SqliteOrderStore) {
    super();
    const saved = store.getMeta(OFFSET_KEY) ?? 0;
    if (saved > 0) super.advance(saved);
  }

  override advance(ms: number): number {
    const now = super.advance(ms);
    this.store.setMeta(OFFSET_KEY, this.offset);
    return now;
  }
}

export function clockFor(store: OrderStore): AdjustableClock {
  return store instanceof SqliteOrderStore ? new StoredOffsetClock(store) : new AdjustableClock();
}
