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
import { isRefusal, type Access, type AccessRefusal } from './access.js';
import type { Accounts, KuTemplate, Principal } from './accounts.js';
import type { OrderLifecycle } from './lifecycle.js';
import type { CallContext, OrderIntake } from './order-intake.js';
import type { Order, OrderState } from './orders.js';
import { usernameProblem } from './leaf-subject.js';
import { namesOf } from './persons.js';
import { canonicalSerial, isValidEmail, isValidUsername, LIMITS } from './rules.js';

/**
 * The nine EPKIManager operations over typed arguments, answering the SOAP catalog's codes. It never sees XML;
 * the SOAP front end hands it what the wire carried (missing elements as undefined). The checks both APIs share
 * (access.ts) answer situations, which SOAP_CODES turns into this catalog's codes; new orders come from the
 * intake both APIs use (order-intake.ts).
 */

export interface ServiceSettings {
  certificateFormat: CertificateFormat;
  /** the string getWebServiceInfo answers */
  serviceInfo: string;
}

export type { CallContext } from './order-intake.js';
export type { CodeInjector } from './access.js';

export interface EpkiServiceDeps {
  accounts: Accounts;
  store: OrderStore;
  /** the collect bundle's chain */
  ca: TestCa;
  /** every change of an order's state */
  lifecycle: OrderLifecycle;
  access: Access;
  intake: OrderIntake;
  settings: ServiceSettings;
}

/** The SOAP code of each situation the shared access checks answer. */
const SOAP_CODES: Record<Exclude<AccessRefusal['situation'], 'injected'>, number> = {
  unauthenticated: Status.INVALID_AUTH_DATA,
  forbidden: Status.CUSTOMER_CONFIGURATION_FORBIDS,
  'permission-denied': Status.PERMISSION_DENIED,
  'organization-suspended': Status.INVALID_ORG_AUTH,
  'scripted-failure': Status.UNKNOWN_ERROR,
  'order-not-found': Status.ORDER_NUMBER_NOT_FOUND,
};

function soapCode(refusal: AccessRefusal): number {
  return refusal.situation === 'injected' ? refusal.code : SOAP_CODES[refusal.situation];
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
    const principal = this.deps.access.admit({ operation: op, capability: op }, authData, ctx);
    return isRefusal(principal) ? { code: soapCode(principal) } : principal;
  }

  /** An order the caller may act on, brought up to date (and counted as a poll when `poll`). */
  private accessOrder(
    op: OperationName,
    principal: Principal,
    orderNumber: number | undefined,
    poll: boolean,
  ): Outcome<Order> {
    if (orderNumber === undefined || orderNumber <= 0) return { code: Status.INVALID_ORDER_NUMBER };
    // another customer's order does not exist for this caller: -2, never -16
    const order = this.deps.access.ownOrder(principal, orderNumber);
    if (!order) return { code: Status.ORDER_NUMBER_NOT_FOUND };
    return this.gateOrder(op, principal, order, poll);
  }

  private gateOrder(op: OperationName, principal: Principal, order: Order, poll: boolean): Outcome<Order> {
    const gated = this.deps.access.gateOrder({ operation: op, capability: op }, principal, order, poll);
    return isRefusal(gated) ? { code: soapCode(gated) } : gated;
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
    const refused = this.deps.access.orgGate({ operation: op, capability: op }, principal, org);
    if (refused) return soapCode(refused);
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
    const order = this.deps.intake.create({
      api: 'soap',
      principal,
      org,
      username: args.username,
      email: args.email,
      csr,
      templates: templates.map((t) => t.shortName),
      // SOAP knows a person by the username alone: it creates one, never overwrites what REST said of it
      person: { details: { ...namesOf(args.username), commonName: args.username }, update: false },
      ctx,
    });
    return order instanceof Promise ? order.then((o) => o.orderNumber) : order.orderNumber;
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
    const found = this.deps.access.ownCertificate(principal, serial);
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
    const refused = this.deps.access.orgGate(
      { operation: 'revokeAllByPerson', capability: 'revokeAllByPerson' },
      principal,
      org,
    );
    if (refused) return soapCode(refused);
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
