import type Database from 'better-sqlite3';
import type { Person } from '../domain/persons.js';
import type { PersonStore } from './person-store.js';

interface Statements {
  save: Database.Statement;
  get: Database.Statement<[number, string], { data: string }>;
  byEmail: Database.Statement<[string, string], { data: string }>;
  max: Database.Statement<[], { n: number | null }>;
  clearAll: Database.Statement<[]>;
  clearCustomer: Database.Statement<[string]>;
  clearAllTx: () => void;
  clearCustomerTx: (customerUri: string) => void;
}

/**
 * Persons in the order store's SQLite file (table `persons`, created by migration 4), stored whole as JSON. The
 * statements are prepared on first use: a store opened at an older schema (a migration test's) never has them.
 */
export class SqlitePersonStore implements PersonStore {
  private statements: Statements | undefined;

  constructor(private readonly db: Database.Database) {}

  private get stmt(): Statements {
    return (this.statements ??= this.prepare());
  }

  private prepare(): Statements {
    const { db } = this;
    const stmt = {
      save: db.prepare(
        `INSERT OR REPLACE INTO persons (id, customer_uri, email_lc, data) VALUES (@id, @customerUri, @emailLc, @data)`,
      ),
      get: db.prepare<[number, string], { data: string }>('SELECT data FROM persons WHERE id = ? AND customer_uri = ?'),
      byEmail: db.prepare<[string, string], { data: string }>(
        'SELECT data FROM persons WHERE customer_uri = ? AND email_lc = ?',
      ),
      max: db.prepare<[], { n: number | null }>(
        "SELECT max(coalesce((SELECT max(id) FROM persons), 0), coalesce((SELECT value FROM meta WHERE key = 'person_id_floor'), 0)) AS n",
      ),
      clearAll: db.prepare<[]>('DELETE FROM persons'),
      clearCustomer: db.prepare<[string]>('DELETE FROM persons WHERE customer_uri = ?'),
    };
    const floor = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('person_id_floor', ?)");
    const clearFloor = db.prepare("DELETE FROM meta WHERE key = 'person_id_floor'");
    return {
      ...stmt,
      clearAllTx: db.transaction(() => {
        stmt.clearAll.run();
        clearFloor.run();
      }),
      clearCustomerTx: db.transaction((customerUri: string) => {
        floor.run(this.maxId());
        stmt.clearCustomer.run(customerUri);
      }),
    };
  }

  save(person: Person): void {
    this.stmt.save.run({
      id: person.id,
      customerUri: person.customerUri,
      emailLc: person.email.toLowerCase(),
      data: JSON.stringify(person),
    });
  }

  get(customerUri: string, id: number): Person | undefined {
    const row = this.stmt.get.get(id, customerUri);
    return row && (JSON.parse(row.data) as Person);
  }

  byEmail(customerUri: string, email: string): Person | undefined {
    const row = this.stmt.byEmail.get(customerUri, email.toLowerCase());
    return row && (JSON.parse(row.data) as Person);
  }

  maxId(): number {
    return this.stmt.max.get()?.n ?? 0;
  }

  clear(customerUri?: string): void {
    if (customerUri === undefined) this.stmt.clearAllTx();
    else this.stmt.clearCustomerTx(customerUri);
  }
}
