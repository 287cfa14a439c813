import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ORDER_STATES, type Order } from '../../server/domain/orders.js';
import { MemoryOrderStore } from '../../server/store/memory-store.js';
import type { OrderFilter } from '../../server/store/order-store.js';
import { jsonCopy } from '../support/json.js';

/**
 * The packed memory store against a model: a Map of JSON copies (the round trip the SQLite store makes
 * too). Random sequences of saves, re-saves, reads, lists and clears must agree with the model, and no
 * caller's object may alias what the store holds. Bounded by FUZZ_RUNS.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
// a failure still reports its counterexample if shrinking it runs long
const params = {
  numRuns: RUNS,
  interruptAfterTimeLimit: 20_000,
  markInterruptAsFailure: true,
  ...(SEED === undefined ? {} : { seed: SEED }),
};

const numbers = fc.integer({ min: 1_000_000, max: 1_000_011 });
const text = fc.string({ unit: 'binary', maxLength: 12 });
const base64ish = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64')), // canonical: packed as bytes
  fc.constantFrom(
    '',
    'MIIC',
    'MII=',
    'A===',
    'ab=c',
    'QQ',
    'QR==',
    ' MIIC',
    'MI IC',
    '====',
    'not base64!',
    '\u00e9\u00e9\u00e9\u00e9',
  ), // not canonical: kept as text
  text,
);
const customers = fc.constantFrom('sandbox', 'other', 'Ünïcode');
const emails = fc.constantFrom('a@example.com', 'A@Example.com', 'b@example.com');

const order = (orderNumber: fc.Arbitrary<number>): fc.Arbitrary<Order> =>
  fc.record(
    {
      orderNumber,
      customerUri: customers,
      orgId: fc.constantFrom(1001, 1002),
      department: fc.option(text, { nil: undefined }),
      admin: text,
      username: text,
      email: emails,
      csr: base64ish,
      templates: fc.array(text, { maxLength: 3 }),
      baseUrl: text,
      state: fc.constantFrom(...ORDER_STATES),
      next: fc.option(
        fc.record({
          to: fc.constantFrom(...ORDER_STATES),
          at: fc.option(fc.integer(), { nil: undefined }),
          afterPolls: fc.option(fc.nat(5), { nil: undefined }),
        }),
        { nil: undefined },
      ),
      tags: fc.array(text, { maxLength: 3 }),
      polls: fc.nat(100),
      createdAt: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_005 }),
      updatedAt: fc.integer({ min: 0, max: 2 ** 45 }),
      certificate: fc.option(
        fc.record({
          serial: fc.constantFrom('0a', '0b', '7f01', 'ff00'),
          der: base64ish,
          notBefore: fc.integer(),
          notAfter: fc.integer(),
        }),
        { nil: undefined },
      ),
      revocation: fc.option(fc.record({ at: fc.integer(), reason: text, reasonCode: fc.nat(10), by: text }), {
        nil: undefined,
      }),
      history: fc.array(fc.record({ at: fc.integer(), state: fc.constantFrom(...ORDER_STATES), note: text }), {
        maxLength: 4,
      }),
    },
    {
      requiredKeys: [
        'orderNumber',
        'customerUri',
        'orgId',
        'admin',
        'username',
        'email',
        'csr',
        'templates',
        'baseUrl',
        'state',
        'tags',
        'polls',
        'createdAt',
        'updatedAt',
        'history',
      ],
    },
  );

const filter: fc.Arbitrary<OrderFilter> = fc.record(
  {
    customerUri: customers,
    orgId: fc.constantFrom(1001, 1002),
    email: emails,
    state: fc.constantFrom(...ORDER_STATES),
    dueBy: fc.integer(),
    after: fc.record({
      createdAt: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_005 }),
      orderNumber: numbers,
    }),
    limit: fc.nat(4),
    offset: fc.nat(3),
  },
  { requiredKeys: [] },
);

type Op =
  | { kind: 'save'; order: Order }
  | { kind: 'get'; n: number }
  | { kind: 'serial'; serial: string }
  | { kind: 'email'; customerUri: string; orgId: number; email: string }
  | { kind: 'list'; filter: OrderFilter }
  | { kind: 'clear'; customerUri?: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: order(numbers).map((o) => ({ kind: 'save' as const, order: o })) },
  { weight: 3, arbitrary: numbers.map((n) => ({ kind: 'get' as const, n })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('0a', '0b', '7f01', 'ff00', '99').map((serial) => ({ kind: 'serial' as const, serial })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ customerUri: customers, orgId: fc.constantFrom(1001, 1002), email: emails })
      .map((x) => ({ kind: 'email' as const, ...x })),
  },
  { weight: 2, arbitrary: filter.map((f) => ({ kind: 'list' as const, filter: f })) },
  {
    weight: 1,
    arbitrary: fc.option(customers, { nil: undefined }).map((c) => ({ kind: 'clear' as const, customerUri: c })),
  },
);

/** The model: orders as their JSON round trip, indexes recomputed by brute force. */
class Model {
  orders = new Map<number, Order>();
  serials = new Map<string, number>();
  max = 0;
  private key = (c: string, o: number, e: string) => `${c}|${o}|${e.toLowerCase()}`;
  save(o: Order) {
    const before = this.orders.get(o.orderNumber)?.certificate?.serial;
    // a re-save without the serial it had drops it (unless another order took it over since)
    if (before !== undefined && before !== o.certificate?.serial && this.serials.get(before) === o.orderNumber)
      this.serials.delete(before);
    this.orders.set(o.orderNumber, jsonCopy(o));
    if (o.certificate) this.serials.set(o.certificate.serial, o.orderNumber);
    this.max = Math.max(this.max, o.orderNumber);
  }
  get(n: number) {
    const o = this.orders.get(n);
    return o && jsonCopy(o);
  }
  bySerial(s: string) {
    const n = this.serials.get(s);
    return n === undefined ? undefined : this.get(n);
  }
  /** by brute force, in order-number order (the store promises no order) */
  byEmail(c: string, org: number, e: string) {
    const k = this.key(c, org, e);
    return [...this.orders.values()]
      .filter((o) => this.key(o.customerUri, o.orgId, o.email) === k)
      .sort((a, b) => a.orderNumber - b.orderNumber)
      .map((o) => this.get(o.orderNumber));
  }
  list(f: OrderFilter) {
    /** when the order's next step is due by time: its instant, or 0 (the epoch: due) when no polls are left */
    const due = (o: Order) =>
      o.next?.at ?? (o.next?.afterPolls !== undefined && o.next.afterPolls <= 0 ? 0 : undefined);
    const newer = (a: { createdAt: number; orderNumber: number }, b: { createdAt: number; orderNumber: number }) =>
      b.createdAt - a.createdAt || b.orderNumber - a.orderNumber;
    const all = [...this.orders.values()]
      .filter(
        (o) =>
          (f.customerUri === undefined || o.customerUri === f.customerUri) &&
          (f.orgId === undefined || o.orgId === f.orgId) &&
          (f.email === undefined || o.email.toLowerCase() === f.email.toLowerCase()) &&
          (f.state === undefined ||
            o.state === f.state ||
            (f.dueBy !== undefined && due(o) !== undefined && due(o)! <= f.dueBy)) &&
          (f.after === undefined || newer(f.after, o) < 0),
      )
      .sort(newer);
    const start = f.offset ?? 0;
    return all.slice(start, f.limit === undefined ? undefined : start + f.limit);
  }
  clear(c?: string) {
    if (c === undefined) this.max = 0;
    for (const [n, o] of [...this.orders]) {
      if (c !== undefined && o.customerUri !== c) continue;
      this.orders.delete(n);
      if (o.certificate) this.serials.delete(o.certificate.serial);
    }
  }
}

