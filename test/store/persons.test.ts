import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Person } from '../../server/domain/persons.js';
import { MemoryOrderStore } from '../../server/store/memory-store.js';
import type { OrderStore } from '../../server/store/order-store.js';
import { MIGRATIONS, SqliteOrderStore } from '../../server/store/sqlite-store.js';

/**
 * Persons beside the orders, one contract for both stores, and migration 4, which brings a file from before the
 * REST API forward: its orders marked as SOAP's, a persons table.
 */

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ccm-mock-persons-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function person(id: number, over: Partial<Person> = {}): Person {
  return {
    id,
    customerUri: 'sandbox',
    organizationId: 1001,
    email: `p${id}@example.com`,
    firstName: 'P',
    middleName: '',
    lastName: String(id),
    commonName: '',
    phone: '',
    secondaryEmails: [],
    eppn: '',
    upn: '',
    validationType: 'STANDARD',
    createdAt: 1,
    createdBy: 'admin',
    modifiedAt: 1,
    modifiedBy: 'admin',
    ...over,
  };
}

const stores: Array<[string, () => OrderStore]> = [
  ['memory', () => new MemoryOrderStore()],
  ['sqlite', () => new SqliteOrderStore(join(tempDir(), 'ccm-mock.db'))],
];

describe.each(stores)('%s store: persons', (_name, make) => {
  it('saves persons and finds them by id and by email (any case), within their customer only', () => {
    const store = make();
    const p = person(1, { email: 'Carol@Example.com', secondaryEmails: ['c2@example.com'] });
    store.persons.save(p);
    store.persons.save(person(2, { customerUri: 'other', email: 'carol@example.com' }));
    expect(store.persons.get('sandbox', 1)).toEqual(p);
    expect(store.persons.get('other', 1)).toBeUndefined();
    expect(store.persons.byEmail('sandbox', 'carol@EXAMPLE.com')?.id).toBe(1);
    expect(store.persons.byEmail('other', 'carol@example.com')?.id).toBe(2);
    // a copy: changing it changes nothing stored
    const got = store.persons.get('sandbox', 1)!;
    got.lastName = 'changed';
    expect(store.persons.get('sandbox', 1)!.lastName).toBe('1');
    // saved again under a new email: the old one no longer finds it
    store.persons.save({ ...p, email: 'carol.new@example.com' });
    expect(store.persons.byEmail('sandbox', 'carol@example.com')).toBeUndefined();
    expect(store.persons.byEmail('sandbox', 'carol.new@example.com')?.id).toBe(1);
    expect(store.persons.maxId()).toBe(2);
    store.close();
  });

  it("clears with the orders: one customer's (ids not reused while others remain), or all", () => {
    const store = make();
    store.persons.save(person(1));
    store.persons.save(person(5, { customerUri: 'other' }));
    store.clear('other');
    expect(store.persons.get('other', 5)).toBeUndefined();
    expect(store.persons.get('sandbox', 1)).toBeDefined();
    expect(store.persons.maxId()).toBe(5);
    store.clear();
    expect(store.persons.get('sandbox', 1)).toBeUndefined();
    expect(store.persons.maxId()).toBe(0);
    store.close();
  });
});

describe('SQLite migration 4', () => {
  it("carries a version 3 file forward: its orders are SOAP's, persons are kept across reopen", () => {
    const file = join(tempDir(), 'ccm-mock.db');
    const v3 = new SqliteOrderStore(file, MIGRATIONS.slice(0, 3));
    // an order as a version 3 ccm-mock stored it: no api
    const legacy = {
      orderNumber: 1000001,
      customerUri: 'sandbox',
      orgId: 1001,
      admin: 'admin',
      username: 'Alice',
      email: 'alice@example.com',
      csr: '',
      templates: [],
      baseUrl: 'http://localhost:8080',
      state: 'issued',
      tags: [],
      polls: 0,
      createdAt: 1,
      updatedAt: 1,
      history: [],
    };
    v3.save(legacy as never);
    v3.close();

    const v4 = new SqliteOrderStore(file);
    expect(v4.schemaVersion()).toBe(4);
    expect(v4.get(1000001)?.api).toBe('soap');
    v4.persons.save(person(7));
    v4.close();
    const again = new SqliteOrderStore(file);
    expect(again.persons.byEmail('sandbox', 'p7@example.com')?.id).toBe(7);
    again.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare("SELECT json_extract(data, '$.api') AS api FROM orders").get()).toEqual({ api: 'soap' });
    raw.close();
  });
});
