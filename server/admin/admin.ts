import type { TestCa } from '../ca/test-ca.js';
import { CA_PATHS } from '../ca/urls.js';
import type { MockConfig } from '../config.js';
import type { Accounts } from '../domain/accounts.js';
import type { AdjustableClock } from '../domain/clock.js';
import type { EpkiService } from '../domain/epki-service.js';
import { faultStreamName, FaultSpecError, type FaultInjector, type FaultRule } from '../domain/faults.js';
import {
  delayStreamName,
  describeDelay,
  parseDelay,
  type DelaySpec,
  type ManualAction,
  type OrderLifecycle,
} from '../domain/lifecycle.js';
import {
  allowedActions,
  applyAction,
  observeOrder,
  OrderNotFound,
  TransitionRefused,
} from '../domain/order-actions.js';
import { certificateOf, ORDER_STATES, type Api, type Order, type OrderState } from '../domain/orders.js';
import type { Persons } from '../domain/persons.js';
import type { SeededRandom } from '../domain/random.js';
import type { OrderStore } from '../store/order-store.js';
import type { Journal, JournalEntry, JournalFilter } from './journal.js';

/**
 * The mock's control surface: orders, manual transitions, faults, the clock, the journal, organizations
 * and reset. The admin JSON API and the admin page are thin layers over it, and createMockServer() hands it
 * to TypeScript tests as `admin`, so the three have the same powers. State changes go through the domain.
 */

/** An admin request that cannot be done; `status` is the HTTP status the JSON API answers with. */
export class AdminError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface AdminDeps {
  config: MockConfig;
  service: EpkiService;
  lifecycle: OrderLifecycle;
  persons: Persons;
  store: OrderStore;
  accounts: Accounts;
  clock: AdjustableClock;
  random: SeededRandom;
  faults: FaultInjector;
  journal: Journal;
  ca: TestCa;
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface OrderSummary {
  orderNumber: number;
  /** the API that made the order: soap or rest */
  api: Api;
  customer: string;
  orgId: number;
  orgName?: string;
  department?: string;
  /** the admin login that enrolled */
  enrolledBy: string;
  username: string;
  email: string;
  state: OrderState;
  /** scripted outcome tags from the email */
  tags: string[];
  /** status polls answered while the order still had a step ahead */
  polls: number;
  /** the next scheduled transition */
  next?: { to: OrderState; at?: string; afterPolls?: number };
  serial?: string;
  createdAt: string;
  updatedAt: string;
  /** what the admin may do to it now */
  actions: ManualAction[];
}

export interface CertificateView {
  serial: string;
  subject: string;
  issuer: string;
  subjectAltName?: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
  /** extended key usage OIDs */
  extKeyUsage?: string[];
  pem: string;
}

export interface OrderDetail extends OrderSummary {
  templates: string[];
  /** a REST enrollment's profile, term, person details and custom fields */
  rest?: Order['rest'];
  baseUrl: string;
  certificate?: CertificateView;
  revocation?: { at: string; reason: string; reasonCode: number; by: string };
  history: { at: string; state: OrderState; note: string }[];
}

export interface OrderQuery {
  customer?: string;
  org?: number;
  email?: string;
  state?: OrderState;
  limit?: number;
  offset?: number;
}

export interface OrganizationView {
  customer: string;
  orgId: number;
  name: string;
  suspended: boolean;
  /** the delay new orders of this organization get */
  delay: string;
}

export interface ClockView {
  now: string;
  /** how far the mock's clock is ahead of real time (negative: behind) */
  offsetMs: number;
  /** time moves only when advanced (config clockFrozen) */
  frozen: boolean;
}

/** A queued fault as the API shows it. */
export type FaultView = Omit<FaultRule, 'createdAt'> & { createdAt: string };

const faultView = (r: FaultRule): FaultView => ({ ...r, createdAt: iso(r.createdAt) });

export interface ResetOptions {
  /** only this customer's orders, faults and journal entries (and its organizations' run-time settings) */
  customer?: string;
  /** a full reset may start from a new seed */
  seed?: string;
}

export class MockAdmin {
  constructor(private readonly deps: AdminDeps) {}

  get seed(): string {
    return this.deps.random.seed;
  }

  // ---- overview ----

  info() {
    const { config, store, journal, faults } = this.deps;
    return {
      service: 'ccm-mock',
      seed: this.seed,
      clock: this.clock(),
      defaultDelay: describeDelay(parseDelay(config.delay)),
      adminTokenRequired: config.adminToken !== undefined,
      ca: {
        rootPem: CA_PATHS.rootPem,
        intermediatePem: CA_PATHS.intermediatePem,
        chainPem: CA_PATHS.chainPem,
        rootCer: CA_PATHS.rootCer,
        intermediateCer: CA_PATHS.intermediateCer,
        intermediateCrl: CA_PATHS.intermediateCrl,
        rootCrl: CA_PATHS.rootCrl,
        ocsp: CA_PATHS.ocsp,
        origin: this.deps.ca.origin,
      },
      orders: store.count(),
      faults: faults.list().map(faultView),
      journalEntries: journal.size,
      journalCapacity: config.journalSize,
      organizations: this.organizations(),
    };
  }

