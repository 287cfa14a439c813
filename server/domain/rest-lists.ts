import {
  REST_LIMITS,
  type CertificateInfo,
  type CertificateListItem,
  type ListQuery,
} from '../../wsdl/rest/schemas.js';
import type { OrderStore } from '../store/order-store.js';
import type { Accounts, Principal } from './accounts.js';
import type { Clock } from './clock.js';
import type { OrderLifecycle } from './lifecycle.js';
import type { Order } from './orders.js';
import type { Persons } from './persons.js';
import { RestDirectory } from './rest-accounts.js';
import type { RestLookups } from './rest-lookups.js';
import { refuse, type Outcome } from './rest-outcomes.js';
import { certificateInfo, listItem, restState } from './rest-views.js';

/**
 * The REST API's views of many certificates and of one: the filtered, paged list (and its count), a person's
 * certificates, a certificate's details. Only the organizations the admin may act for are shown; an order whose
 * next step has fallen due is brought up to date (and saved) before it is shown or filtered by state.
 */

export interface ListPage {
  items: CertificateListItem[];
  /** every match, for X-Total-Count */
  total: number;
}

export interface RestListsDeps {
  accounts: Accounts;
  store: OrderStore;
  clock: Clock;
  lifecycle: OrderLifecycle;
  persons: Persons;
  lookups: RestLookups;
  /** the term of a SOAP order (which names none), in days */
  validityDays: number;
}

export class RestLists {
  constructor(private readonly deps: RestListsDeps) {}

  details(principal: Principal, id: number): Outcome<CertificateInfo> {
    const found = this.deps.lookups.byCertId('smime.details', principal, id);
    if ('refusal' in found) return found;
    const order = found.value;
    const profile = this.profileOf(principal, order);
    const term = order.rest?.term ?? this.deps.validityDays;
    return { value: certificateInfo(order, profile, term, this.deps.clock.now()) };
  }

  /** The customer's certificates matching the filters, newest first, a page of them, and how many match. */
  list(principal: Principal, q: ListQuery): Outcome<ListPage> {
    const found = this.matching(principal, q);
    if ('refusal' in found) return found;
    const position = q.position ?? 0;
    // the largest page a list answers, whatever `size` asks for
    const size = Math.min(q.size ?? REST_LIMITS.pageSize, REST_LIMITS.pageSize);
    const now = this.deps.clock.now();
    return {
      value: {
        items: found.value.slice(position, position + size).map((o) => listItem(o, now)),
        total: found.value.length,
      },
    };
  }

  listByPersonEmail(principal: Principal, email: string): Outcome<CertificateListItem[]> {
    if (!this.deps.persons.byEmail(principal.customer.customerLoginUri, email))
      return refuse({ situation: 'person-not-found', ref: email });
    return this.everything(principal, { email });
  }

  listByPersonId(principal: Principal, personId: number): Outcome<CertificateListItem[]> {
    return this.everything(principal, { personId });
  }

  private everything(principal: Principal, q: ListQuery): Outcome<CertificateListItem[]> {
    const found = this.matching(principal, q);
    if ('refusal' in found) return found;
    const now = this.deps.clock.now();
    return { value: found.value.map((o) => listItem(o, now)) };
  }

  /** An order's profile: its own (REST), or its organization's default (SOAP names none). */
  private profileOf(principal: Principal, order: Order) {
    return new RestDirectory(principal.customer).profileOfOrder(order);
  }

  /** Every order the filters match, of the organizations the admin may act for, each brought up to date. */
  private matching(principal: Principal, q: ListQuery): Outcome<Order[]> {
    const { accounts, store, persons, lifecycle, lookups } = this.deps;
    const customerUri = principal.customer.customerLoginUri;
    let email = q.email;
    if (q.personId !== undefined) {
      const person = persons.get(customerUri, q.personId);
      if (!person) return refuse({ situation: 'person-not-found', ref: String(q.personId) });
      if (email !== undefined && email.toLowerCase() !== person.email.toLowerCase()) return { value: [] };
      email = person.email;
    }
    let candidates: Order[];
    if (q.backendCertId !== undefined) {
      const order = lookups.ownByBackendId(principal, q.backendCertId);
      candidates = order ? [order] : [];
    } else if (q.serialNumber !== undefined) {
      const order = lookups.ownBySerial(principal, q.serialNumber);
      candidates = order ? [order] : [];
    } else {
      candidates = store.list({ customerUri, ...(email !== undefined ? { email } : {}) });
    }
    const now = this.deps.clock.now();
    const out: Order[] = [];
    for (const order of candidates) {
      if (email !== undefined && order.email.toLowerCase() !== email.toLowerCase()) continue;
      if (!accounts.mayActFor(principal.admin, order.orgId)) continue;
      if (isDue(order, now)) lifecycle.advance(order, false);
      if (q.state && restState(order, now) !== q.state) continue;
      if (q.certTypeId !== undefined && this.profileOf(principal, order).id !== q.certTypeId) continue;
      // ccm-mock keeps no keys: nothing is in a key vault
      if (q.keyVault === 'true') continue;
      out.push(order);
    }
    return { value: out };
  }
}

/** Whether an order has a step that is due now (only those need bringing up to date, and a write). */
function isDue(order: Order, now: number): boolean {
  const next = order.next;
  return (
    !!next && ((next.at !== undefined && next.at <= now) || (next.afterPolls !== undefined && next.afterPolls <= 0))
  );
}
