import type { OperationName } from '../../wsdl/contract.js';
import type { Clock } from '../domain/clock.js';
import { truncate } from '../lib/truncate.js';
import type { SoapCallRecord } from '../soap/call-record.js';

/**
 * Every answered SOAP call, newest last, bounded in entries (journalSize) and in bytes (journalBytes): what a
 * test or a person asks "what did my client actually send, and what did it get?". Times are the mock's clock.
 * What a caller sent is truncated before it is kept (lib/truncate.ts).
 */

export interface JournalEntry {
  /** increasing from 1; `since` pages through it */
  seq: number;
  at: string;
  operation?: OperationName;
  customer?: string;
  orderNumber?: number;
  code?: number;
  fault?: string;
  /** 0 when the connection was reset or dropped without an answer */
  httpStatus: number;
  latencyMs: number;
}

export interface JournalFilter {
  customer?: string;
  operation?: string;
  orderNumber?: number;
  /** only entries with seq > since */
  since?: number;
  /** the newest `limit` of the matches (default 100) */
  limit?: number;
}

export interface JournalLimits {
  /** entries kept at most (journalSize; 0 keeps none) */
  entries: number;
  /** bytes of JSON kept at most (journalBytes), whatever `entries` allows */
  bytes: number;
}

/** An entry's weight against the byte bound: its JSON, as the journal endpoint answers it. */
const bytesOf = (entry: JournalEntry) => Buffer.byteLength(JSON.stringify(entry));

export class Journal {
  /** entries[head..] are the journal, oldest first; the dropped prefix is cut away now and then */
  private entries: JournalEntry[] = [];
  private head = 0;
  private weights: number[] = [];
  private bytes = 0;
  private seq = 0;

  constructor(
    private readonly limits: JournalLimits,
    private readonly clock: Clock,
  ) {}

  record(call: SoapCallRecord): void {
    if (this.limits.entries <= 0) return;
    // the customer and the fault text may quote what a caller sent: cut to a bounded length
    const entry: JournalEntry = {
      seq: ++this.seq,
      at: new Date(this.clock.now()).toISOString(),
      ...(call.operation !== undefined ? { operation: call.operation } : {}),
      ...(call.customerUri !== undefined ? { customer: truncate(call.customerUri) } : {}),
      ...(call.orderNumber !== undefined ? { orderNumber: call.orderNumber } : {}),
      ...(call.code !== undefined ? { code: call.code } : {}),
      ...(call.fault !== undefined ? { fault: truncate(call.fault) } : {}),
      httpStatus: call.httpStatus,
      latencyMs: Math.round(call.latencyMs * 100) / 100,
    };
    const weight = bytesOf(entry);
    if (weight > this.limits.bytes) return;
    this.entries.push(entry);
    this.weights.push(weight);
    this.bytes += weight;
    while (this.size > this.limits.entries || this.bytes > this.limits.bytes) {
      this.bytes -= this.weights[this.head];
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.weights = this.weights.slice(this.head);
      this.head = 0;
    }
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const limit = filter.limit ?? 100;
    const out: JournalEntry[] = [];
    // newest first, stopping at `limit`: a small answer never walks the whole journal
    for (let i = this.entries.length - 1; i >= this.head && out.length < limit; i--) {
      const e = this.entries[i];
      if (filter.since !== undefined && e.seq <= filter.since) break;
      if (
        (filter.customer === undefined || e.customer === filter.customer) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.orderNumber === undefined || e.orderNumber === filter.orderNumber)
      )
        out.push({ ...e });
    }
    return out.reverse();
  }

  /** Forget everything, or one customer's calls. Sequence numbers keep growing. */
  clear(customer?: string): void {
    const keep: JournalEntry[] = [];
    const weights: number[] = [];
    if (customer !== undefined) {
      for (let i = this.head; i < this.entries.length; i++) {
        if (this.entries[i].customer === customer) continue;
        keep.push(this.entries[i]);
        weights.push(this.weights[i]);
      }
    }
    this.entries = keep;
    this.weights = weights;
    this.head = 0;
    this.bytes = weights.reduce((a, b) => a + b, 0);
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** bytes of JSON held (for the admin info and tests of the bound) */
  get heldBytes(): number {
    return this.bytes;
  }
}
