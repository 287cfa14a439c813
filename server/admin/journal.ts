import type { AnyOperation } from '../domain/access.js';
import type { CallRecord } from '../domain/calls.js';
import type { Clock } from '../domain/clock.js';
import type { Api } from '../domain/orders.js';

/**
 * Every answered call, SOAP and REST, newest last, in a ring of bounded size (journalSize): what a test or a person
 * asks "what did my client actually send, and what did it get?". Times are the mock's clock.
 */

export interface JournalEntry {
  /** increasing from 1; `since` pages through it */
  seq: number;
  at: string;
  /** the API called */
  api: Api;
  operation?: AnyOperation;
  customer?: string;
  orderNumber?: number;
  code?: number;
  fault?: string;
  /** 0 when the connection was reset or dropped without an answer */
  httpStatus: number;
  latencyMs: number;
}

export interface JournalFilter {
  api?: Api;
  customer?: string;
  operation?: string;
  orderNumber?: number;
  /** only entries with seq > since */
  since?: number;
  /** the newest `limit` of the matches (default 100) */
  limit?: number;
}

export class Journal {
  private entries: JournalEntry[] = [];
  private seq = 0;

  constructor(
    private readonly capacity: number,
    private readonly clock: Clock,
  ) {}

  record(call: CallRecord): void {
    if (this.capacity <= 0) return;
    const entry: JournalEntry = {
      seq: ++this.seq,
      at: new Date(this.clock.now()).toISOString(),
      api: call.api,
      ...(call.operation !== undefined ? { operation: call.operation } : {}),
      ...(call.customerUri !== undefined ? { customer: call.customerUri } : {}),
      ...(call.orderNumber !== undefined ? { orderNumber: call.orderNumber } : {}),
      ...(call.code !== undefined ? { code: call.code } : {}),
      ...(call.fault !== undefined ? { fault: call.fault } : {}),
      httpStatus: call.httpStatus,
      latencyMs: Math.round(call.latencyMs * 100) / 100,
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const matches = this.entries.filter(
      (e) =>
        (filter.api === undefined || e.api === filter.api) &&
        (filter.customer === undefined || e.customer === filter.customer) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.orderNumber === undefined || e.orderNumber === filter.orderNumber) &&
        (filter.since === undefined || e.seq > filter.since),
    );
    return matches.slice(-(filter.limit ?? 100)).map((e) => ({ ...e }));
  }

  /** Forget everything, or one customer's calls. Sequence numbers keep growing. */
  clear(customer?: string): void {
    this.entries = customer === undefined ? [] : this.entries.filter((e) => e.customer !== customer);
  }

  get size(): number {
    return this.entries.length;
  }
}
