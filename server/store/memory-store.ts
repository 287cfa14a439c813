import type { Order, OrderState } from '../domain/orders.js';
import type { OrderFilter, OrderStore } from './order-store.js';

/**
 * Orders in process memory: the default without a data directory, and the store tests use.
 *
 * Each order is kept packed, not as a live object: JSON (the same round trip the SQLite store makes) with
 * its two base64 DER blobs (the CSR, the certificate) as binary, in one Buffer of its own outside the JS
 * heap. Live orders as object graphs cost ~3.7 kB each plus the fragmentation of a large old space (a
 * process held ~650 MB RSS for 100,000 of them); packed they are ~2.4 kB off-heap, and get/save cost less
 * than the structuredClone they replace. The fields filters and sorting read are kept beside the packed
 * bytes, so list/count never unpack an order.
 */

interface Row {
  orderNumber: number;
  customerUri: string;
  orgId: number;
  email: string;
  state: OrderState;
  createdAt: number;
  serial?: string;
  /** the packed order (see pack) in its own allocation outside the JS heap */
  packed: Buffer;
}

// packed layout: u32 JSON bytes, i32 CSR bytes, i32 certificate bytes (-1: not packed, kept in the JSON), then the three
const HEADER = 12;

/** Length of canonical base64 as bytes, or -1 when the text would not round-trip through binary. */
function base64Bytes(text: unknown): number {
  if (typeof text !== 'string' || text.length === 0 || text.length % 4 !== 0) return -1;
  return Buffer.byteLength(text, 'base64');
}

function pack(order: Order): Row {
  let csrBytes = base64Bytes(order.csr);
  let certificateBytes = order.certificate ? base64Bytes(order.certificate.der) : -1;
  const rest = {
    ...order,
    csr: csrBytes < 0 ? order.csr : undefined,
    certificate: certificateBytes < 0 ? order.certificate : { ...order.certificate, der: undefined },
  };
  const json = JSON.stringify(rest);
  const jsonBytes = Buffer.byteLength(json);
  const packed = Buffer.allocUnsafeSlow(HEADER + jsonBytes + Math.max(0, csrBytes) + Math.max(0, certificateBytes));
  let at = HEADER + packed.write(json, HEADER, 'utf8');
  const blob = (text: string, bytes: number): number => {
    if (bytes < 0) return -1;
    const written = packed.write(text, at, bytes, 'base64');
    // only canonical base64 may leave the JSON: anything else would come back different
    if (written !== bytes || packed.toString('base64', at, at + bytes) !== text) return -1;
    at += bytes;
    return bytes;
  };
  csrBytes = blob(order.csr, csrBytes);
  certificateBytes = blob(order.certificate?.der ?? '', certificateBytes);
  packed.writeUInt32LE(jsonBytes, 0);
  packed.writeInt32LE(csrBytes, 4);
  packed.writeInt32LE(certificateBytes, 8);
  const row = {
    orderNumber: order.orderNumber,
    customerUri: order.customerUri,
    orgId: order.orgId,
    email: order.email,
    state: order.state,
    createdAt: order.createdAt,
    serial: order.certificate?.serial,
    packed,
  };
  // a blob that was not canonical after all: pack again with it left in the JSON
  return (csrBytes < 0 && rest.csr === undefined) || (certificateBytes < 0 && rest.certificate && rest.certificate.der === undefined) ? packVerbatim(order, row) : row;
}

function packVerbatim(order: Order, row: Row): Row {
  const json = JSON.stringify(order);
  const jsonBytes = Buffer.byteLength(json);
  const packed = Buffer.allocUnsafeSlow(HEADER + jsonBytes);
  packed.write(json, HEADER, 'utf8');
  packed.writeUInt32LE(jsonBytes, 0);
  packed.writeInt32LE(-1, 4);
  packed.writeInt32LE(-1, 8);
  return { ...row, packed };
}

function unpack(row: Row): Order {
  const { packed } = row;
  const jsonBytes = packed.readUInt32LE(0);
  const csrBytes = packed.readInt32LE(4);
  const certificateBytes = packed.readInt32LE(8);
  let at = HEADER + jsonBytes;
  const order = JSON.parse(packed.toString('utf8', HEADER, at)) as Order;
  if (csrBytes >= 0) {
    order.csr = packed.toString('base64', at, at + csrBytes);
    at += csrBytes;
  }
  if (certificateBytes >= 0 && order.certificate) order.certificate.der = packed.toString('base64', at, at + certificateBytes);
  return order;
}

export class MemoryOrderStore implements OrderStore {
  private readonly orders = new Map<number, Row>();
  private readonly bySerial = new Map<string, number>();
  private readonly byPerson = new Map<string, Set<number>>();
  private maxNumber = 0;

  private personKey(customerUri: string, orgId: number, email: string): string {
    return `${customerUri}\u0000${orgId}\u0000${email.toLowerCase()}`;
  }

  save(order: Order): void {
    const row = pack(order);
    this.orders.set(order.orderNumber, row);
    if (row.serial !== undefined) this.bySerial.set(row.serial, order.orderNumber);
    const key = this.personKey(order.customerUri, order.orgId, order.email);
    let set = this.byPerson.get(key);
    if (!set) this.byPerson.set(key, (set = new Set()));
    set.add(order.orderNumber);
    if (order.orderNumber > this.maxNumber) this.maxNumber = order.orderNumber;
  }

  get(orderNumber: number): Order | undefined {
    const row = this.orders.get(orderNumber);
    return row && unpack(row);
  }

  getBySerial(serial: string): Order | undefined {
    const n = this.bySerial.get(serial);
    return n === undefined ? undefined : this.get(n);
  }

  findByEmail(customerUri: string, orgId: number, email: string): Order[] {
    const set = this.byPerson.get(this.personKey(customerUri, orgId, email));
    return set ? [...set].map((n) => this.get(n)!).filter(Boolean) : [];
  }

  private matching(filter: OrderFilter = {}): Row[] {
    const email = filter.email?.toLowerCase();
    const out: Row[] = [];
    for (const o of this.orders.values()) {
      if (filter.customerUri !== undefined && o.customerUri !== filter.customerUri) continue;
      if (filter.orgId !== undefined && o.orgId !== filter.orgId) continue;
      if (email !== undefined && o.email.toLowerCase() !== email) continue;
      if (filter.state !== undefined && o.state !== filter.state) continue;
      out.push(o);
    }
    return out;
  }

  list(filter: OrderFilter = {}): Order[] {
    const all = this.matching(filter).sort((a, b) => b.createdAt - a.createdAt || b.orderNumber - a.orderNumber);
    const start = filter.offset ?? 0;
    return all.slice(start, filter.limit === undefined ? undefined : start + filter.limit).map(unpack);
  }

  count(filter: OrderFilter = {}): number {
    return this.matching(filter).length;
  }

  maxOrderNumber(): number {
    return this.maxNumber;
  }

  clear(customerUri?: string): void {
    for (const [n, o] of this.orders) {
      if (customerUri !== undefined && o.customerUri !== customerUri) continue;
      this.orders.delete(n);
      if (o.serial !== undefined) this.bySerial.delete(o.serial);
      this.byPerson.get(this.personKey(o.customerUri, o.orgId, o.email))?.delete(n);
    }
    // numbers of a cleared customer are not reused while others' orders remain; after a full clear they may be
    if (customerUri === undefined) this.maxNumber = 0;
  }

  close(): void {}
}
