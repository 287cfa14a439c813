import type { Order, OrderState } from '../domain/orders.js';
import { dueAt, newestFirst, type OrderFilter, type OrderStore } from './order-store.js';
import { Slabs, type Extent } from './slabs.js';

/**
 * Orders in process memory: the default without a data directory, and the store tests use.
 *
 * Each order is kept packed, not as a live object: JSON (the same round trip the SQLite store makes) with
 * its two base64 DER blobs (the CSR, the certificate) as binary, in a range of a shared slab outside the JS
 * heap (see slabs.ts). Live orders as object graphs cost ~3.7 kB each plus the fragmentation of a large
 * old space (a process held ~650 MB RSS for 100,000 of them); packed they are ~1.7 kB, and get/save cost
 * less than the structuredClone they replace. The fields filters and sorting read are kept beside the
 * packed bytes (and left out of them), so list/count never unpack an order.
 */

interface Row extends Extent {
  orderNumber: number;
  customerUri: string;
  orgId: number;
  email: string;
  state: OrderState;
  createdAt: number;
  serial?: string;
  /** dueAt(order) */
  dueAt?: number;
}

/** A row as one literal, so every row has the same small shape (a spread makes a bigger object). */
function row(
  extent: Extent,
  orderNumber: number,
  customerUri: string,
  orgId: number,
  email: string,
  state: OrderState,
  createdAt: number,
  serial: string | undefined,
  due: number | undefined,
): Row {
  return {
    slab: extent.slab,
    at: extent.at,
    length: extent.length,
    orderNumber,
    customerUri,
    orgId,
    email,
    state,
    createdAt,
    serial,
    dueAt: due,
  };
}

/** Pages up to this long are selected as rows are found; longer ones sort every match. */
const SHORT_PAGE = 256;

// packed layout: u32 JSON bytes, i32 CSR bytes, i32 certificate bytes (-1: not packed, kept in the JSON), then the three
const HEADER = 12;

