import type { OperationName } from '../../wsdl/contract.js';
import { Status } from '../../wsdl/status-codes.js';
import type {
  CollectArgs,
  EnrollArgs,
  EnrollUsingKUTemplatesArgs,
  GetCollectStatusArgs,
  GetKUTemplatesArgs,
  KUTemplate,
  RevokeAllByPersonArgs,
  RevokeArgs,
  RevokeBySerialNumberArgs,
  SMIMECollectResponse,
} from '../../wsdl/types.js';
import { RecentBundles, type CertificateFormat } from '../ca/bundle.js';
import { CsrRejected, parseCsr, type CsrProblem, type ParsedCsr } from '../ca/csr.js';
import type { TestCa } from '../ca/test-ca.js';
import type { OrderStore } from '../store/order-store.js';
import type { Accounts, KuTemplate, Organization, Principal } from './accounts.js';
import type { Clock } from './clock.js';
import { scriptTags } from '../../wsdl/script-tags.js';
import type { OrderLifecycle } from './lifecycle.js';
import type { Order, OrderState } from './orders.js';
import type { SeededRandom } from './random.js';
import { usernameProblem } from './leaf-subject.js';
import { canonicalSerial, isValidEmail, isValidUsername, LIMITS } from './rules.js';

/**
 * The CCM domain: the nine EPKIManager operations over typed arguments, answering the catalog's codes.
 * It never sees XML; the SOAP front end hands it what the wire carried (missing elements as undefined).
 */

export interface ServiceSettings {
  certificateFormat: CertificateFormat;
  /** the string getWebServiceInfo answers */
  serviceInfo: string;
}

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

/** A hook that may answer a call with a code before the domain does (fault injection). */
export interface CodeInjector {
  codeFor(customerUri: string, operation: OperationName): number | undefined;
}

export interface EpkiServiceDeps {
  accounts: Accounts;
  store: OrderStore;
  /** the collect bundle's chain */
  ca: TestCa;
  clock: Clock;
  /** the order numbers' seeded stream */
  random: SeededRandom;
  /** every change of an order's state */
  lifecycle: OrderLifecycle;
  settings: ServiceSettings;
  injector?: CodeInjector;
}

const CSR_PROBLEM_CODES: Record<CsrProblem, number> = {
  'not-base64': Status.CSR_NOT_BASE64,
  undecodable: Status.CSR_CANNOT_BE_DECODED,
  'unsupported-algorithm': Status.CSR_UNSUPPORTED_ALGORITHM,
  'unsupported-key-size': Status.CSR_UNSUPPORTED_KEY_SIZE,
  'bad-signature': Status.CSR_INVALID_SIGNATURE,
  'bad-country': Status.INVALID_COUNTRY,
};

/** The collect code for an order in each state, and what getCollectStatus answers for it. */
const COLLECT_CODE: Record<OrderState, number> = {
  processing: Status.PROCESSING,
  issuing: Status.PROCESSING,
  'awaiting-payment': Status.AWAITING_PAYMENT,
  issued: Status.AVAILABLE,
  rejected: Status.REJECTED,
  revoked: Status.REVOKED,
};
const STATUS_CODE: Record<OrderState, number> = { ...COLLECT_CODE, 'awaiting-payment': Status.PROCESSING };

/** What revoke answers for an order that cannot be revoked, by state. */
const REVOKE_REFUSAL: Partial<Record<OrderState, number>> = {
  processing: Status.BEING_ISSUED,
  issuing: Status.BEING_ISSUED,
  'awaiting-payment': Status.BEING_ISSUED,
  rejected: Status.REJECTED,
  revoked: Status.REVOKED,
};

/** revokeAllByPerson with nothing valid to revoke answers the first of these its orders give: a retry may yet help, then why not */
const PERSON_REFUSALS: readonly number[] = [Status.BEING_ISSUED, Status.REVOKED, Status.REJECTED];

type Outcome<T> = { code: number } | T;
const isCode = (x: unknown): x is { code: number } => typeof x === 'object' && x !== null && 'code' in x;