  // ---- orders ----

  orders(query: OrderQuery = {}): OrderSummary[] {
    if (query.state !== undefined && !ORDER_STATES.includes(query.state))
      throw new AdminError(400, `state must be one of ${ORDER_STATES.join(', ')}`);
    const found = this.deps.store.list({
      ...(query.customer !== undefined ? { customerUri: query.customer } : {}),
      ...(query.org !== undefined ? { orgId: query.org } : {}),
      ...(query.email !== undefined ? { email: query.email } : {}),
    });
    const out: OrderSummary[] = [];
    for (const o of found) {
      // bring each up to date (a delay may have elapsed), then filter by the state it is in now
      this.deps.lifecycle.advance(o, false);
      if (query.state === undefined || o.state === query.state) out.push(this.summary(o));
    }
    const start = query.offset ?? 0;
    return out.slice(start, start + (query.limit ?? 100));
  }

  order(orderNumber: number): OrderDetail {
    return this.detail(this.guard(() => observeOrder(this.deps.lifecycle, orderNumber)));
  }

  approve(orderNumber: number, note?: string): OrderDetail {
    return this.act(orderNumber, 'approve', note);
  }

  reject(orderNumber: number, note?: string): OrderDetail {
    return this.act(orderNumber, 'reject', note);
  }

  pay(orderNumber: number, note?: string): OrderDetail {
    return this.act(orderNumber, 'pay', note);
  }

  issue(orderNumber: number, note?: string): OrderDetail {
    return this.act(orderNumber, 'issue', note);
  }

  revoke(orderNumber: number, reason?: string): OrderDetail {
    return this.act(orderNumber, 'revoke', reason);
  }

