import { approvalTarget, MANUAL_TRANSITIONS, type ManualAction, type OrderLifecycle } from './lifecycle.js';
import type { Order } from './orders.js';

/**
 * What a person does to an order in CCM's web UI, done through the admin API or page: approve, reject,
 * mark paid, force issue, revoke. Each checks the order's state first (after bringing it up to date)
 * and refuses a transition the state does not allow.
 */

export const MANUAL_ACTIONS = Object.keys(MANUAL_TRANSITIONS) as ManualAction[];

export function isManualAction(name: string): name is ManualAction {
  return (MANUAL_ACTIONS as string[]).includes(name);
}

export class OrderNotFound extends Error {
  constructor(readonly orderNumber: number) {
    super(`order ${orderNumber} not found`);
  }
}

export class TransitionRefused extends Error {
  constructor(
    readonly action: ManualAction,
    readonly order: Order,
  ) {
    super(
      `cannot ${action} order ${order.orderNumber}: it is ${order.state} (${action} is allowed from ${MANUAL_TRANSITIONS[action].join(', ')})`,
    );
  }
}

/** An order brought up to date without counting as a status poll (the admin looking is not the client polling). */
export function observeOrder(lifecycle: OrderLifecycle, orderNumber: number): Order {
  const order = lifecycle.observe(orderNumber);
  if (!order) throw new OrderNotFound(orderNumber);
  return order;
}

/** The actions an order's current state allows. */
export function allowedActions(order: Order): ManualAction[] {
  return MANUAL_ACTIONS.filter((a) => MANUAL_TRANSITIONS[a].includes(order.state));
}

export function applyAction(lifecycle: OrderLifecycle, orderNumber: number, action: ManualAction, text = ''): Order {
  const order = observeOrder(lifecycle, orderNumber);
  if (!MANUAL_TRANSITIONS[action].includes(order.state)) throw new TransitionRefused(action, order);
  const why = text ? `: ${text}` : '';
  switch (action) {
    case 'approve':
      lifecycle.moveTo(order, approvalTarget(order), `approved by admin${why}`);
      break;
    case 'reject':
      lifecycle.moveTo(order, 'rejected', `rejected by admin${why}`);
      break;
    case 'pay':
      // paid: on to issuing; its "being issued" window (if scripted) follows, else issued at once
      lifecycle.moveTo(order, 'issuing', `marked paid by admin${why}`);
      break;
    case 'issue':
      lifecycle.moveTo(order, 'issued', `issued by admin${why}`);
      break;
    case 'revoke':
      lifecycle.revoke(order, text, 'admin');
      return order;
  }
  lifecycle.settle(order);
  return order;
}
