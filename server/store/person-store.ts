import type { Person } from '../domain/persons.js';

/**
 * Where persons live, beside the orders (the same SQLite file with a data directory). Synchronous, like the
 * order store; persons are values (`get` returns a copy). Emails are unique per customer, compared without case.
 */
export interface PersonStore {
  /** insert or replace (by id) */
  save(person: Person): void;
  get(customerUri: string, id: number): Person | undefined;
  byEmail(customerUri: string, email: string): Person | undefined;
  /** the highest id ever stored (0: none) */
  maxId(): number;
  /** drop all persons, or one customer's (ids are not reused while others remain) */
  clear(customerUri?: string): void;
}

/** A person to hand out or keep: its own object and list, nothing shared with the caller's. */
const copy = (p: Person): Person => ({ ...p, secondaryEmails: [...p.secondaryEmails] });

export class MemoryPersonStore implements PersonStore {
  private readonly byId = new Map<number, Person>();
  private readonly byKey = new Map<string, number>();
  private max = 0;

  private key(customerUri: string, email: string): string {
    return `${customerUri}\u0000${email.toLowerCase()}`;
  }

  save(person: Person): void {
    const previous = this.byId.get(person.id);
    if (previous) this.byKey.delete(this.key(previous.customerUri, previous.email));
    this.byId.set(person.id, copy(person));
    this.byKey.set(this.key(person.customerUri, person.email), person.id);
    this.max = Math.max(this.max, person.id);
  }

  get(customerUri: string, id: number): Person | undefined {
    const person = this.byId.get(id);
    return person && person.customerUri === customerUri ? copy(person) : undefined;
  }

  byEmail(customerUri: string, email: string): Person | undefined {
    const id = this.byKey.get(this.key(customerUri, email));
    return id === undefined ? undefined : this.get(customerUri, id);
  }

  maxId(): number {
    return this.max;
  }

  clear(customerUri?: string): void {
    if (customerUri === undefined) {
      this.byId.clear();
      this.byKey.clear();
      this.max = 0;
      return;
    }
    for (const [id, person] of this.byId) {
      if (person.customerUri !== customerUri) continue;
      this.byId.delete(id);
      this.byKey.delete(this.key(person.customerUri, person.email));
    }
  }
}
