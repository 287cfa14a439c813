import type { Order, OrderState } from '../domain/orders.js';
import type { PersonStore } from './person-store.js';

/**
 * Where orders live. Synchronous on purpose: both implementations (memory, SQLite via better-sqlite3)
 * are synchronous, and a domain call then reads and writes an order without interleaving with another.
 * Orders are values: `get` returns a copy, `save` stores the whole order.
 */
export interface OrderFilter {
  customerUri?: string;
  orgId?: number;
  email?: string;
  state?: OrderState;
  limit?: number;
  offset?: number;
}

export interface OrderStore {
  /** insert or replace */
  save(order: Order): void;
  get(orderNumber: number): Order | undefined;
  /** by lowercase hex serial */
  getBySerial(serial: string): Order | undefined;
  /** orders of one organization for an email (case-insensitive) */
  findByEmail(customerUri: string, orgId: number, email: string): Order[];
  /** newest first */
  list(filter?: OrderFilter): Order[];
  count(filter?: OrderFilter): number;
  maxOrderNumber(): number;
  /** drop all orders and persons, or one customer's */
  clear(customerUri?: string): void;
  /** the persons certificates are for, kept with the orders */
  readonly persons: PersonStore;
  close(): void;
}
