import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Order } from '../domain/orders.js';
import { dueAt, type OrderFilter, type OrderStore } from './order-store.js';
import type { PersonStore } from './person-store.js';
import { SqlitePersonStore } from './sqlite-persons.js';

/**
 * Orders in a SQLite file (better-sqlite3), for a mock started with a data directory.
 *
 * Durability: WAL with synchronous=FULL, and every save() is its own committed transaction before the
 * domain call returns, so an order number a client was answered is on disk before the response is sent,
 * and a killed process (SIGKILL included) leaves a database SQLite recovers on the next open.
 *
 * An order is stored whole as JSON; the columns beside it exist only to find and sort orders.
 * The schema moves forward through MIGRATIONS (or the list a test gives), recorded in schema_migrations.
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Append only: never edit a released migration, add the next version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'orders, stored whole as JSON, with lookup columns',
    sql: `
      CREATE TABLE orders (
        order_number INTEGER PRIMARY KEY,
        customer_uri TEXT NOT NULL,
        org_id       INTEGER NOT NULL,
        email_lc     TEXT NOT NULL,
        state        TEXT NOT NULL,
        serial       TEXT,
        created_at   INTEGER NOT NULL,
        data         TEXT NOT NULL
      );
      CREATE INDEX orders_person ON orders (customer_uri, org_id, email_lc);
      CREATE INDEX orders_serial ON orders (serial) WHERE serial IS NOT NULL;
      CREATE INDEX orders_created ON orders (created_at DESC, order_number DESC);
      -- numbers kept beside the orders: order_number_floor (the highest number of a customer's cleared
      -- orders, not reused while other orders remain, as in memory) and clock_offset_ms (the mock's clock)
      CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `,
  },
  {
    version: 2,
    description: 'the clock of a directory that holds orders but no clock yet: running, at real time',
    // before the clock was saved at every start, it was saved only when advanced: a directory whose clock
    // never moved has orders but no clock, and would take a clockStart before the times already stored
    sql: `INSERT OR IGNORE INTO meta (key, value) SELECT 'clock_offset_ms', 0 WHERE EXISTS (SELECT 1 FROM orders);`,
  },
  {
    version: 3,
    description: 'orders.due_at: when the next step falls due by time, so a listing finds what a clock move changed',
    // dueAt() in order-store.ts: the step's instant, 0 for a poll-counted step with no polls left, else NULL
    sql: `ALTER TABLE orders ADD COLUMN due_at INTEGER;
          UPDATE orders SET due_at = CASE
            WHEN json_extract(data, '$.next.at') IS NOT NULL THEN json_extract(data, '$.next.at')
            WHEN json_extract(data, '$.next.afterPolls') <= 0 THEN 0
          END;
          CREATE INDEX orders_due ON orders (due_at) WHERE due_at IS NOT NULL;`,
  },
  {
    version: 4,
    description: 'the REST API: which API made each order (orders before it came through SOAP), and persons',
    sql: `
      UPDATE orders SET data = json_set(data, '$.api', 'soap') WHERE json_extract(data, '$.api') IS NULL;
      CREATE TABLE persons (
        id           INTEGER PRIMARY KEY,
        customer_uri TEXT NOT NULL,
        email_lc     TEXT NOT NULL,
        data         TEXT NOT NULL
      );
      CREATE UNIQUE INDEX persons_email ON persons (customer_uri, email_lc);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** What a store's connection runs with (for tests and diagnostics). */
export interface StoreDurability {
  journalMode: string;
  /** PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA */
  synchronous: number;
}

export class StoreError extends Error {}

type Row = { data: string };

