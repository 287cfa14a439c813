import type { Order } from '../domain/orders.js';
import type { OrderFilter, OrderStore } from './order-store.js';

/** Orders in process memory: the default without a data directory, and the store tests use. */
export class MemoryOrderStore implements OrderStore {
  private readonly orders = new Map<number, Order>();
  private readonly bySerial = new Map<string, number>();
  private readonly byPerson = new Map<string, Set<number>>();
  private maxNumber = 0;

  private personKey(customerUri: string, orgId: number, email: string): string {
    return `${customerUri}\u0000${orgId}\u0000${email.toLowerCase()}`;
  }

  save(order: Order): void {
    const copy = structuredClone(order);
    this.orders.set(order.orderNumber, copy);
    if (order.certificate) this.bySerial.set(order.certificate.serial, order.orderNumber);
    const key = this.personKey(order.customerUri, order.orgId, order.email);
    let set = this.byPerson.get(key);
    if (!set) this.byPerson.set(key, (set = new Set()));
    set.add(order.orderNumber);
    if (order.orderNumber > this.maxNumber) this.maxNumber = order.orderNumber;
  }

  get(orderNumber: number): Order | undefined {
    const o = this.orders.get(orderNumber);
    return o && structuredClone(o);
  }

  getBySerial(serial: string): Order | undefined {
    const n = this.bySerial.get(serial);
    return n === undefined ? undefined : this.get(n);
  }

  findByEmail(customerUri: string, orgId: number, email: string): Order[] {
    const set = this.byPerson.get(this.personKey(customerUri, orgId, email));
    return set ? [...set].map((n) => this.get(n)!).filter(Boolean) : [];
  }

  private matching(filter: OrderFilter = {}): Order[] {
    const email = filter.email?.toLowerCase();
    const out: Order[] = [];
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
    return all.slice(start, filter.limit === undefined ? undefined : start + filter.limit).map((o) => structuredClone(o));
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
      if (o.certificate) this.bySerial.delete(o.certificate.serial);
      this.byPerson.get(this.personKey(o.customerUri, o.orgId, o.email))?.delete(n);
    }
    // numbers of a cleared customer are not reused while others' orders remain; after a full clear they may be
    if (customerUri === undefined) this.maxNumber = 0;
  }

  close(): void {}
}
