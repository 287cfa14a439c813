import type { OperationName } from '../../wsdl/contract.js';
import { readScriptTag, withScriptTags, type ScriptTag, type ScriptTagForm } from '../../wsdl/script-tags.js';
import type { ParsedCsr } from '../ca/csr.js';
import type { OrderStore } from '../store/order-store.js';
import type { Accounts, Organization } from './accounts.js';
import { MAX_DURATION_MS, type Clock } from './clock.js';
import type { Issuance } from './issuance.js';
import { reasonCodeFromText, type Order, type OrderState, type ScheduledStep } from './orders.js';
import type { RandomStream, SeededRandom } from './random.js';

/**
 * How an order moves: the processing delay, the scripted outcomes chosen with `+tags` in the enroll
 * email, and the transitions the admin API forces. The planning is pure functions over an Order; the
 * transitions (`OrderLifecycle`) apply what is due, enter states, issue and revoke, and save the order.
 */

/** A processing delay: fixed, a random range, or a number of status polls. */
export type DelaySpec =
  { kind: 'fixed'; ms: number } | { kind: 'range'; minMs: number; maxMs: number } | { kind: 'polls'; polls: number };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** "0", "1500" (ms), "3s", "500ms", "2m", "1h", "1d", "2s-8s", "3polls" / "3 polls"; at most MAX_DURATION_MS. */
export function parseDelay(text: string | number): DelaySpec {
  const bounded = (ms: number): number => {
    if (ms > MAX_DURATION_MS)
      throw new Error(`invalid delay ${JSON.stringify(text)}: at most ${MAX_DURATION_MS} ms (100 years)`);
    return ms;
  };
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new Error(`invalid delay ${text}: give milliseconds >= 0`);
    return { kind: 'fixed', ms: bounded(text) };
  }
  const t = text.trim().toLowerCase();
  const polls = /^(\d+)\s*polls?$/.exec(t);
  if (polls) return { kind: 'polls', polls: Number(polls[1]) };
  const one = (s: string): number => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?$/.exec(s.trim());
    if (!m) throw new Error(`invalid delay "${text}": use e.g. 0, 500ms, 3s, 2s-8s or 3polls`);
    return bounded(Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']));
  };
  const range = t.split('-');
  if (range.length === 2) {
    const [minMs, maxMs] = range.map(one);
    if (minMs > maxMs) throw new Error(`invalid delay "${text}": the range's lower end is above its upper end`);
    return { kind: 'range', minMs, maxMs };
  }
  return { kind: 'fixed', ms: one(t) };
}

export function describeDelay(d: DelaySpec): string {
  switch (d.kind) {
    case 'fixed':
      return d.ms === 0 ? 'instant' : `${d.ms} ms`;
    case 'range':
      return `${d.minMs}-${d.maxMs} ms`;
    case 'polls':
      return `${d.polls} status polls`;
  }
}

/**
 * The seeded stream a customer's range delays draw from: one per customer, so one suite's enrollments never
 * shift another's draws (and a one-customer reset can start its draws over).
 */
export const delayStreamName = (customer: string) => `delays/${customer}`;

/** The step `to` scheduled by a delay, drawing range delays from the customer's delay stream. */
export function stepAfter(to: OrderState, delay: DelaySpec, now: number, rng: RandomStream): ScheduledStep {
  switch (delay.kind) {
    case 'fixed':
      return { to, at: now + delay.ms };
    case 'range':
      return { to, at: now + rng.int(delay.minMs, delay.maxMs) };
    case 'polls':
      return { to, afterPolls: delay.polls };
  }
}

/**
 * Scripted outcomes, chosen by the client in the enroll email's local part: `alice+reject@example.com`.
 * The tag grammar is wsdl/script-tags.ts (the conformance kit writes tags too); what each does is here.
 */
export const SCRIPT_TAGS: Record<ScriptTagForm, string> = {
  reject: 'rejected once the processing delay has passed: getCollectStatus, collect and revoke answer -20',
  'pending<N>':
    'getCollectStatus/collect answer 0 for N polls (revoke: -26), then the certificate is issued; replaces the processing delay',
  payment:
    'after the processing delay the order awaits payment: collect answers -22, getCollectStatus 0, revoke -26, until `POST /admin/api/orders/{n}/pay`',
  'issuing<N>':
    'after the processing delay the order is "being issued": revoke answers -26, getCollectStatus/collect 0, for N polls (`+issuing` alone: 3) or until `.../issue`',
  fail14:
    'the next call about the order (getCollectStatus, collect, revoke, revokeBySerialNumber) answers -14, once; then the order goes on as it would',
  'delay<D>':
    "this order's processing delay in the delay notation, overriding the organization's and the default: `+delay30s`, `+delay2s-8s`, `+delay5polls`, `+delay1h` (at most 100 years: a longer one is plain plus-addressing, the order takes its usual delay)",
};

