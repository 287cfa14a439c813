import type { RestOperationName } from '../../wsdl/rest/endpoints.js';
import { isRefusal, type Access } from './access.js';
import type { Principal } from './accounts.js';
import type { Clock } from './clock.js';
import type { Order } from './orders.js';
import { refuse, restCall, type Outcome, type RestRefusal } from './rest-outcomes.js';
import { MAX_ID, orderNumberOfCertId, restState } from './rest-views.js';
import { canonicalSerial } from './rules.js';

/**
 * The caller's order a REST request names (by backendCertId, serial number or certificate id), through its
 * organization's gate and its `+fail14`, brought up to date; and why an order is not issued. Another customer's
 * order does not exist for the caller.
 */
export class RestLookups {
  constructor(private readonly deps: { access: Access; clock: Clock }) {}

  /** The order a backendCertId names (a status poll when `poll`). */
  byBackendId(
    operation: RestOperationName,
    principal: Principal,
    backendCertId: string,
    poll: boolean,
  ): Outcome<Order> {
    const order = this.ownByBackendId(principal, backendCertId);
    if (!order) return refuse({ situation: 'order-not-found', ref: backendCertId });
    return this.gate(operation, principal, order, poll);
  }

  /** The order a backendCertId names, without the gate (a list's filter). */
  ownByBackendId(principal: Principal, backendCertId: string): Order | undefined {
    const n = /^\d{1,10}$/.test(backendCertId) ? Number(backendCertId) : 0;
    return n > 0 && n <= MAX_ID ? this.deps.access.ownOrder(principal, n) : undefined;
  }

  bySerial(operation: RestOperationName, principal: Principal, serialText: string): Outcome<Order> {
    const order = this.ownBySerial(principal, serialText);
    if (!order) return refuse({ situation: 'certificate-not-found', ref: serialText });
    return this.gate(operation, principal, order, false);
  }

  /** The certificate a serial number names (any notation canonicalSerial reads), without the gate. */
  ownBySerial(principal: Principal, serialText: string): Order | undefined {
    const serial = canonicalSerial(serialText);
    return serial === undefined ? undefined : this.deps.access.ownCertificate(principal, serial);
  }

  byCertId(operation: RestOperationName, principal: Principal, certId: number): Outcome<Order> {
    const n = orderNumberOfCertId(certId);
    const order = n > 0 && n <= MAX_ID ? this.deps.access.ownOrder(principal, n) : undefined;
    if (!order) return refuse({ situation: 'certificate-not-found', ref: String(certId) });
    return this.gate(operation, principal, order, false);
  }

  private gate(operation: RestOperationName, principal: Principal, order: Order, poll: boolean): Outcome<Order> {
    const gated = this.deps.access.gateOrder(restCall(operation), principal, order, poll);
    return isRefusal(gated) ? refuse(gated) : { value: gated };
  }

  /** Why an order is not issued, or undefined when it is. */
  notIssued(order: Order): RestRefusal | undefined {
    if (order.state === 'issued') return undefined;
    if (order.state === 'revoked') return { situation: 'revoked' };
    const status = restState(order, this.deps.clock.now());
    return { situation: 'not-issued', state: order.state === 'rejected' ? 'rejected' : 'pending', status };
  }
}