/** A cheap comparison: vitest's diff of large objects, run at every shrinking step, would take minutes. */
function same(what: string, actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected))
    throw new Error(
      `${what}: store ${JSON.stringify(actual)?.slice(0, 300)} != model ${JSON.stringify(expected)?.slice(0, 300)}`,
    );
}

describe('the packed memory store', () => {
  it('agrees with a model of JSON copies over random histories, and never aliases', () => {
    fc.assert(
      // small slabs fill after a few orders, so re-saves and clears empty, compact and release them
      fc.property(
        fc.constantFrom(2048, 8192, 1 << 20),
        fc.array(op, { minLength: 1, maxLength: 40 }),
        (slabBytes, ops) => {
          const store = new MemoryOrderStore({ slabBytes });
          const model = new Model();
          for (const o of ops) {
            switch (o.kind) {
              case 'save': {
                const mine = structuredClone(o.order); // fast-check replays its values while shrinking: never change them
                store.save(mine);
                model.save(mine);
                mine.history.push({ at: 0, state: 'revoked', note: 'changed after save' }); // the caller's object is not the store's
                mine.csr = 'changed';
                break;
              }
              case 'get': {
                const got = store.get(o.n);
                same(`get ${o.n}`, got, model.get(o.n));
                if (got) got.polls = -1; // nor is what it hands out
                break;
              }
              case 'serial':
                same(`getBySerial ${o.serial}`, store.getBySerial(o.serial), model.bySerial(o.serial));
                break;
              case 'email':
                same(
                  'findByEmail',
                  store.findByEmail(o.customerUri, o.orgId, o.email).sort((a, b) => a.orderNumber - b.orderNumber),
                  model.byEmail(o.customerUri, o.orgId, o.email),
                );
                break;
              case 'list':
                same(`list ${JSON.stringify(o.filter)}`, store.list(o.filter), model.list(o.filter));
                same(
                  'count',
                  store.count({ ...o.filter, limit: undefined, offset: undefined }),
                  model.list({ ...o.filter, limit: undefined, offset: undefined }).length,
                );
                break;
              case 'clear':
                store.clear(o.customerUri);
                model.clear(o.customerUri);
                break;
            }
            same('maxOrderNumber', store.maxOrderNumber(), model.max);
          }
        },
      ),
      params,
    );
  });

  it('releases the slabs of rewritten and cleared orders, moving the few left in mostly empty slabs', () => {
    const store = new MemoryOrderStore({ slabBytes: 64 * 1024 });
    const der = (n: number) => Buffer.alloc(1200, n % 251).toString('base64');
    const make = (n: number, state: Order['state'], customerUri = n % 5 ? 'gone' : 'kept'): Order => ({
      orderNumber: n,
      customerUri,
      orgId: 1,
      admin: 'a',
      username: `user ${n}`,
      email: `u${n}@example.com`,
      csr: '',
      templates: [],
      baseUrl: 'http://x',
      state,
      tags: [],
      polls: 0,
      createdAt: n,
      updatedAt: n,
      history: [{ at: n, state, note: state }],
      certificate: { serial: n.toString(16).padStart(4, '0'), der: der(n), notBefore: 0, notAfter: 1 },
    });
    for (let n = 1; n <= 2000; n++) store.save(make(n, 'processing'));
    const full = store.memoryStats();
    // every order rewritten twice: two thirds of what was written is garbage, and slabs holding only garbage go
    for (const state of ['issuing', 'issued'] as const) for (let n = 1; n <= 2000; n++) store.save(make(n, state));
    const rewritten = store.memoryStats();
    expect(rewritten.liveBytes).toBe(full.liveBytes + 2000 * ('issued'.length - 'processing'.length) * 2);
    expect(rewritten.bytes).toBeLessThan(rewritten.liveBytes * 1.5);
    // four orders in five go: every slab is a fifth alive, and what is left moves together
    store.clear('gone');
    const thinned = store.memoryStats();
    expect(thinned.orders).toBe(400);
    const alone = new MemoryOrderStore();
    for (let n = 5; n <= 2000; n += 5) alone.save(make(n, 'issued'));
    expect(thinned.liveBytes).toBe(alone.memoryStats().liveBytes);
    expect(thinned.bytes).toBeLessThanOrEqual(thinned.liveBytes + 2 * 64 * 1024);
    for (let n = 1; n <= 2000; n++) expect(store.get(n)).toEqual(n % 5 ? undefined : make(n, 'issued'));
    expect(store.getBySerial((1995).toString(16).padStart(4, '0'))?.orderNumber).toBe(1995);
    expect(store.findByEmail('kept', 1, 'U1995@example.com').map((o) => o.orderNumber)).toEqual([1995]);
    store.clear();
    expect(store.memoryStats()).toEqual({ orders: 0, slabs: 0, bytes: 0, liveBytes: 0 });
  });

  it('gives back base64 blobs exactly, packed or not', () => {
    const store = new MemoryOrderStore();
    for (const [i, csr] of [
      'MIIC',
      'MII=',
      'QQ',
      'QR==',
      'A===',
      ' MIIC',
      '',
      'x'.repeat(10_001),
      Buffer.alloc(40_000, 7).toString('base64'),
    ].entries()) {
      const o = {
        orderNumber: i + 1,
        customerUri: 'c',
        orgId: 1,
        admin: 'a',
        username: 'u',
        email: 'e@x.y',
        csr,
        templates: [],
        baseUrl: 'b',
        state: 'issued',
        tags: [],
        polls: 0,
        createdAt: 1,
        updatedAt: 1,
        history: [],
        certificate: { serial: `0${i}`, der: csr, notBefore: 0, notAfter: 1 },
      } satisfies Order;
      store.save(o);
      expect(store.get(i + 1)).toEqual(o);
    }
  });
});
