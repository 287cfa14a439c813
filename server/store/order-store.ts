import type { Order, OrderState } from '../domain/orders.js';

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
  /**
   * With `state`: also the orders in another state whose next step is due by this time (dueAt), whose state
   * may be about to change. The caller brings those up to date and checks their state again.
   */
  dueBy?: number;
  /** Paging by key: only orders listed after this one (newest first: created earlier, or at once with a lower number). */
  after?: { createdAt: number; orderNumber: number };
  limit?: number;
  offset?: number;
}

/**
 * When an order's next step falls due by time: its instant, 0 for a poll-counted step with no polls left
 * (due now), undefined when nothing is scheduled or it waits for polls. Both stores keep it beside the
 * order, so a listing finds the orders a clock move may have changed without reading the others.
 */
export function dueAt(order: Order): number | undefined {
  const next = order.next;
  if (!next) return undefined;
  if (next.at !== undefined) return next.at;
  return next.afterPolls !== undefined && next.afterPolls <= 0 ? 0 : undefined;
}

/** Newest first: later createdAt, then higher order number. Negative when `a` lists before `b`. */
export function newestFirst(
  a: { createdAt: number; orderNumber: number },
  b: { createdAt: number; orderNumber: number },
): number {
  return b.createdAt - a.createdAt || b.orderNumber - a.orderNumber;
}

export interface OrderStore {
  /** insert or replace */
  save(order: Order): void;
  /** by number; with `customerUri`, only that customer's (another's is not read: undefined, as fast as a miss) */
  get(orderNumber: number, customerUri?: string): Order | undefined;
  /** by lowercase hex serial; with `customerUri`, only that customer's */
  getBySerial(serial: string, customerUri?: string): Order | undefined;
  /** orders of one organization for an email (case-insensitive) */
  findByEmail(customerUri: string, orgId: number, email: string): Order[];
  /** newest first; only the page asked for is read */
  list(filter?: OrderFilter): Order[];
  count(filter?: OrderFilter): number;
  maxOrderNumber(): number;
  /** drop all orders, or one customer's */
  clear(customerUri?: string): void;
  close(): void;
}