export class EpkiService {
  private readonly bundles: RecentBundles;

  constructor(private readonly deps: EpkiServiceDeps) {
    this.bundles = new RecentBundles(deps.settings.certificateFormat);
  }

  private get store(): OrderStore {
    return this.deps.store;
  }

  // ---- access checks shared by the operations ----

  /** authData, then the customer's configuration, then injected faults. */
  private admit(op: OperationName, authData: EnrollArgs['authData'], ctx: CallContext | undefined): Outcome<Principal> {
    const principal = this.deps.accounts.authenticate(authData);
    if (!principal) return { code: Status.INVALID_AUTH_DATA };
    if (ctx) ctx.customer = principal.customer.customerLoginUri;
    if (this.deps.accounts.forbids(principal.customer, op)) return { code: Status.CUSTOMER_CONFIGURATION_FORBIDS };
    const injected = this.deps.injector?.codeFor(principal.customer.customerLoginUri, op);
    if (injected !== undefined) return { code: injected };
    return principal;
  }

  /** An organization's own gate: may this admin act for it, is it suspended, does it forbid the operation. */
  private orgGate(op: OperationName, principal: Principal, org: Organization): number | undefined {
    if (!this.deps.accounts.mayActFor(principal.admin, org.orgId)) return Status.PERMISSION_DENIED;
    if (this.deps.accounts.isSuspended(org)) return Status.INVALID_ORG_AUTH;
    if (this.deps.accounts.forbids(principal.customer, op, org)) return Status.CUSTOMER_CONFIGURATION_FORBIDS;
    return undefined;
  }

  /** An order the caller may act on, brought up to date (and counted as a poll when `poll`). */
  private accessOrder(
    op: OperationName,
    principal: Principal,
    orderNumber: number | undefined,
    poll: boolean,
  ): Outcome<Order> {
    if (orderNumber === undefined || orderNumber <= 0) return { code: Status.INVALID_ORDER_NUMBER };
    // looked up within the caller's customer: another customer's order is not read at all, so it answers -2 (never
    // -16) as fast as a number never issued
    const order = this.store.get(orderNumber, principal.customer.customerLoginUri);
    if (!order) return { code: Status.ORDER_NUMBER_NOT_FOUND };
    return this.gateOrder(op, principal, order, poll);
  }

  private gateOrder(op: OperationName, principal: Principal, order: Order, poll: boolean): Outcome<Order> {
    const org = this.deps.accounts.organization(principal.customer, order.orgId);
    if (!org) return { code: Status.ORDER_NUMBER_NOT_FOUND };
    const refused = this.orgGate(op, principal, org);
    if (refused !== undefined) return { code: refused };
    if (this.deps.lifecycle.failsOnce(order, op)) return { code: Status.UNKNOWN_ERROR };
    this.deps.lifecycle.advance(order, poll);
    return order;
  }

  // ---- enrollment ----

  enroll(args: EnrollArgs, ctx: CallContext): number | Promise<number> {
    return this.enrollWith('enroll', args, [], ctx);
  }

  enrollUsingKUTemplates(args: EnrollUsingKUTemplatesArgs, ctx: CallContext): number | Promise<number> {
    return this.enrollWith('enrollUsingKUTemplates', args, args.kuTemplate ?? [], ctx);
  }

