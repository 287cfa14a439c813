import { scriptTags } from '../../wsdl/script-tags.js';
import type { ParsedCsr } from '../ca/csr.js';
import type { OrderStore } from '../store/order-store.js';
import type { Accounts, Organization, Principal } from './accounts.js';
import type { Clock } from './clock.js';
import type { OrderLifecycle } from './lifecycle.js';
import type { Api, Order, RestEnrollment } from './orders.js';
import type { PersonDetails, Persons } from './persons.js';
import type { SeededRandom } from './random.js';

/**
 * New orders, whichever API enrolls them: the order number (drawn from the customer's seeded stream), the order
 * as stored, its person (created, or updated by a REST enrollment), and its start in the lifecycle. Both APIs
 * draw from the same stream and skip stored numbers, so a SOAP orderNumber and a REST backendCertId never collide.
 */

/** Per-call facts from the transport the domain needs, and what the domain tells the transport back. */
export interface CallContext {
  /** the base URL the client reached the mock at; issued certificates' CRL/AIA URLs point there */
  baseUrl: string;
  /**
   * Set by the domain once the call's authData authenticates: the customer it acts for. The journal and the
   * log file a call under it; a call that does not authenticate is nobody's (its customerLoginUri is only a claim).
   */
  customer?: string;
}

/** The seeded stream a customer's order numbers are drawn from (one per customer: see allocateOrderNumber). */
export const orderNumberStreamName = (customer: string) => `order-numbers/${customer}`;

/**
 * Order numbers are drawn from [FIRST_ORDER_NUMBER, LAST_ORDER_NUMBER]: seven digits and more, within xs:int,
 * and never xs:int's largest, which the conformance kit asks for as a number no account has.
 */
const FIRST_ORDER_NUMBER = 1_000_000;
const LAST_ORDER_NUMBER = 2 ** 31 - 2;

export interface NewOrder {
  api: Api;
  principal: Principal;
  org: Organization;
  /** the department a REST enrollment named by id (default: the one the fixture places the email in) */
  department?: string;
  /** the subject CN */
  username: string;
  email: string;
  /** the checked CSR, or for a renewal one made of the renewed certificate's key */
  csr: ParsedCsr;
  /** a renewal keeps no CSR: the key it is issued for, base64 DER SubjectPublicKeyInfo */
  publicKey?: string;
  /** KU/EKU template shortNames */
  templates: string[];
  rest?: RestEnrollment;
  /** what the enrollment says of its person; `update`: replace what the person holds (REST), or only create */
  person: { details: PersonDetails; update: boolean };
  ctx: CallContext;
}

export interface OrderIntakeDeps {
  accounts: Accounts;
  store: OrderStore;
  clock: Clock;
  random: SeededRandom;
  lifecycle: OrderLifecycle;
  persons: Persons;
}

export class OrderIntake {
  private lastSeq = 0;

  constructor(private readonly deps: OrderIntakeDeps) {}

  /**
   * The order's enrolledSeq: real microseconds, kept increasing. Real time, not the mock's clock, because it breaks
   * ties where the mock's clock stands still; it only orders enrollments, so it never makes an answer differ.
   */
  private nextSeq(): number {
    this.lastSeq = Math.max(Date.now() * 1000, this.lastSeq + 1);
    return this.lastSeq;
  }

  /**
   * A new order number: drawn from the customer's own seeded stream, skipping any number stored. Numbers are
   * neither sequential nor shared across customers, so one customer learns nothing of another's traffic, and
   * the same seed gives a customer the same numbers whatever other customers do (a collision with another's
   * order, one in millions, is the only exception). A full reset or the customer's own starts its draws over.
   */
  private allocateOrderNumber(customerUri: string): number {
    const stream = this.deps.random.stream(orderNumberStreamName(customerUri));
    for (;;) {
      const n = stream.int(FIRST_ORDER_NUMBER, LAST_ORDER_NUMBER);
      if (!this.deps.store.get(n)) return n;
    }
  }

  /** A new order, saved and on its way (an order issued on the spot is issued before the client hears its number). */
  create(n: NewOrder): Order | Promise<Order> {
    const { principal, org } = n;
    const now = this.deps.clock.now();
    const customerUri = principal.customer.customerLoginUri;
    const department = n.department ?? this.deps.accounts.departmentOf(org, n.email);
    const order: Order = {
      orderNumber: this.allocateOrderNumber(customerUri),
      api: n.api,
      customerUri,
      orgId: org.orgId,
      ...(department !== undefined ? { department } : {}),
      admin: principal.admin.login,
      username: n.username,
      email: n.email,
      csr: n.publicKey === undefined ? n.csr.der.toString('base64') : '',
      ...(n.publicKey !== undefined ? { publicKey: n.publicKey } : {}),
      templates: n.templates,
      baseUrl: n.ctx.baseUrl,
      state: 'processing',
      tags: scriptTags(n.email),
      polls: 0,
      createdAt: now,
      enrolledSeq: this.nextSeq(),
      updatedAt: now,
      history: [
        { at: now, state: 'processing', note: `enrolled by ${principal.admin.login} (${n.api.toUpperCase()})` },
      ],
      ...(n.rest ? { rest: n.rest } : {}),
    };
    this.deps.persons.enrolled(
      customerUri,
      org.orgId,
      n.email,
      n.person.details,
      principal.admin.login,
      n.person.update,
    );
    return this.deps.lifecycle.start(order, org, n.csr);
  }
}