export class SqliteOrderStore implements OrderStore {
  private readonly db: Database.Database;
  /** typed as the interface: the package's declarations must not reach better-sqlite3's types (a devDependency) */
  readonly persons: PersonStore;
  /** prepared at the first save: a file opened with older migrations (a test making an old file) can still open */
  private saveStmt?: Database.Statement;
  private readonly stmt: {
    get: Database.Statement<[number], Row>;
    getOwn: Database.Statement<[number, string], Row>;
    bySerial: Database.Statement<[string], Row>;
    bySerialOwn: Database.Statement<[string, string], Row>;
    byPerson: Database.Statement<[string, number, string], Row>;
    max: Database.Statement<[], { n: number | null }>;
  };
  private readonly clearAll: () => void;
  private readonly clearCustomer: (customerUri: string) => void;
  private readonly setMetaAll: (entries: Array<[string, number]>) => void;

  private readonly latest: number;

  /** Opens (creating if needed) the database at `file` and brings its schema up to date with `migrations`. */
  constructor(
    readonly file: string,
    private readonly migrations: readonly Migration[] = MIGRATIONS,
  ) {
    migrations.forEach((m, i) => {
      if (m.version !== i + 1)
        throw new Error(`migration ${i + 1} is numbered ${m.version}: versions run 1, 2, 3, ...`);
    });
    this.latest = migrations.at(-1)?.version ?? 0;
    mkdirSync(dirname(file), { recursive: true });
    try {
      this.db = new Database(file, { timeout: 5000 });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.migrate();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(`cannot open the order store ${file}: ${(err as Error).message}`);
    }
    this.stmt = {
      get: this.db.prepare('SELECT data FROM orders WHERE order_number = ?'),
      getOwn: this.db.prepare('SELECT data FROM orders WHERE order_number = ? AND customer_uri = ?'),
      bySerial: this.db.prepare('SELECT data FROM orders WHERE serial = ? ORDER BY order_number LIMIT 1'),
      bySerialOwn: this.db.prepare(
        'SELECT data FROM orders WHERE serial = ? AND customer_uri = ? ORDER BY order_number LIMIT 1',
      ),
      byPerson: this.db.prepare(
        'SELECT data FROM orders WHERE customer_uri = ? AND org_id = ? AND email_lc = ? ORDER BY order_number',
      ),
      max: this.db.prepare(
        "SELECT max(coalesce((SELECT max(order_number) FROM orders), 0), coalesce((SELECT value FROM meta WHERE key = 'order_number_floor'), 0)) AS n",
      ),
    };
    this.clearAll = this.db.transaction(() => {
      this.db.prepare('DELETE FROM orders').run();
      this.db.prepare("DELETE FROM meta WHERE key = 'order_number_floor'").run();
    });
    const setOne = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    this.setMetaAll = this.db.transaction((entries: Array<[string, number]>) => {
      for (const [key, value] of entries) setOne.run(key, value);
    });
    this.clearCustomer = this.db.transaction((customerUri: string) => {
      this.db
        .prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('order_number_floor', ?)")
        .run(this.maxOrderNumber());
      this.db.prepare('DELETE FROM orders WHERE customer_uri = ?').run(customerUri);
    });
    this.persons = new SqlitePersonStore(this.db);
  }