  act(orderNumber: number, action: ManualAction, text?: string): OrderDetail {
    return this.detail(this.guard(() => applyAction(this.deps.lifecycle, orderNumber, action, text ?? '')));
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof OrderNotFound) throw new AdminError(404, err.message);
      if (err instanceof TransitionRefused) throw new AdminError(409, err.message);
      throw err;
    }
  }

  private summary(o: Order): OrderSummary {
    const customer = this.deps.accounts.customer(o.customerUri);
    const org = customer && this.deps.accounts.organization(customer, o.orgId);
    return {
      orderNumber: o.orderNumber,
      api: o.api,
      customer: o.customerUri,
      orgId: o.orgId,
      ...(org ? { orgName: org.name } : {}),
      ...(o.department !== undefined ? { department: o.department } : {}),
      enrolledBy: o.admin,
      username: o.username,
      email: o.email,
      state: o.state,
      tags: o.tags,
      polls: o.polls,
      ...(o.next
        ? {
            next: {
              to: o.next.to,
              ...(o.next.at !== undefined ? { at: iso(o.next.at) } : {}),
              ...(o.next.afterPolls !== undefined ? { afterPolls: o.next.afterPolls } : {}),
            },
          }
        : {}),
      ...(o.certificate ? { serial: o.certificate.serial } : {}),
      createdAt: iso(o.createdAt),
      updatedAt: iso(o.updatedAt),
      actions: allowedActions(o),
    };
  }

  private detail(o: Order): OrderDetail {
    const x509 = certificateOf(o);
    return {
      ...this.summary(o),
      templates: o.templates,
      ...(o.rest ? { rest: o.rest } : {}),
      baseUrl: o.baseUrl,
      ...(o.certificate && x509
        ? {
            certificate: {
              serial: o.certificate.serial,
              subject: x509.subject.split('\n').join(', '),
              issuer: x509.issuer.split('\n').join(', '),
              ...(x509.subjectAltName ? { subjectAltName: x509.subjectAltName } : {}),
              notBefore: iso(o.certificate.notBefore),
              notAfter: iso(o.certificate.notAfter),
              fingerprint256: x509.fingerprint256,
              ...(x509.keyUsage?.length ? { extKeyUsage: x509.keyUsage } : {}),
              pem: x509.toString(),
            },
          }
        : {}),
      ...(o.revocation ? { revocation: { ...o.revocation, at: iso(o.revocation.at) } } : {}),
      history: o.history.map((h) => ({ at: iso(h.at), state: h.state, note: h.note })),
    };
  }

  // ---- faults ----

  queueFault(spec: unknown): FaultView {
    try {
      return faultView(this.deps.faults.add(spec));
    } catch (err) {
      if (err instanceof FaultSpecError) throw new AdminError(400, err.message);
      throw err;
    }
  }

  faults(customer?: string): FaultView[] {
    return this.deps.faults.list(customer).map(faultView);
  }

  /** Clear queued faults: all, one customer's, or one by id. Returns how many were removed. */
  clearFaults(filter: { customer?: string; id?: number } = {}): number {
    return this.deps.faults.clear(filter);
  }

  // ---- clock ----

  clock(): ClockView {
    return { now: iso(this.deps.clock.now()), offsetMs: this.deps.clock.offset, frozen: this.deps.clock.frozen };
  }

  /** Move the mock's clock forward: milliseconds, or a duration like "90s", "2h", "400d". */
  advanceClock(by: number | string): ClockView {
    let ms: number;
    try {
      const d = parseDelay(by);
      if (d.kind !== 'fixed') throw new Error('a duration, not a range or a number of polls');
      ms = d.ms;
    } catch (err) {
      throw new AdminError(
        400,
        `cannot advance the clock by ${JSON.stringify(by)}: ${(err as Error).message} (e.g. 90000, "90s", "2h", "400d")`,
      );
    }
    this.deps.clock.advance(ms);
    return this.clock();
  }

  // ---- journal ----

  journal(filter: JournalFilter = {}): JournalEntry[] {
    return this.deps.journal.list(filter);
  }

  // ---- organizations ----

  organizations(): OrganizationView[] {
    const { accounts, lifecycle } = this.deps;
    return accounts.listOrganizations().map(({ customer, org }) => ({
      customer: customer.customerLoginUri,
      orgId: org.orgId,
      name: org.name,
      suspended: accounts.isSuspended(org),
      delay: describeDelay(lifecycle.delayFor(org)),
    }));
  }

  /**
   * Change an organization at run time: suspend it (its order operations answer -101) or reinstate it,
   * set its processing delay. `null` returns a setting to the fixture's value.
   */
  updateOrganization(
    orgId: number,
    change: { suspended?: boolean | null; delay?: string | number | null },
  ): OrganizationView {
    const { accounts, lifecycle } = this.deps;
    const found = accounts.organizationById(orgId);
    if (!found) throw new AdminError(404, `organization ${orgId} not found`);
    if (typeof change !== 'object' || change === null)
      throw new AdminError(400, 'give {"suspended": true|false|null} and/or {"delay": "3s"|null}');
    const unknown = Object.keys(change).filter((k) => k !== 'suspended' && k !== 'delay');
    if (unknown.length)
      throw new AdminError(400, `unknown field(s) ${unknown.join(', ')}; an organization has suspended and delay`);
    if (change.suspended !== undefined && change.suspended !== null && typeof change.suspended !== 'boolean')
      throw new AdminError(400, 'suspended must be true, false or null');
    let delay: DelaySpec | undefined;
    if (change.delay !== undefined && change.delay !== null) {
      try {
        delay = parseDelay(change.delay);
      } catch (err) {
        throw new AdminError(400, (err as Error).message);
      }
    }
    if (change.suspended !== undefined) accounts.setSuspended(orgId, change.suspended ?? undefined);
    if (change.delay !== undefined) lifecycle.setOrgDelay(orgId, delay);
    return this.organizations().find((o) => o.orgId === orgId)!;
  }

  // ---- reset ----

  /**
   * Back to a fresh start. All: orders, faults, journal, run-time organization settings, and every seeded
   * stream from its start (so the same requests get the same answers again); the clock keeps its time.
   * One customer: its orders, faults, journal entries, its organizations' run-time settings and its own seeded
   * streams (fault and delay draws).
   */
  reset(options: ResetOptions = {}): { reset: string; seed: string } {
    const { store, faults, journal, accounts, service, lifecycle, random } = this.deps;
    if (options.customer !== undefined) {
      const customer = accounts.customer(options.customer);
      if (!customer)
        throw new AdminError(404, `customer ${JSON.stringify(options.customer)} is not in the accounts fixture`);
      if (options.seed !== undefined)
        throw new AdminError(400, 'a new seed applies to a full reset only (the seed is shared by all customers)');
      store.clear(customer.customerLoginUri);
      faults.clear({ customer: customer.customerLoginUri });
      journal.clear(customer.customerLoginUri);
      for (const org of customer.organizations) {
        accounts.setSuspended(org.orgId, undefined);
        lifecycle.setOrgDelay(org.orgId, undefined);
      }
      random.restart(faultStreamName(customer.customerLoginUri));
      random.restart(delayStreamName(customer.customerLoginUri));
      return { reset: `customer ${customer.customerLoginUri}`, seed: this.seed };
    }
    if (options.seed !== undefined && (typeof options.seed !== 'string' || !/^[\w.-]{1,64}$/.test(options.seed))) {
      throw new AdminError(400, 'seed must be 1-64 letters, digits, dots, dashes or underscores');
    }
    store.clear();
    faults.clear();
    journal.clear();
    for (const { org } of accounts.listOrganizations()) accounts.setSuspended(org.orgId, undefined);
    service.reset();
    this.deps.persons.reset();
    lifecycle.clearDelays();
    random.reseed(options.seed);
    return { reset: 'all', seed: this.seed };
  }
}
