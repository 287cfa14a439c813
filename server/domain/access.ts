import type { OperationName } from '../../wsdl/contract.js';
import type { RestOperationName } from '../../wsdl/rest/endpoints.js';
import type { OrderStore } from '../store/order-store.js';
import type { Accounts, AuthDataInput, Organization, Principal } from './accounts.js';
import type { OrderLifecycle } from './lifecycle.js';
import type { CallContext } from './order-intake.js';
import type { Order } from './orders.js';

/**
 * Who may do what, for both APIs: authentication, the accounts' configuration, injected faults, an organization's
 * own gate, and finding an order the caller may act on. The checks answer a *situation*, never a status code:
 * each API's service maps it to its own catalog (SOAP: -100, -120, -16, -101, -14, -2; REST: -16, -3, -37, -1021,
 * -14, -1104 ...).
 */

/** An operation of either API: SOAP's names, or REST's `service.verb`. */
export type AnyOperation = OperationName | RestOperationName;

/** A hook that may answer a call with a code of its API's catalog before the domain does (fault injection). */
export interface CodeInjector {
  codeFor(customerUri: string, operation: AnyOperation): number | undefined;
}

/** Why a call is refused before its operation's own rules apply. */
export type AccessRefusal =
  /** no valid credentials */
  | { situation: 'unauthenticated' }
  /** the customer's or the organization's configuration forbids the operation (forbiddenOperations) */
  | { situation: 'forbidden'; operation: AnyOperation }
  /** fault injection: the code, of the calling API's catalog, to answer */
  | { situation: 'injected'; code: number }
  /** the admin may not act for the organization */
  | { situation: 'permission-denied'; org: Organization }
  | { situation: 'organization-suspended'; org: Organization }
  /** the order's `+fail14` tag: this call about it fails, once */
  | { situation: 'scripted-failure' }
  /** no order of the caller's customer has the number (`ref`: the number as the caller gave it) */
  | { situation: 'order-not-found'; ref?: string };

export function isRefusal<T extends object>(x: T | AccessRefusal): x is AccessRefusal {
  return 'situation' in x;
}

/** A call as access sees it: its operation, and the SOAP operation the accounts' forbiddenOperations name for it. */
export interface Call {
  operation: AnyOperation;
  /** what forbiddenOperations must not list for the call to go ahead (none: nothing forbids it) */
  capability?: OperationName;
}

export interface AccessDeps {
  accounts: Accounts;
  store: OrderStore;
  lifecycle: OrderLifecycle;
  injector?: CodeInjector;
}

export class Access {
  constructor(private readonly deps: AccessDeps) {}

  /** Credentials, then the customer's configuration, then injected faults. */
  admit(call: Call, auth: AuthDataInput | undefined, ctx?: CallContext): Principal | AccessRefusal {
    const principal = this.deps.accounts.authenticate(auth);
    if (!principal) return { situation: 'unauthenticated' };
    if (ctx) ctx.customer = principal.customer.customerLoginUri;
    if (call.capability && this.deps.accounts.forbids(principal.customer, call.capability))
      return { situation: 'forbidden', operation: call.operation };
    const injected = this.deps.injector?.codeFor(principal.customer.customerLoginUri, call.operation);
    if (injected !== undefined) return { situation: 'injected', code: injected };
    return principal;
  }

  /** An organization's own gate: may this admin act for it, is it suspended, does it forbid the operation. */
  orgGate(call: Call, principal: Principal, org: Organization): AccessRefusal | undefined {
    const { accounts } = this.deps;
    if (!accounts.mayActFor(principal.admin, org.orgId)) return { situation: 'permission-denied', org };
    if (accounts.isSuspended(org)) return { situation: 'organization-suspended', org };
    if (call.capability && accounts.forbids(principal.customer, call.capability, org))
      return { situation: 'forbidden', operation: call.operation };
    return undefined;
  }

  /**
   * The caller's customer's order with this number. Looked up within the customer: another customer's order is
   * not read at all, so it answers as fast as a number never issued (and never as "not yours").
   */
  ownOrder(principal: Principal, orderNumber: number): Order | undefined {
    return this.deps.store.get(orderNumber, principal.customer.customerLoginUri);
  }

  /** The caller's customer's certificate with this canonical serial, looked up within the customer. */
  ownCertificate(principal: Principal, serial: string): Order | undefined {
    return this.deps.store.getBySerial(serial, principal.customer.customerLoginUri);
  }

  /**
   * An order of the caller's, through its organization's gate and its `+fail14`, brought up to date (counted as a
   * status poll when `poll`).
   */
  gateOrder(call: Call, principal: Principal, order: Order, poll: boolean): Order | AccessRefusal {
    const org = this.deps.accounts.organization(principal.customer, order.orgId);
    if (!org) return { situation: 'order-not-found' };
    const refused = this.orgGate(call, principal, org);
    if (refused) return refused;
    if (this.deps.lifecycle.failsOnce(order, call.operation)) return { situation: 'scripted-failure' };
    this.deps.lifecycle.advance(order, poll);
    return order;
  }
}
