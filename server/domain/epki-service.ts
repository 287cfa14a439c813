import { X509Certificate } from 'node:crypto';
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
import { positiveSerial } from '../ca/certificate.js';
import { CsrRejected, parseCsr, type CsrProblem, type ParsedCsr } from '../ca/csr.js';
import { issueLeaf, issueLeafWith, type LeafRequest } from '../ca/issuer.js';
import type { TbsSigner } from '../ca/sign-pool.js';
import type { TestCa } from '../ca/test-ca.js';
import type { OrderStore } from '../store/order-store.js';
import type { Accounts, KuTemplate, Organization, Principal } from './accounts.js';
import type { Clock } from './clock.js';
import {
  delayStreamName,
  initialStep,
  parseDelay,
  scriptOf,
  scriptTags,
  stepOnArrival,
  type DelaySpec,
} from './lifecycle.js';
import { reasonCodeFromText, type IssuedCertificate, type Order, type OrderState } from './orders.js';
import type { SeededRandom } from './random.js';
import { leafSubject, UNKNOWN_ORGANIZATION, usernameProblem } from './leaf-subject.js';
import { canonicalSerial, isValidEmail, isValidUsername, LIMITS } from './rules.js';

/**
 * The CCM domain: the nine EPKIManager operations over typed arguments, answering the catalog's codes.
 * It never sees XML; the SOAP front end hands it what the wire carried (missing elements as undefined).
 */

export interface ServiceSettings {
  certificateFormat: CertificateFormat;
  /** validity of issued certificates, in days */
  validityDays: number;
  /** processing delay for organizations that set none */
  defaultDelay: DelaySpec;
  /** the string getWebServiceInfo answers */
  serviceInfo: string;
}

/** Per-call facts from the transport the domain needs. */
export interface CallContext {
  /** the base URL the client reached the mock at; issued certificates' CRL/AIA URLs point there */
  baseUrl: string;
}

/** A hook that may answer a call with a code before the domain does (fault injection). */
export interface CodeInjector {
  codeFor(customerUri: string, operation: OperationName): number | undefined;
}

export interface EpkiServiceDeps {
  accounts: Accounts;
  store: OrderStore;
  ca: TestCa;
  clock: Clock;
  random: SeededRandom;
  settings: ServiceSettings;
  injector?: CodeInjector;
  /**
   * Signs certificates issued at enroll time off the event loop (the worker pool). Without it, and for
   * every certificate issued later (delays, polls, admin actions), the main thread signs.
   */
  signer?: TbsSigner;
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

const DAY_MS = 24 * 3600 * 1000;

/** Whether order `a` was enrolled before order `b`: created earlier, or at the same instant with a lower number. */
const enrolledBefore = (a: Order, b: Order) =>
  a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.orderNumber < b.orderNumber);

export class EpkiService {
  private nextNumber = 0;
  /** per-organization delays set at run time (admin API), by orgId */
  private readonly delayOverrides = new Map<number, DelaySpec>();
  private readonly bundles: RecentBundles;

  constructor(readonly deps: EpkiServiceDeps) {
    this.bundles = new RecentBundles(deps.settings.certificateFormat);
  }

  private get store(): OrderStore {
    return this.deps.store;
  }

  // ---- access checks shared by the operations ----

  /** authData, then the customer's configuration, then injected faults. */
  private admit(op: OperationName, authData: EnrollArgs['authData']): Outcome<Principal> {
    const principal = this.deps.accounts.authenticate(authData);
    if (!principal) return { code: Status.INVALID_AUTH_DATA };
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
    const order = this.store.get(orderNumber);
    // another customer's order does not exist for this caller: -2, never -16
    if (!order || order.customerUri !== principal.customer.customerLoginUri)
      return { code: Status.ORDER_NUMBER_NOT_FOUND };
    return this.gateOrder(op, principal, order, poll);
  }

  private gateOrder(op: OperationName, principal: Principal, order: Order, poll: boolean): Outcome<Order> {
    const org = this.deps.accounts.organization(principal.customer, order.orgId);
    if (!org) return { code: Status.ORDER_NUMBER_NOT_FOUND };
    const refused = this.orgGate(op, principal, org);
    if (refused !== undefined) return { code: refused };
    if (order.tags.includes('fail14')) {
      order.tags = order.tags.filter((t) => t !== 'fail14');
      this.note(order, order.state, `${op} answered -14 (scripted +fail14)`);
      this.store.save(order);
      return { code: Status.UNKNOWN_ERROR };
    }
    this.advance(order, poll);
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
    const principal = this.admit(op, args.authData);
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

  private allocateOrderNumber(): number {
    if (this.nextNumber === 0) {
      // a seeded starting point, continuing above anything already stored
      const base = this.deps.random.stream('order-numbers').int(1_000_000, 8_999_999);
      this.nextNumber = Math.max(base, this.store.maxOrderNumber() + 1);
    }
    return this.nextNumber++;
  }

  /**
   * A new order, saved. An order issued on the spot has its certificate signed by the signer when there is
   * one: the order number and serial are drawn before the wait (same seed, same numbers), and the order is
   * saved, issued, before the client hears its number.
   */
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
    const tags = scriptTags(email);
    const script = scriptOf(tags);
    const delay = script.delay ?? this.delayFor(org);
    const order: Order = {
      orderNumber: this.allocateOrderNumber(),
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
      tags,
      polls: 0,
      createdAt: now,
      updatedAt: now,
      history: [{ at: now, state: 'processing', note: `enrolled by ${principal.admin.login}` }],
    };
    order.next = initialStep(script, delay, now, this.deps.random.stream(delayStreamName(order.customerUri)));
    const { signer } = this.deps;
    if (
      signer &&
      order.next.to === 'issued' &&
      order.next.afterPolls === undefined &&
      (order.next.at ?? Infinity) <= now
    ) {
      const request = this.leafRequest(order, now, csr);
      return issueLeafWith(this.deps.ca, request, signer).then((der) => {
        order.certificate = this.issued(request, der);
        this.advance(order, false, csr);
        return order;
      });
    }
    this.advance(order, false, csr);
    return order;
  }