  private enrollWith(
    op: OperationName,
    args: EnrollArgs,
    requested: KUTemplate[],
    ctx: CallContext,
  ): number | Promise<number> {
    const principal = this.admit(op, args.authData, ctx);
    if (isCode(principal)) return principal.code;
    const { accounts } = this.deps;
    const org = args.orgId === undefined ? undefined : accounts.organization(principal.customer, args.orgId);
    // no length check: stored keys have at most LIMITS.secretKey characters (the accounts schema), so a longer one never matches
    if (!org || !accounts.checkSecretKey(org, args.secretKey)) {
      return Status.INVALID_ORG_AUTH;
    }
    const refused = this.orgGate(op, principal, org);
    if (refused !== undefined) return refused;
    if (!isValidUsername(args.username)) return Status.INVALID_USERNAME;
    if (!isValidEmail(args.email)) return Status.INVALID_EMAIL;
    if (!accounts.emailDomainAllowed(org, args.email)) return Status.DOMAIN_NOT_ALLOWED;
    // the username names the certificate's subject: it may carry no mailbox but the validated one
    if (usernameProblem(org, args.username, args.email)) return Status.INVALID_USERNAME;

    const templates: KuTemplate[] = [];
    for (const t of requested) {
      const template = t.shortName === undefined ? undefined : accounts.template(principal.customer, t.shortName);
      if (!template) return Status.TEMPLATE_NOT_ALLOWED_FOR_CUSTOMER;
      if (template.retired) return Status.TEMPLATE_RETIRED;
      if (!org.templates.includes(template.shortName)) return Status.TEMPLATE_NOT_AVAILABLE_FOR_ORG;
      templates.push(template);
    }

    // the guide's limit is on the argument's text, headers and line breaks included: a longer text is refused
    // as text (-9), before anything is decoded (-10 would say its DER was read and failed)
    if (args.csr === undefined || args.csr.length > LIMITS.csr) return Status.CSR_NOT_BASE64;
    let csr: ParsedCsr;
    try {
      csr = parseCsr(args.csr);
    } catch (err) {
      if (err instanceof CsrRejected) return CSR_PROBLEM_CODES[err.problem];
      throw err;
    }
    const order = this.createOrder(principal, org, args.username, args.email, csr, templates, ctx);
    return order instanceof Promise ? order.then((o) => o.orderNumber) : order.orderNumber;
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
      if (!this.store.get(n)) return n;
    }
  }

  /** A new order, saved and on its way (an order issued on the spot is issued before the client hears its number). */
  private createOrder(
    principal: Principal,
    org: Organization,
    username: string,
    email: string,
    csr: ParsedCsr,
    templates: KuTemplate[],
    ctx: CallContext,
  ): Order | Promise<Order> {
    const now = this.deps.clock.now();
    const order: Order = {
      orderNumber: this.allocateOrderNumber(principal.customer.customerLoginUri),
      customerUri: principal.customer.customerLoginUri,
      orgId: org.orgId,
      department: this.deps.accounts.departmentOf(org, email),
      admin: principal.admin.login,
      username,
      email,
      csr: csr.der.toString('base64'),
      templates: templates.map((t) => t.shortName),
      baseUrl: ctx.baseUrl,
      state: 'processing',
      tags: scriptTags(email),
      polls: 0,
      createdAt: now,
      updatedAt: now,
      history: [{ at: now, state: 'processing', note: `enrolled by ${principal.admin.login}` }],
    };
    return this.deps.lifecycle.start(order, org, csr);
  }

  /** A full reset (the seed's streams start over with it: the same order numbers and serials are drawn again). */
  reset(): void {
    // the same seed draws the same serials again
    this.bundles.clear();
  }

  // ---- collection ----

  getCollectStatus(args: GetCollectStatusArgs, ctx?: CallContext): number {
    const principal = this.admit('getCollectStatus', args.authData, ctx);
    if (isCode(principal)) return principal.code;
    const order = this.accessOrder('getCollectStatus', principal, args.orderNumber, true);
    return isCode(order) ? order.code : STATUS_CODE[order.state];
  }

  collect(args: CollectArgs, ctx?: CallContext): SMIMECollectResponse {
    const principal = this.admit('collect', args.authData, ctx);
    if (isCode(principal)) return { statusCode: principal.code };
    const order = this.accessOrder('collect', principal, args.orderNumber, true);
    if (isCode(order)) return { statusCode: order.code };
    const statusCode = COLLECT_CODE[order.state];
    if (statusCode !== Status.AVAILABLE || !order.certificate) return { statusCode };
    const { ca } = this.deps;
    const { serial, der } = order.certificate;
    return {
      statusCode,
      certificate: this.bundles.of(serial, der, () => ca.issuingFor(order.baseUrl).der, ca.root.der),
    };
  }

  // ---- revocation ----

  revoke(args: RevokeArgs, ctx?: CallContext): number {
    const principal = this.admit('revoke', args.authData, ctx);
    if (isCode(principal)) return principal.code;
    if (args.orderNumber === undefined || args.orderNumber <= 0) return Status.INVALID_ORDER_NUMBER;
    if ((args.reason ?? '').length > LIMITS.reason) return Status.INVALID_REASON;
    const order = this.accessOrder('revoke', principal, args.orderNumber, false);
    if (isCode(order)) return order.code;
    return this.revokeIfIssued(order, args.reason ?? '', 'revoke');
  }

  private revokeIfIssued(order: Order, reason: string, by: string): number {
    const refusal = REVOKE_REFUSAL[order.state];
    if (refusal !== undefined) return refusal;
    this.deps.lifecycle.revoke(order, reason, by);
    return Status.SUCCESS;
  }

  revokeBySerialNumber(args: RevokeBySerialNumberArgs, ctx?: CallContext): number {
    const principal = this.admit('revokeBySerialNumber', args.authData, ctx);
    if (isCode(principal)) return principal.code;
    if ((args.reason ?? '').length > LIMITS.reason) return Status.INVALID_REASON;
    const serial = canonicalSerial(args.serialNumber);
    if (!serial) return Status.INVALID_SERIAL_NUMBER;
    const found = this.store.getBySerial(serial, principal.customer.customerLoginUri);
    if (!found) return Status.SERIAL_NUMBER_NOT_FOUND;
    const order = this.gateOrder('revokeBySerialNumber', principal, found, false);
    if (isCode(order)) return order.code;
    return this.revokeIfIssued(order, args.reason ?? '', 'revokeBySerialNumber');
  }

  revokeAllByPerson(args: RevokeAllByPersonArgs, ctx?: CallContext): number {
    const principal = this.admit('revokeAllByPerson', args.authData, ctx);
    if (isCode(principal)) return principal.code;
    if (!isValidEmail(args.email)) return Status.INVALID_EMAIL;
    const { accounts } = this.deps;
    const org =
      args.org && args.org.length <= LIMITS.org ? accounts.organizationByName(principal.customer, args.org) : undefined;
    if (!org) return Status.INVALID_ORG_OR_DEPARTMENT;
    const dep = args.dep?.trim() ?? '';
    if (dep && (dep.length > LIMITS.dep || !org.departments.some((d) => d.name === dep)))
      return Status.INVALID_ORG_OR_DEPARTMENT;
    const refused = this.orgGate('revokeAllByPerson', principal, org);
    if (refused !== undefined) return refused;
    let revoked = false;
    let refusal: number | undefined;
    for (const order of this.store.findByEmail(principal.customer.customerLoginUri, org.orgId, args.email)) {
      if (dep && order.department !== dep) continue;
      this.deps.lifecycle.advance(order, false);
      const code = this.revokeIfIssued(order, '', 'revokeAllByPerson');
      if (code === Status.SUCCESS) revoked = true;
      else if (refusal === undefined || PERSON_REFUSALS.indexOf(code) < PERSON_REFUSALS.indexOf(refusal))
        refusal = code;
    }
    // nothing valid to revoke: what revoke would answer for the person's orders; a person without any: success
    return revoked ? Status.SUCCESS : (refusal ?? Status.SUCCESS);
  }

  // ---- account information ----

  getKUTemplates(args: GetKUTemplatesArgs, ctx?: CallContext): KUTemplate[] {
    const principal = this.admit('getKUTemplates', args.authData, ctx);
    // the operation returns a bare list: a refused call gets an empty one
    if (isCode(principal)) return [];
    return this.deps.accounts
      .customerTemplates(principal.customer)
      .filter((t) => !t.retired)
      .map(({ shortName, description, keyUsages, extKeyUsages }) => ({
        shortName,
        description,
        keyUsages,
        extKeyUsages,
      }));
  }

  getWebServiceInfo(): string {
    return this.deps.settings.serviceInfo;
  }
}
