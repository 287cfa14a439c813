import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Order } from '../../server/domain/orders.js';
import { MemoryOrderStore } from '../../server/store/memory-store.js';
import type { OrderStore } from '../../server/store/order-store.js';
import {
  MIGRATIONS,
  SCHEMA_VERSION,
  SqliteOrderStore,
  StoreError,
  type Migration,
} from '../../server/store/sqlite-store.js';

/** One behaviour for both stores: the same contract runs against memory and SQLite. */

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ccm-mock-store-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function order(orderNumber: number, over: Partial<Order> = {}): Order {
  return {
    orderNumber,
    customerUri: 'sandbox',
    orgId: 1001,
    admin: 'admin',
    username: 'Alice Example',
    email: 'alice@example.com',
    csr: 'MIIC',
    templates: [],
    baseUrl: 'http://localhost:8080',
    state: 'processing',
    next: { to: 'issued', afterPolls: 2 },
    tags: [],
    polls: 0,
    createdAt: 1_700_000_000_000 + orderNumber,
    updatedAt: 1_700_000_000_000 + orderNumber,
    history: [{ at: 1_700_000_000_000, state: 'processing', note: 'enrolled' }],
    ...over,
  };
}

const stores: Array<[string, () => OrderStore]> = [
  ['memory', () => new MemoryOrderStore()],
  ['sqlite', () => new SqliteOrderStore(join(tempDir(), 'ccm-mock.db'))],
];

describe.each(stores)('%s order store', (_name, make) => {
  it('saves whole orders and returns copies', () => {
    const store = make();
    const o = order(1000001, { certificate: { serial: '0abc', der: 'MIIB', notBefore: 1, notAfter: 2 } });
    store.save(o);
    const got = store.get(1000001)!;
    expect(got).toEqual(o);
    got.state = 'revoked';
    expect(store.get(1000001)!.state).toBe('processing');
    expect(store.get(42)).toBeUndefined();
    store.close();
  });

  it('replaces on save and finds by serial, by person (case-insensitive) and by filter, newest first', () => {
    const store = make();
    store.save(order(1000001));
    store.save(order(1000002, { email: 'Bob@Example.com' }));
    store.save(order(1000003, { orgId: 1002, email: 'alice@example.com' }));
    store.save(order(1000004, { customerUri: 'other' }));
    const issued = order(1000001, {
      state: 'issued',
      certificate: { serial: '01ff', der: 'MIIB', notBefore: 1, notAfter: 2 },
    });
    store.save(issued);

    expect(store.getBySerial('01ff')?.orderNumber).toBe(1000001);
    expect(store.getBySerial('02ff')).toBeUndefined();
    expect(store.findByEmail('sandbox', 1001, 'ALICE@example.com').map((o) => o.orderNumber)).toEqual([1000001]);
    expect(store.findByEmail('sandbox', 1001, 'bob@example.com').map((o) => o.orderNumber)).toEqual([1000002]);
    expect(store.list().map((o) => o.orderNumber)).toEqual([1000004, 1000003, 1000002, 1000001]);
    expect(store.list({ customerUri: 'sandbox', limit: 2 }).map((o) => o.orderNumber)).toEqual([1000003, 1000002]);
    expect(store.list({ customerUri: 'sandbox', offset: 1 }).map((o) => o.orderNumber)).toEqual([1000002, 1000001]);
    expect(store.list({ state: 'issued' }).map((o) => o.orderNumber)).toEqual([1000001]);
    expect(store.list({ email: 'BOB@example.COM' }).map((o) => o.orderNumber)).toEqual([1000002]);
    expect(store.count({ customerUri: 'sandbox', orgId: 1001 })).toBe(2);
    expect(store.count()).toBe(4);
    expect(store.maxOrderNumber()).toBe(1000004);

    store.clear('other');
    expect(store.count()).toBe(3);
    // a cleared customer's numbers are not handed out again while other orders remain
    expect(store.maxOrderNumber()).toBe(1000004);
    store.clear();
    expect(store.count()).toBe(0);
    expect(store.maxOrderNumber()).toBe(0);
    expect(store.getBySerial('01ff')).toBeUndefined();
    store.close();
  });

  it('pages by key (after) and, with a state, also hands over orders due by dueBy in other states', () => {
    const store = make();
    store.save(order(1000001, { next: { to: 'issued', at: 5000 } }));
    store.save(order(1000002, { state: 'issued', next: undefined }));
    store.save(order(1000003, { next: { to: 'rejected', at: 9000 } }));
    store.save(order(1000004, { next: { to: 'issued', afterPolls: 0 } }));
    store.save(order(1000005, { state: 'issued', next: undefined, createdAt: 1_700_000_000_000 + 1000002 }));
    const numbers = (f: Parameters<OrderStore['list']>[0]) => store.list(f).map((o) => o.orderNumber);
    // 1000005 was created at the same time as 1000002: the higher number lists first
    expect(numbers({})).toEqual([1000004, 1000003, 1000005, 1000002, 1000001]);
    expect(numbers({ after: { createdAt: 1_700_000_000_000 + 1000003, orderNumber: 1000003 } })).toEqual([
      1000005, 1000002, 1000001,
    ]);
    expect(numbers({ after: { createdAt: 1_700_000_000_000 + 1000002, orderNumber: 1000005 }, limit: 1 })).toEqual([
      1000002,
    ]);
    expect(numbers({ state: 'issued' })).toEqual([1000005, 1000002]);
    expect(numbers({ state: 'issued', dueBy: 4999 })).toEqual([1000004, 1000005, 1000002]);
    expect(numbers({ state: 'issued', dueBy: 9000 })).toEqual([1000004, 1000003, 1000005, 1000002, 1000001]);
    expect(numbers({ state: 'issued', dueBy: 9000, limit: 2, offset: 1 })).toEqual([1000003, 1000005]);
    expect(store.count({ state: 'issued', dueBy: 5000 })).toBe(4);
    store.close();
  });

  it('starts empty: maxOrderNumber 0', () => {
    const store = make();
    expect(store.maxOrderNumber()).toBe(0);
    expect(store.list()).toEqual([]);
    store.close();
  });
});