  // ---- lifecycle ----

  /** The processing delay of an organization's new orders: set at run time, in the fixture, or the default. */
  delayFor(org: Organization): DelaySpec {
    return (
      this.delayOverrides.get(org.orgId) ??
      (org.delay !== undefined ? parseDelay(org.delay) : this.deps.settings.defaultDelay)
    );
  }

  /** Set (or, with undefined, drop) an organization's run-time delay. */
  setOrgDelay(orgId: number, delay: DelaySpec | undefined): void {
    if (delay === undefined) this.delayOverrides.delete(orgId);
    else this.delayOverrides.set(orgId, delay);
  }

  /** A full reset: order numbers start again from the seed's first draw (above any order still stored), run-time delays go. */
  reset(): void {
    this.nextNumber = 0;
    this.delayOverrides.clear();
    // the same seed draws the same serials again
    this.bundles.clear();
  }

  /**
   * Apply every due step (a poll counts toward poll-based steps) and save the order. A settled order (no
   * step ahead) is left as it is: its polls are not counted, so polling it costs no write.
   */
  advance(order: Order, poll: boolean, csr?: ParsedCsr): void {
    if (!order.next) return;
    if (poll) order.polls++;
    let pollPending = poll;
    for (let guard = 0; order.next && guard < 8; guard++) {
      const step = order.next;
      const now = this.deps.clock.now();
      let due = step.at !== undefined && step.at <= now;
      if (!due && step.afterPolls !== undefined) {
        if (step.afterPolls <= 0) due = true;
        else if (pollPending) {
          step.afterPolls--;
          pollPending = false;
        }
      }
      if (!due) break;
      this.moveTo(order, step.to, 'scheduled', csr);
    }
    this.store.save(order);
  }

  /** After a change made from outside (the admin API): apply what became due, and save. */
  settle(order: Order): void {
    if (order.next) this.advance(order, false);
    else this.store.save(order);
  }

  /** Enter a state: issue the certificate on the way into "issued", schedule what follows. */
  moveTo(order: Order, state: OrderState, note: string, csr?: ParsedCsr): void {
    const now = this.deps.clock.now();
    if (state === 'issued' && !order.certificate) this.issueCertificate(order, now, csr);
    // the CSR was only needed to issue: an issued order does not carry it (a third of a stored order)
    if (order.certificate) order.csr = '';
    order.state = state;
    order.next = stepOnArrival(order, state, now);
    this.note(order, state, note);
    if (state === 'issued') this.autoRevokePrevious(order);
  }

  private note(order: Order, state: OrderState, note: string): void {
    const now = this.deps.clock.now();
    order.updatedAt = now;
    order.history.push({ at: now, state, note });
  }

  private newSerial(): string {
    const stream = this.deps.random.stream('serials');
    for (;;) {
      const serial = positiveSerial(stream.bytes(16)).toString('hex');
      if (!this.store.getBySerial(serial)) return serial;
    }
  }

  /** What the CA needs to issue an order's certificate now (draws its serial). */
  private leafRequest(order: Order, now: number, parsed?: ParsedCsr): LeafRequest {
    const csr = parsed ?? parseCsr(order.csr);
    const customer = this.deps.accounts.customer(order.customerUri);
    const templates = order.templates
      .map((name) => customer && this.deps.accounts.template(customer, name))
      .filter((t): t is KuTemplate => !!t);
    const org = (customer && this.deps.accounts.organization(customer, order.orgId)) ?? UNKNOWN_ORGANIZATION;
    const serial = this.newSerial();
    const notBefore = new Date(Math.floor(now / 1000) * 1000);
    // notAfter is inclusive (RFC 5280 4.1.2.5): the certificate is valid for exactly validityDays days (SBR 6.3.2)
    const notAfter = new Date(notBefore.getTime() + this.deps.settings.validityDays * DAY_MS - 1000);
    return {
      csr,
      subject: leafSubject(org, order.username, order.email),
      validationType: org.validation.type,
      email: order.email,
      serial: Buffer.from(serial, 'hex'),
      notBefore,
      notAfter,
      baseUrl: order.baseUrl,
      ...(templates.length
        ? {
            keyUsageBits: [...new Set(templates.flatMap((t) => t.keyUsages.map((k) => k.code)))],
            extKeyUsages: [...new Set(templates.flatMap((t) => t.extKeyUsages.map((e) => e.code)))],
          }
        : {}),
    };
  }

