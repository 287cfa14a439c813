import type { TestCa } from '../ca/test-ca.js';
import { CA_PATHS } from '../ca/urls.js';
import { clockStartMs, type MockConfig } from '../config.js';
import type { Accounts } from '../domain/accounts.js';
import { clockBounds, isoOrNumber, MAX_DURATION_MS, type AdjustableClock } from '../domain/clock.js';
import { orderNumberStreamName, type EpkiService } from '../domain/epki-service.js';
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
import { certificateOf, type Order, type OrderState } from '../domain/orders.js';
import type { SeededRandom } from '../domain/random.js';
import { dueAt, type OrderStore } from '../store/order-store.js';
import { AdminError } from './admin-error.js';
import type { Journal, JournalEntry, JournalFilter } from './journal.js';
import { orderQuerySchema, orgChangeSchema, parseOr400, resetBodySchema } from './schemas.js';

/**
 * The mock's control surface: orders, manual transitions, faults, the clock, the journal, organizations
 * and reset. The admin JSON API and the admin page are thin layers over it, and createMockServer() hands it
 * to TypeScript tests as `admin`, so the three have the same powers. State changes go through the domain.
 */

export { AdminError } from './admin-error.js';

export interface AdminDeps {
  config: MockConfig;
  service: EpkiService;
  lifecycle: OrderLifecycle;
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
      journalBytes: journal.heldBytes,
      journalByteCapacity: config.journalBytes,
      organizations: this.organizations(),
    };
  }

  // ---- orders ----

  /**
   * A page of orders, newest first, each brought up to date. Only the page is read: the store filters and
   * pages, and only orders whose next step has fallen due are advanced (and written). With a state filter the
   * store also hands over the due orders in other states, which may be about to enter it, a batch at a time.
   */
  orders(query: OrderQuery | Record<string, unknown> = {}): OrderSummary[] {
    const q = parseOr400(orderQuerySchema, query);
    const now = this.deps.clock.now();
    const filter = {
      ...(q.customer !== undefined ? { customerUri: q.customer } : {}),
      ...(q.org !== undefined ? { orgId: q.org } : {}),
      ...(q.email !== undefined ? { email: q.email } : {}),
    };
    const offset = q.offset ?? 0;
    const wanted = offset + (q.limit ?? 100);
    const upToDate = (o: Order) => {
      const due = dueAt(o);
      if (due !== undefined && due <= now) this.deps.lifecycle.advance(o, false);
      return o;
    };
    if (q.state === undefined)
      return this.deps.store.list({ ...filter, offset, limit: wanted - offset }).map((o) => this.summary(upToDate(o)));
    const found: Order[] = [];
    let after: Order | undefined;
    while (found.length < wanted) {
      const batch = this.deps.store.list({
        ...filter,
        state: q.state,
        dueBy: now,
        after,
        limit: wanted - found.length,
      });
      for (const o of batch) if (upToDate(o).state === q.state) found.push(o);
      if (batch.length === 0) break;
      after = batch[batch.length - 1];
    }
    return found.slice(offset).map((o) => this.summary(o));
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
    return this.queueFaults([spec])[0];
  }

  /** Queue several faults: all of them, or none (a bad spec, or more than faultLimit allows). */
  queueFaults(specs: readonly unknown[]): FaultView[] {
    try {
      return this.deps.faults.addAll(specs).map(faultView);
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

  /**
   * Move the mock's clock forward: milliseconds, or a duration like "90s", "2h", "400d"; at most MAX_DURATION_MS,
   * and never past the end of the issuing CA's validity (certificates issued then would not verify).
   */
  advanceClock(by: number | string): ClockView {
    const refuse = (why: string): never => {
      throw new AdminError(400, `cannot advance the clock by ${JSON.stringify(by)}: ${why}`);
    };
    let ms = 0;
    try {
      const d = parseDelay(by);
      if (d.kind !== 'fixed') throw new Error('a duration, not a range or a number of polls');
      ms = d.ms;
    } catch (err) {
      refuse(`${(err as Error).message} (e.g. 90000, "90s", "2h", "400d")`);
    }
    if (ms > MAX_DURATION_MS) refuse(`at most ${MAX_DURATION_MS} ms (100 years) at once`);
    const { to } = clockBounds(this.deps.ca);
    const target = this.deps.clock.now() + ms;
    if (target > to)
      refuse(
        `the clock would read ${isoOrNumber(target)}, after the issuing CA's validity ends (${iso(to)}); certificates issued then would not verify`,
      );
    this.deps.clock.advance(ms);
    return this.clock();
  }

  /**
   * Set the mock's clock to an instant, earlier or later (the way back for a clock moved too far): an ISO 8601
   * instant with its zone, or a date; inside the issuing CA's validity. Orders and certificates keep their times.
   */
  setClock(now: string): ClockView {
    let ms: number;
    try {
      ms = clockStartMs(now);
    } catch (err) {
      throw new AdminError(400, `cannot set the clock: ${(err as Error).message.replace(/^clockStart/, 'the time')}`);
    }
    const { from, to } = clockBounds(this.deps.ca);
    if (ms < from || ms > to)
      throw new AdminError(
        400,
        `cannot set the clock to ${iso(ms)}: outside the issuing CA's validity (${iso(from)} to ${iso(to)}), when certificates issued would not verify`,
      );
    this.deps.clock.set(ms);
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
  updateOrganization(orgId: number, change: unknown): OrganizationView {
    const { accounts, lifecycle } = this.deps;
    const found = accounts.organizationById(orgId);
    if (!found) throw new AdminError(404, `organization ${orgId} not found`);
    const c = parseOr400(orgChangeSchema, change);
    let delay: DelaySpec | undefined;
    if (c.delay !== undefined && c.delay !== null) {
      try {
        delay = parseDelay(c.delay);
      } catch (err) {
        throw new AdminError(400, (err as Error).message);
      }
    }
    if (c.suspended !== undefined) accounts.setSuspended(orgId, c.suspended ?? undefined);
    if (c.delay !== undefined) lifecycle.setOrgDelay(orgId, delay);
    return this.organizations().find((o) => o.orgId === orgId)!;
  }

  // ---- reset ----

  /**
   * Back to a fresh start. All: orders, faults, journal, run-time organization settings, and every seeded
   * stream from its start (so the same requests get the same answers again); the clock keeps its time.
   * One customer: its orders, faults, journal entries, its organizations' run-time settings and its own seeded
   * streams (fault and delay draws).
   */
  reset(input: ResetOptions | Record<string, unknown> = {}): { reset: string; seed: string } {
    const options = parseOr400(resetBodySchema, input);
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
      random.restart(orderNumberStreamName(customer.customerLoginUri));
      return { reset: `customer ${customer.customerLoginUri}`, seed: this.seed };
    }
    store.clear();
    faults.clear();
    journal.clear();
    for (const { org } of accounts.listOrganizations()) accounts.setSuspended(org.orgId, undefined);
    service.reset();
    lifecycle.clearDelays();
    random.reseed(options.seed);
    return { reset: 'all', seed: this.seed };
  }
}