/** The bytes of canonical base64 (text that decodes and encodes back to itself), else undefined. */
function base64Blob(text: string | undefined): Buffer | undefined {
  if (!text || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

export class MemoryOrderStore implements OrderStore {
  private readonly orders = new Map<number, Row>();
  private readonly bySerial = new Map<string, number>();
  private readonly byPerson = new Map<string, Set<number>>();
  private readonly slabs: Slabs;
  private maxNumber = 0;

  /** `slabBytes`: see Slabs (tests make it small) */
  constructor(options: { slabBytes?: number } = {}) {
    this.slabs = new Slabs(options.slabBytes);
  }

  private personKey(customerUri: string, orgId: number, email: string): string {
    return `${customerUri}\u0000${orgId}\u0000${email.toLowerCase()}`;
  }

  save(order: Order): void {
    const previous = this.orders.get(order.orderNumber);
    const row = this.pack(order);
    this.orders.set(order.orderNumber, row);
    if (previous) {
      this.slabs.free(previous);
      this.compact();
    }
    if (
      previous?.serial !== undefined &&
      previous.serial !== row.serial &&
      this.bySerial.get(previous.serial) === order.orderNumber
    )
      this.bySerial.delete(previous.serial);
    if (row.serial !== undefined) this.bySerial.set(row.serial, order.orderNumber);
    const key = this.personKey(order.customerUri, order.orgId, order.email);
    let set = this.byPerson.get(key);
    if (!set) this.byPerson.set(key, (set = new Set()));
    set.add(order.orderNumber);
    if (previous && this.personKey(previous.customerUri, previous.orgId, previous.email) !== key) {
      this.byPerson
        .get(this.personKey(previous.customerUri, previous.orgId, previous.email))
        ?.delete(order.orderNumber);
    }
    if (order.orderNumber > this.maxNumber) this.maxNumber = order.orderNumber;
  }

  get(orderNumber: number, customerUri?: string): Order | undefined {
    const row = this.orders.get(orderNumber);
    if (!row || (customerUri !== undefined && row.customerUri !== customerUri)) return undefined;
    return this.unpack(row);
  }

  getBySerial(serial: string, customerUri?: string): Order | undefined {
    const n = this.bySerial.get(serial);
    return n === undefined ? undefined : this.get(n, customerUri);
  }

  findByEmail(customerUri: string, orgId: number, email: string): Order[] {
    const set = this.byPerson.get(this.personKey(customerUri, orgId, email));
    return set ? [...set].map((n) => this.get(n)!).filter(Boolean) : [];
  }

  /** Every row the filter matches, in no order: only the rows' own fields are read, no order is unpacked. */
  private *matching(filter: OrderFilter): Generator<Row> {
    const email = filter.email?.toLowerCase();
    const { after, dueBy } = filter;
    for (const o of this.orders.values()) {
      if (filter.customerUri !== undefined && o.customerUri !== filter.customerUri) continue;
      if (filter.orgId !== undefined && o.orgId !== filter.orgId) continue;
      if (email !== undefined && o.email.toLowerCase() !== email) continue;
      if (
        filter.state !== undefined &&
        o.state !== filter.state &&
        !(dueBy !== undefined && o.dueAt !== undefined && o.dueAt <= dueBy)
      )
        continue;
      if (after !== undefined && newestFirst(after, o) >= 0) continue;
      yield o;
    }
  }

  list(filter: OrderFilter = {}): Order[] {
    const start = filter.offset ?? 0;
    const end = filter.limit === undefined ? Infinity : start + filter.limit;
    return this.newest(filter, end)
      .slice(start, end)
      .map((row) => this.unpack(row));
  }

  /** The first `end` matching rows, newest first. A short page keeps them sorted as found instead of sorting all. */
  private newest(filter: OrderFilter, end: number): Row[] {
    if (end > SHORT_PAGE) return [...this.matching(filter)].sort(newestFirst);
    const top: Row[] = [];
    if (end <= 0) return top;
    for (const row of this.matching(filter)) {
      if (top.length >= end && newestFirst(row, top[top.length - 1]) >= 0) continue;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (newestFirst(top[mid], row) < 0) lo = mid + 1;
        else hi = mid;
      }
      top.splice(lo, 0, row);
      if (top.length > end) top.pop();
    }
    return top;
  }

  count(filter: OrderFilter = {}): number {
    if (Object.values(filter).every((v) => v === undefined)) return this.orders.size;
    let n = 0;
    for (const _ of this.matching(filter)) n++;
    return n;
  }

  maxOrderNumber(): number {
    return this.maxNumber;
  }

  clear(customerUri?: string): void {
    if (customerUri === undefined) {
      this.orders.clear();
      this.bySerial.clear();
      this.byPerson.clear();
      this.slabs.clear();
      // numbers of a cleared customer are not reused while others' orders remain; after a full clear they may be
      this.maxNumber = 0;
      return;
    }
    for (const [n, o] of this.orders) {
      if (o.customerUri !== customerUri) continue;
      this.orders.delete(n);
      if (o.serial !== undefined) this.bySerial.delete(o.serial);
      this.byPerson.get(this.personKey(o.customerUri, o.orgId, o.email))?.delete(n);
      this.slabs.free(o);
    }
    this.compact();
  }

  close(): void {}

  /** For diagnostics and tests: the slabs holding the packed orders. */
  memoryStats(): { orders: number; slabs: number; bytes: number; liveBytes: number } {
    return { orders: this.orders.size, ...this.slabs.stats() };
  }

  // ---- packing ----

  private pack(order: Order): Row {
    const csr = base64Blob(order.csr);
    const certificate = base64Blob(order.certificate?.der);
    // what the row holds already (and the blobs) stay out of the JSON
    const { orderNumber, customerUri, orgId, email, state, createdAt, ...rest } = order;
    const json = JSON.stringify({
      ...rest,
      csr: csr ? undefined : order.csr,
      certificate: order.certificate && {
        ...order.certificate,
        serial: undefined,
        der: certificate ? undefined : order.certificate.der,
      },
    });
    const jsonBytes = Buffer.byteLength(json);
    const extent = this.slabs.alloc(HEADER + jsonBytes + (csr?.length ?? 0) + (certificate?.length ?? 0));
    const packed = this.slabs.view(extent);
    packed.writeUInt32LE(jsonBytes, 0);
    packed.writeInt32LE(csr ? csr.length : -1, 4);
    packed.writeInt32LE(certificate ? certificate.length : -1, 8);
    let at = HEADER + packed.write(json, HEADER, 'utf8');
    if (csr) at += csr.copy(packed, at);
    certificate?.copy(packed, at);
    return row(
      extent,
      orderNumber,
      customerUri,
      orgId,
      email,
      state,
      createdAt,
      order.certificate?.serial,
      dueAt(order),
    );
  }

  private unpack(row: Row): Order {
    const packed = this.slabs.view(row);
    const jsonBytes = packed.readUInt32LE(0);
    const csrBytes = packed.readInt32LE(4);
    const certificateBytes = packed.readInt32LE(8);
    let at = HEADER + jsonBytes;
    const order = JSON.parse(packed.toString('utf8', HEADER, at)) as Order;
    Object.assign(order, {
      orderNumber: row.orderNumber,
      customerUri: row.customerUri,
      orgId: row.orgId,
      email: row.email,
      state: row.state,
      createdAt: row.createdAt,
    });
    if (csrBytes >= 0) {
      order.csr = packed.toString('base64', at, at + csrBytes);
      at += csrBytes;
    }
    if (order.certificate) {
      order.certificate.serial = row.serial!;
      if (certificateBytes >= 0) order.certificate.der = packed.toString('base64', at, at + certificateBytes);
    }
    return order;
  }

  /** Rows left in slabs that became mostly garbage move out, so the slabs can go. */
  private compact(): void {
    const sparse = this.slabs.takeSparse();
    if (sparse.size === 0) return;
    for (const [n, o] of this.orders) {
      if (!sparse.has(o.slab)) continue;
      const moved = this.slabs.alloc(o.length);
      this.slabs.view(o).copy(this.slabs.view(moved));
      this.slabs.free(o);
      this.orders.set(
        n,
        row(moved, o.orderNumber, o.customerUri, o.orgId, o.email, o.state, o.createdAt, o.serial, o.dueAt),
      );
    }
  }
}