describe('SQLite order store', () => {
  it('keeps orders across close and reopen, in WAL mode, with its schema version recorded', () => {
    const file = join(tempDir(), 'ccm-mock.db');
    const first = new SqliteOrderStore(file);
    first.save(
      order(1000001, {
        state: 'revoked',
        revocation: { at: 5, reason: 'key compromise', reasonCode: 1, by: 'revoke' },
      }),
    );
    first.close();

    const again = new SqliteOrderStore(file);
    expect(again.get(1000001)?.revocation?.reasonCode).toBe(1);
    expect(again.schemaVersion()).toBe(SCHEMA_VERSION);
    again.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: SCHEMA_VERSION });
    raw.close();
  });

  it('runs with WAL and synchronous=FULL on its own connection, every time it opens', () => {
    const file = join(tempDir(), 'ccm-mock.db');
    for (let i = 0; i < 2; i++) {
      const store = new SqliteOrderStore(file);
      expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 2 });
      store.close();
    }
  });

  it('carries a file to the next version, orders kept; a failing migration leaves the file where it was', () => {
    const current = MIGRATIONS;
    const next = SCHEMA_VERSION + 1;
    // what a next migration looks like: a lookup column filled from the stored JSON
    const added: Migration = {
      version: next,
      description: 'orders.department, for finding orders by department',
      sql: `ALTER TABLE orders ADD COLUMN department TEXT;
            UPDATE orders SET department = json_extract(data, '$.department');
            CREATE INDEX orders_department ON orders (department);`,
    };
    const file = join(tempDir(), 'ccm-mock.db');
    const old = new SqliteOrderStore(file, current);
    old.save(order(1000001, { department: 'Engineering', email: 'Carol@Example.com' }));
    old.save(
      order(1000002, {
        state: 'revoked',
        revocation: { at: 5, reason: 'key compromise', reasonCode: 1, by: 'revoke' },
      }),
    );
    old.setMeta({ clock_offset_ms: 86_400_000 });
    expect(old.schemaVersion()).toBe(SCHEMA_VERSION);
    old.close();

    const broken: Migration = {
      version: next,
      description: 'fails halfway',
      sql: 'ALTER TABLE orders ADD COLUMN half TEXT; SELECT * FROM no_such_table;',
    };
    expect(() => new SqliteOrderStore(file, [...current, broken])).toThrow(
      /cannot open the order store .*no such table: no_such_table/,
    );
    const still = new Database(file, { readonly: true });
    expect(still.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: SCHEMA_VERSION });
    expect(
      (still.prepare('PRAGMA table_info(orders)').all() as Array<{ name: string }>).map((c) => c.name),
    ).not.toContain('half');
    still.close();

    const migrated = new SqliteOrderStore(file, [...current, added]);
    expect(migrated.schemaVersion()).toBe(next);
    expect(migrated.get(1000001)).toEqual(order(1000001, { department: 'Engineering', email: 'Carol@Example.com' }));
    expect(migrated.get(1000002)?.revocation).toMatchObject({ reasonCode: 1 });
    expect(migrated.findByEmail('sandbox', 1001, 'carol@example.com').map((o) => o.orderNumber)).toEqual([1000001]);
    expect(migrated.list().map((o) => o.orderNumber)).toEqual([1000002, 1000001]);
    expect(migrated.getMeta('clock_offset_ms')).toBe(86_400_000);
    migrated.save(order(1000003));
    migrated.close();

    const raw = new Database(file, { readonly: true });
    expect(
      raw
        .prepare('SELECT version, description FROM schema_migrations WHERE version >= ? ORDER BY version')
        .all(SCHEMA_VERSION),
    ).toEqual([
      { version: SCHEMA_VERSION, description: MIGRATIONS[SCHEMA_VERSION - 1].description },
      { version: next, description: added.description },
    ]);
    expect(raw.prepare('SELECT order_number, department FROM orders ORDER BY order_number').all()).toEqual([
      { order_number: 1000001, department: 'Engineering' },
      { order_number: 1000002, department: null },
      { order_number: 1000003, department: null },
    ]);
    raw.close();
    // and this ccm-mock, which knows only the current version, refuses the file rather than misread it
    expect(() => new SqliteOrderStore(file, current)).toThrow(
      `schema version ${next}, newer than this ccm-mock knows (${SCHEMA_VERSION})`,
    );
  });

  it('version 3 fills due_at from the stored orders: the instant of a timed step, 0 for a step with no polls left', () => {
    const file = join(tempDir(), 'ccm-mock.db');
    const v2 = new Database(file);
    v2.exec(MIGRATIONS[0].sql + MIGRATIONS[1].sql);
    v2.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL);
             INSERT INTO schema_migrations VALUES (1, 'v1', 'then'), (2, 'v2', 'then');`);
    const insert = v2.prepare(
      'INSERT INTO orders (order_number, customer_uri, org_id, email_lc, state, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const rows: Array<[number, Order]> = [
      [1, order(1, { next: { to: 'issued', at: 1_700_000_500_000 } })],
      [2, order(2, { next: { to: 'issued', afterPolls: 0 } })],
      [3, order(3, { next: { to: 'issued', afterPolls: 2 } })],
      [4, order(4, { state: 'issued', next: undefined })],
    ];
    for (const [n, o] of rows) insert.run(n, o.customerUri, o.orgId, o.email, o.state, o.createdAt, JSON.stringify(o));
    v2.close();
    const store = new SqliteOrderStore(file);
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT order_number AS n, due_at AS due FROM orders ORDER BY n').all()).toEqual([
      { n: 1, due: 1_700_000_500_000 },
      { n: 2, due: 0 },
      { n: 3, due: null },
      { n: 4, due: null },
    ]);
    raw.close();
    // and the listing reads it: processing orders, plus orders in another state due by the time given
    expect(store.list({ state: 'issued', dueBy: 1_700_000_500_000 }).map((o) => o.orderNumber)).toEqual([4, 2, 1]);
    expect(store.list({ state: 'issued', dueBy: 1 }).map((o) => o.orderNumber)).toEqual([4, 2]);
    store.close();
  });

  it('refuses a file written by a newer schema, and a file that is not SQLite, with a clear error', () => {
    const newer = join(tempDir(), 'ccm-mock.db');
    new SqliteOrderStore(newer).close();
    const raw = new Database(newer);
    raw.prepare("INSERT INTO schema_migrations VALUES (?, 'from the future', '2099-01-01')").run(SCHEMA_VERSION + 1);
    raw.close();
    expect(() => new SqliteOrderStore(newer)).toThrow(StoreError);
    expect(() => new SqliteOrderStore(newer)).toThrow(
      `schema version ${SCHEMA_VERSION + 1}, newer than this ccm-mock knows (${SCHEMA_VERSION})`,
    );

    const junk = join(tempDir(), 'ccm-mock.db');
    writeFileSync(junk, 'this is not a database, just text that is long enough to have a header'.repeat(20));
    expect(() => new SqliteOrderStore(junk)).toThrow(
      /cannot open the order store .*ccm-mock\.db: file is not a database/,
    );
  });
});