  private issued(request: LeafRequest, der: Buffer): IssuedCertificate {
    return {
      serial: request.serial.toString('hex'),
      der: der.toString('base64'),
      notBefore: request.notBefore.getTime(),
      notAfter: request.notAfter.getTime(),
    };
  }

  private issueCertificate(order: Order, now: number, parsed?: ParsedCsr): void {
    const request = this.leafRequest(order, now, parsed);
    order.certificate = this.issued(request, issueLeaf(this.deps.ca, request));
  }

  /** Revoke an order unconditionally (the caller checked its state) and save it. */
  revokeOrder(order: Order, reason: string, by: string): void {
    const now = this.deps.clock.now();
    order.revocation = { at: now, reason, reasonCode: reasonCodeFromText(reason), by };
    order.state = 'revoked';
    order.next = undefined;
    this.note(order, 'revoked', `revoked by ${by}${reason ? `: ${reason}` : ''}`);
    this.store.save(order);
  }

  /**
   * "Previous certificates on the same email will be revoked automatically depending on account settings"
   * (guide 2.1.1, 2.1.2: a property of the enroll). Previous means enrolled earlier: of a person's issued
   * certificates in an auto-revoke organization, the one from the latest enrollment stays, whatever order
   * they were issued in. An older order issued after a newer one is superseded at once, and the newer
   * certificate stays. Enrollment order is the orders' creation time, then (a frozen clock) order number.
   */
  private autoRevokePrevious(order: Order): void {
    const customer = this.deps.accounts.customer(order.customerUri);
    const org = customer && this.deps.accounts.organization(customer, order.orgId);
    if (!org?.autoRevokePrevious) return;
    const issued = this.store
      .findByEmail(order.customerUri, order.orgId, order.email)
      .filter((o) => o.orderNumber !== order.orderNumber && o.state === 'issued');
    issued.push(order);
    const latest = issued.reduce((a, b) => (enrolledBefore(a, b) ? b : a));
    for (const previous of issued) {
      if (previous !== latest) this.revokeOrder(previous, `superseded by order ${latest.orderNumber}`, 'auto-revoke');
    }
  }

  // ---- collection ----

  getCollectStatus(args: GetCollectStatusArgs): number {
    const principal = this.admit('getCollectStatus', args.authData);
    if (isCode(principal)) return principal.code;
    const order = this.accessOrder('getCollectStatus', principal, args.orderNumber, true);
    return isCode(order) ? order.code : STATUS_CODE[order.state];
  }

  collect(args: CollectArgs): SMIMECollectResponse {
    const principal = this.admit('collect', args.authData);
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

  revoke(args: RevokeArgs): number {
    const principal = this.admit('revoke', args.authData);
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
    this.revokeOrder(order, reason, by);
    return Status.SUCCESS;
  }

  revokeBySerialNumber(args: RevokeBySerialNumberArgs): number {
    const principal = this.admit('revokeBySerialNumber', args.authData);
    if (isCode(principal)) return principal.code;
    if ((args.reason ?? '').length > LIMITS.reason) return Status.INVALID_REASON;
    const serial = canonicalSerial(args.serialNumber);
    if (!serial) return Status.INVALID_SERIAL_NUMBER;
    const found = this.store.getBySerial(serial);
    if (!found || found.customerUri !== principal.customer.customerLoginUri) return Status.SERIAL_NUMBER_NOT_FOUND;
    const order = this.gateOrder('revokeBySerialNumber', principal, found, false);
    if (isCode(order)) return order.code;
    return this.revokeIfIssued(order, args.reason ?? '', 'revokeBySerialNumber');
  }

  revokeAllByPerson(args: RevokeAllByPersonArgs): number {
    const principal = this.admit('revokeAllByPerson', args.authData);
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
      this.advance(order, false);
      const code = this.revokeIfIssued(order, '', 'revokeAllByPerson');
      if (code === Status.SUCCESS) revoked = true;
      else if (refusal === undefined || PERSON_REFUSALS.indexOf(code) < PERSON_REFUSALS.indexOf(refusal))
        refusal = code;
    }
    // nothing valid to revoke: what revoke would answer for the person's orders; a person without any: success
    return revoked ? Status.SUCCESS : (refusal ?? Status.SUCCESS);
  }

  // ---- account information ----

  getKUTemplates(args: GetKUTemplatesArgs): KUTemplate[] {
    const principal = this.admit('getKUTemplates', args.authData);
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

  /** For diagnostics and the admin API: the issued certificate as Node parses it. */
  static certificateOf(order: Order): X509Certificate | undefined {
    return order.certificate ? new X509Certificate(Buffer.from(order.certificate.der, 'base64')) : undefined;
  }
}
