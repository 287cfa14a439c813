import type { PersonStore } from '../store/person-store.js';

/**
 * CCM's persons: who a certificate is for, one per email within a customer. A REST enroll creates or updates its
 * person (names, phone, secondary emails, EPPN, UPN), a SOAP enroll creates one from its username when there is
 * none, and the REST person endpoints create and find them. Ids count up from 1 in the store.
 */

export const VALIDATION_TYPES = ['STANDARD', 'HIGH'] as const;
export type ValidationType = (typeof VALIDATION_TYPES)[number];

export interface Person {
  id: number;
  customerUri: string;
  /** the organization (or department) id it belongs to */
  organizationId: number;
  email: string;
  firstName: string;
  middleName: string;
  lastName: string;
  commonName: string;
  phone: string;
  secondaryEmails: string[];
  eppn: string;
  upn: string;
  validationType: ValidationType;
  createdAt: number;
  createdBy: string;
  modifiedAt: number;
  modifiedBy: string;
}

/** What an enrollment or a create request says about a person. */
export type PersonDetails = Partial<
  Pick<
    Person,
    | 'firstName'
    | 'middleName'
    | 'lastName'
    | 'commonName'
    | 'phone'
    | 'secondaryEmails'
    | 'eppn'
    | 'upn'
    | 'validationType'
  >
>;

/** A username (SOAP's subject CN) as a first and a last name: the last word is the last name. */
export function namesOf(username: string): { firstName: string; lastName: string } {
  const words = username.trim().split(/\s+/);
  const lastName = words.length > 1 ? words.pop()! : '';
  return { firstName: words.join(' '), lastName };
}

export class Persons {
  private nextId = 0;

  constructor(
    private readonly store: PersonStore,
    private readonly now: () => number,
  ) {}

  byEmail(customerUri: string, email: string): Person | undefined {
    return this.store.byEmail(customerUri, email);
  }

  get(customerUri: string, id: number): Person | undefined {
    return this.store.get(customerUri, id);
  }

  /** A new person; the caller checked that the email has none. */
  create(customerUri: string, organizationId: number, email: string, details: PersonDetails, by: string): Person {
    const now = this.now();
    const person: Person = {
      id: this.allocateId(),
      customerUri,
      organizationId,
      email,
      firstName: '',
      middleName: '',
      lastName: '',
      commonName: '',
      phone: '',
      secondaryEmails: [],
      eppn: '',
      upn: '',
      validationType: 'STANDARD',
      ...definedOnly(details),
      createdAt: now,
      createdBy: by,
      modifiedAt: now,
      modifiedBy: by,
    };
    this.store.save(person);
    return person;
  }

  /** The enrollment's person: updated with what the enrollment says (`update`), or created. */
  enrolled(
    customerUri: string,
    organizationId: number,
    email: string,
    details: PersonDetails,
    by: string,
    update: boolean,
  ): Person {
    const existing = this.store.byEmail(customerUri, email);
    if (!existing) return this.create(customerUri, organizationId, email, details, by);
    if (!update) return existing;
    const person: Person = {
      ...existing,
      ...definedOnly(details),
      organizationId,
      modifiedAt: this.now(),
      modifiedBy: by,
    };
    this.store.save(person);
    return person;
  }

  /** A full reset: ids start again from 1 (above any person still stored). */
  reset(): void {
    this.nextId = 0;
  }

  private allocateId(): number {
    if (this.nextId === 0) this.nextId = this.store.maxId() + 1;
    return this.nextId++;
  }
}

function definedOnly(details: PersonDetails): PersonDetails {
  const out: PersonDetails = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
  return out;
}