const alice = (tag: ScriptTag) => withScriptTags('alice@example.com', [tag]);

/** One example address per tag (docs/lifecycle.md). */
export const SCRIPT_TAG_EXAMPLES: Record<ScriptTagForm, string> = {
  reject: alice({ kind: 'reject' }),
  'pending<N>': alice({ kind: 'pending', polls: 3 }),
  payment: alice({ kind: 'payment' }),
  'issuing<N>': alice({ kind: 'issuing' }),
  fail14: alice({ kind: 'fail14' }),
  'delay<D>': alice({ kind: 'delay', delay: '30s' }),
};

/** How many polls `+issuing` without a number keeps an order "being issued". */
const DEFAULT_ISSUING_POLLS = 3;

export interface Script {
  /** the order's own processing delay (`+delay30s`), overriding its organization's */
  delay?: DelaySpec;
  reject: boolean;
  payment: boolean;
  pendingPolls?: number;
  issuingPolls?: number;
  fail14: boolean;
}

export function scriptOf(tags: readonly string[]): Script {
  const script: Script = { reject: false, payment: false, fail14: false };
  for (const text of tags) {
    const tag = readScriptTag(text);
    switch (tag?.kind) {
      case 'reject':
      case 'payment':
      case 'fail14':
        script[tag.kind] = true;
        break;
      case 'pending':
        script.pendingPolls = tag.polls;
        break;
      case 'issuing':
        script.issuingPolls = tag.polls ?? DEFAULT_ISSUING_POLLS;
        break;
      case 'delay':
        try {
          script.delay = parseDelay(tag.delay);
        } catch {
          // not a delay after all: plain plus-addressing
        }
    }
  }
  return script;
}

/** The first scheduled step of a new order. */
export function initialStep(script: Script, delay: DelaySpec, now: number, rng: RandomStream): ScheduledStep {
  if (script.reject) return stepAfter('rejected', delay, now, rng);
  if (script.payment) return stepAfter('awaiting-payment', delay, now, rng);
  if (script.pendingPolls !== undefined) return { to: 'issued', afterPolls: script.pendingPolls };
  if (script.issuingPolls !== undefined) return stepAfter('issuing', delay, now, rng);
  return stepAfter('issued', delay, now, rng);
}

/** What follows arriving in a state (the "being issued" window of a scripted order, or none). */
export function stepOnArrival(order: Order, state: OrderState, now: number): ScheduledStep | undefined {
  if (state !== 'issuing') return undefined;
  const script = scriptOf(order.tags);
  if (script.issuingPolls !== undefined) return { to: 'issued', afterPolls: script.issuingPolls };
  return { to: 'issued', at: now };
}

export type ManualAction = 'approve' | 'reject' | 'pay' | 'issue' | 'revoke';

/** Which manual transitions the admin API may force from which states. */
export const MANUAL_TRANSITIONS: Record<ManualAction, readonly OrderState[]> = {
  approve: ['processing'],
  reject: ['processing', 'awaiting-payment'],
  pay: ['awaiting-payment'],
  issue: ['processing', 'issuing', 'awaiting-payment'],
  revoke: ['issued'],
};

/**
 * Where an approved order goes: a scripted payment or "being issued" window still lies ahead of it;
 * a scripted rejection or a pending delay does not (the approval overrides them).
 */
export function approvalTarget(order: Order): OrderState {
  const script = scriptOf(order.tags);
  if (script.payment) return 'awaiting-payment';
  if (script.issuingPolls !== undefined) return 'issuing';
  return 'issued';
}

export interface LifecycleDeps {
  store: OrderStore;
  clock: Clock;
  accounts: Accounts;
  random: SeededRandom;
  issuance: Issuance;
  /** processing delay for organizations that set none */
  defaultDelay: DelaySpec;
}

/**
 * The order state machine: every change of an order's state goes through here (the SOAP operations, the
 * admin API, auto-revocation), and every change is saved.
 */
export class OrderLifecycle {
  /** per-organization delays set at run time (admin API), by orgId */
  private readonly delayOverrides = new Map<number, DelaySpec>();

  constructor(private readonly deps: LifecycleDeps) {}

  // ---- processing delays ----

  /** The processing delay of an organization's new orders: set at run time, in the fixture, or the default. */
  delayFor(org: Organization): DelaySpec {
    return (
      this.delayOverrides.get(org.orgId) ?? (org.delay !== undefined ? parseDelay(org.delay) : this.deps.defaultDelay)
    );
  }

  /** Set (or, with undefined, drop) an organization's run-time delay. */
  setOrgDelay(orgId: number, delay: DelaySpec | undefined): void {
    if (delay === undefined) this.delayOverrides.delete(orgId);
    else this.delayOverrides.set(orgId, delay);
  }

