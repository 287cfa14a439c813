import { join } from 'node:path';
import { MemoryOrderStore } from './memory-store.js';
import type { OrderStore } from './order-store.js';
import { SqliteOrderStore } from './sqlite-store.js';

/** The order store a configuration asks for: SQLite in the data directory when there is one, else memory. */

export const ORDER_DB_FILE = 'ccm-mock.db';

export function openOrderStore(dataDir: string | undefined): OrderStore {
  return dataDir ? new SqliteOrderStore(join(dataDir, ORDER_DB_FILE)) : new MemoryOrderStore();
}

/** Where the orders are, for the start-up banner. */
export function describeStore(store: OrderStore): string {
  if (store instanceof SqliteOrderStore) return `${store.file} (SQLite, ${store.count()} orders)`;
  return 'memory (orders are lost on exit; set --data-dir to keep them)';
}
