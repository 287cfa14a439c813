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
 * New orders, whichever API enrolls them: the order number (a seeded start, counting up above anything stored),
 * the order as stored, its person (created, or updated by a REST enrollment), and its start in the lifecycle.
 * Both APIs' numbers come from the one sequence, so a SOAP orderNumber and a REST backendCertId never collide.
 */

/** Per-call facts from the transport the domain needs. */
export interface CallContext {
  /** the base URL the client reached the mock at; issued certificates' CRL/AIA URLs point there */
  baseUrl: string;
}

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
  private nextNumber = 0;

  constructor(private readonly deps: OrderIntakeDeps) {}

  private allocateOrderNumber(): number {
    if (this.nextNumber === 0) {
      // a seeded starting point, continuing above anything already stored
      const base = this.deps.random.stream('order-numbers').int(1_000_000, 8_999_999);
      this.nextNumber = Math.max(base, this.deps.store.maxOrderNumber() + 1);
    }
    return this.nextNumber++;
  }

  /** A new order, saved and on its way (an order issued on the spot is issued before the client hears its number). */
  create(n: NewOrder): Order | Promise<Order> {
    const { principal, org } = n;
    const now = this.deps.clock.now();
    const customerUri = principal.customer.customerLoginUri;
    const department = n.department ?? this.deps.accounts.departmentOf(org, n.email);
    const order: Order = {
      orderNumber: this.allocateOrderNumber(),
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

  /** A full reset: order numbers start again from the seed's first draw (above any order still stored). */
  reset(): void {
    this.nextNumber = 0;
  }
}