  /** Drop every run-time delay (a full reset). */
  clearDelays(): void {
    this.delayOverrides.clear();
  }

  // ---- transitions ----

  /**
   * A new order (state "processing", tags read from its email) on its way: its first step scheduled, and
   * applied at once when due. An order issued on the spot is signed off the event loop when the issuance
   * has a signer, and saved, issued, before the promise settles.
   */
  start(order: Order, org: Organization, csr: ParsedCsr): Order | Promise<Order> {
    const now = order.createdAt;
    const script = scriptOf(order.tags);
    const rng = this.deps.random.stream(delayStreamName(order.customerUri));
    order.next = initialStep(script, script.delay ?? this.delayFor(org), now, rng);
    const issuesNow =
      order.next.to === 'issued' && order.next.afterPolls === undefined && (order.next.at ?? Infinity) <= now;
    const signed = issuesNow ? this.deps.issuance.issueOffThread(order, now, csr) : undefined;
    if (signed) {
      return signed.then((certificate) => {
        order.certificate = certificate;
        this.advance(order, false, csr);
        return order;
      });
    }
    this.advance(order, false, csr);
    return order;
  }

  /** A stored order brought up to date without counting a poll (someone looking is not the client polling). */
  observe(orderNumber: number): Order | undefined {
    const order = this.deps.store.get(orderNumber);
    if (order) this.advance(order, false);
    return order;
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
    this.deps.store.save(order);
  }

  /** After a change made from outside (the admin API): apply what became due, and save. */
  settle(order: Order): void {
    if (order.next) this.advance(order, false);
    else this.deps.store.save(order);
  }

  /** Enter a state: issue the certificate on the way into "issued", schedule what follows. The caller saves. */
  moveTo(order: Order, state: OrderState, note: string, csr?: ParsedCsr): void {
    const now = this.deps.clock.now();
    if (state === 'issued' && !order.certificate) order.certificate = this.deps.issuance.issue(order, now, csr);
    // the CSR was only needed to issue: an issued order does not carry it (a third of a stored order)
    if (order.certificate) order.csr = '';
    order.state = state;
    order.next = stepOnArrival(order, state, now);
    this.note(order, state, note);
    if (state === 'issued') this.autoRevokePrevious(order);
  }

  /** Revoke an order unconditionally (the caller checked its state) and save it. */
  revoke(order: Order, reason: string, by: string): void {
    const now = this.deps.clock.now();
    order.revocation = { at: now, reason, reasonCode: reasonCodeFromText(reason), by };
    order.state = 'revoked';
    order.next = undefined;
    this.note(order, 'revoked', `revoked by ${by}${reason ? `: ${reason}` : ''}`);
    this.deps.store.save(order);
  }

  /**
   * A scripted `+fail14`: true (and the tag used up, the order saved) when this call about the order is the
   * one that answers -14.
   */
  failsOnce(order: Order, operation: OperationName): boolean {
    const isFail14 = (t: string) => readScriptTag(t)?.kind === 'fail14';
    if (!order.tags.some(isFail14)) return false;
    order.tags = order.tags.filter((t) => !isFail14(t));
    this.note(order, order.state, `${operation} answered -14 (scripted +fail14)`);
    this.deps.store.save(order);
    return true;
  }

  private note(order: Order, state: OrderState, note: string): void {
    const now = this.deps.clock.now();
    order.updatedAt = now;
    order.history.push({ at: now, state, note });
  }

  /**
   * "Previous certificates on the same email will be revoked automatically depending on account settings"
   * (guide 2.1.1, 2.1.2: a property of the enroll). Previous means enrolled earlier: of a person's issued
   * certificates in an auto-revoke organization, the one from the latest enrollment stays, whatever order
   * they were issued in. An older order issued after a newer one is superseded at once, and the newer
   * certificate stays. Enrollment order is the orders' creation time, then (a frozen clock) order number.
   */
  private autoRevokePrevious(order: Order): void {
    const { accounts, store } = this.deps;
    const customer = accounts.customer(order.customerUri);
    const org = customer && accounts.organization(customer, order.orgId);
    if (!org?.autoRevokePrevious) return;
    const issued = store
      .findByEmail(order.customerUri, order.orgId, order.email)
      .filter((o) => o.orderNumber !== order.orderNumber && o.state === 'issued');
    issued.push(order);
    const latest = issued.reduce((a, b) => (enrolledBefore(a, b) ? b : a));
    for (const previous of issued) {
      if (previous !== latest) this.revoke(previous, `superseded by order ${latest.orderNumber}`, 'auto-revoke');
    }
  }
}

/** Whether order `a` was enrolled before order `b`: created earlier, or at the same instant with a lower number. */
const enrolledBefore = (a: Order, b: Order) =>
  a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.orderNumber < b.orderNumber);