  /** The schema version the file is at (after opening: the last migration's, SCHEMA_VERSION by default). */
  schemaVersion(): number {
    return (this.db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  }

  private migrate(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version     INTEGER PRIMARY KEY,
      description TEXT NOT NULL,
      applied_at  TEXT NOT NULL
    )`);
    const current = this.schemaVersion();
    if (current > this.latest) {
      throw new StoreError(
        `the order store ${this.file} has schema version ${current}, newer than this ccm-mock knows (${this.latest}): use a newer ccm-mock or another data directory`,
      );
    }
    const record = this.db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)');
    for (const m of this.migrations) {
      if (m.version <= current) continue;
      // each migration and its record commit together: a crash leaves the file at one version or the next
      this.db
        .transaction(() => {
          this.db.exec(m.sql);
          record.run(m.version, m.description, new Date().toISOString());
        })
        .immediate();
    }
  }

  save(order: Order): void {
    this.saveStmt ??= this.db.prepare(
      `INSERT OR REPLACE INTO orders (order_number, customer_uri, org_id, email_lc, state, serial, created_at, due_at, data)
       VALUES (@orderNumber, @customerUri, @orgId, @emailLc, @state, @serial, @createdAt, @dueAt, @data)`,
    );
    this.saveStmt.run({
      orderNumber: order.orderNumber,
      customerUri: order.customerUri,
      orgId: order.orgId,
      emailLc: order.email.toLowerCase(),
      state: order.state,
      serial: order.certificate?.serial ?? null,
      createdAt: order.createdAt,
      dueAt: dueAt(order) ?? null,
      data: JSON.stringify(order),
    });
  }

  get(orderNumber: number, customerUri?: string): Order | undefined {
    return parse(
      customerUri === undefined ? this.stmt.get.get(orderNumber) : this.stmt.getOwn.get(orderNumber, customerUri),
    );
  }

  getBySerial(serial: string, customerUri?: string): Order | undefined {
    return parse(
      customerUri === undefined ? this.stmt.bySerial.get(serial) : this.stmt.bySerialOwn.get(serial, customerUri),
    );
  }

  findByEmail(customerUri: string, orgId: number, email: string): Order[] {
    return this.stmt.byPerson.all(customerUri, orgId, email.toLowerCase()).map((r) => parse(r)!);
  }

  private where(filter: OrderFilter): { sql: string; params: unknown[] } {
    const conditions: Array<[string, unknown[]]> = (
      [
        ['customer_uri = ?', filter.customerUri],
        ['org_id = ?', filter.orgId],
        ['email_lc = ?', filter.email?.toLowerCase()],
      ] as Array<[string, unknown]>
    )
      .filter(([, value]) => value !== undefined)
      .map(([sql, value]) => [sql, [value]]);
    if (filter.state !== undefined)
      conditions.push(
        filter.dueBy === undefined
          ? ['state = ?', [filter.state]]
          : ['(state = ? OR due_at <= ?)', [filter.state, filter.dueBy]],
      );
    if (filter.after !== undefined)
      conditions.push(['(created_at, order_number) < (?, ?)', [filter.after.createdAt, filter.after.orderNumber]]);
    return {
      sql: conditions.length ? ' WHERE ' + conditions.map(([sql]) => sql).join(' AND ') : '',
      params: conditions.flatMap(([, params]) => params),
    };
  }

  list(filter: OrderFilter = {}): Order[] {
    const { sql, params } = this.where(filter);
    // LIMIT -1 is SQLite's "no limit", needed when only an offset is given
    const rows = this.db
      .prepare(`SELECT data FROM orders${sql} ORDER BY created_at DESC, order_number DESC LIMIT ? OFFSET ?`)
      .all(...params, filter.limit ?? -1, filter.offset ?? 0) as Row[];
    return rows.map((r) => parse(r)!);
  }

  count(filter: OrderFilter = {}): number {
    const { sql, params } = this.where(filter);
    return (this.db.prepare(`SELECT count(*) AS n FROM orders${sql}`).get(...params) as { n: number }).n;
  }

  maxOrderNumber(): number {
    return this.stmt.max.get()?.n ?? 0;
  }

  /**
   * Drop all orders and persons (numbers may start over), or one customer's (numbers stay above the highest ever
   * stored).
   */
  clear(customerUri?: string): void {
    if (customerUri === undefined) this.clearAll();
    else this.clearCustomer(customerUri);
    this.persons.clear(customerUri);
  }

  /** A number kept beside the orders (the mock's clock offset, the order-number floor). */
  getMeta(key: string): number | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: number } | undefined)?.value;
  }

  /** Set numbers kept beside the orders, all in one transaction. */
  setMeta(values: Readonly<Record<string, number>>): void {
    this.setMetaAll(Object.entries(values));
  }

  durability(): StoreDurability {
    return {
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
    };
  }

  /** A cheap read that fails when the file has become unreadable (for /readyz). */
  check(): void {
    this.db.prepare('SELECT count(*) FROM schema_migrations').get();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function parse(row: Row | undefined): Order | undefined {
  return row ? (JSON.parse(row.data) as Order) : undefined;
}
