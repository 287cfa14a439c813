import { isOperationName, OPERATIONS, type OperationName } from '../../wsdl/contract.js';
import { statusEntry } from '../../wsdl/status-codes.js';
import type { Accounts, AuthDataInput } from './accounts.js';
import type { Clock } from './clock.js';
import type { CodeInjector } from './epki-service.js';
import type { SeededRandom } from './random.js';

/**
 * Fault injection, always scoped to one customer (customerLoginUri), so test suites sharing one mock
 * never see each other's faults. A rule answers a catalog code (consulted by the domain right after
 * authentication) or breaks the transport (consulted by the SOAP front end before dispatch, or after it
 * with `after`: the call takes effect but its answer is lost; only for calls whose authData authenticates). Rules fire for the next `count` matching
 * calls, or at a `rate` drawn from the customer's own seeded stream ("faults/<customer>"): one customer's
 * calls never shift another's draws, and the same seed with the same calls fires the same faults.
 */

export const TRANSPORT_FAULTS = {
  reset: 'the connection is reset (TCP RST) without an answer',
  empty: 'HTTP 200, text/xml, empty body',
  malformed: 'HTTP 200, text/xml, an envelope cut off in the middle',
  hang: 'no answer for hangMs (default and maximum: faultHangLimitMs), then the connection is closed',
  http500: 'HTTP 500 with an HTML error page (a proxy or container error, not a SOAP fault)',
  http503: 'HTTP 503 with Retry-After: 1 and an HTML page (an overloaded or restarting service)',
  'soap-fault': 'HTTP 500 with a SOAP 1.1 S:Server fault, as Metro answers an exception',
} as const;
export type TransportFaultKind = keyof typeof TRANSPORT_FAULTS;

/** What the front end must do instead of (or after) answering a call. */
export interface TransportFault {
  kind: TransportFaultKind;
  /** hang: milliseconds to hold the connection */
  hangMs?: number;
  /** dispatch the call first, then break the transport (the client never learns the result) */
  after?: boolean;
}

/** A fault as an admin asks for it (JSON body of POST /admin/api/faults). */
export interface FaultSpec {
  /** the customerLoginUri whose calls the rule applies to */
  customer: string;
  /** one operation; default: any (for a code: any operation the catalog lists the code for) */
  operation?: OperationName;
  /** answer this catalog status code */
  code?: number;
  /** or break the transport this way */
  transport?: TransportFaultKind;
  /** how many calls it answers; default 1, or unlimited (until cleared) when `rate` is given */
  count?: number;
  /** probability (0 < rate <= 1) that a matching call gets the fault */
  rate?: number;
  hangMs?: number;
  after?: boolean;
}

export interface FaultRule {
  id: number;
  customer: string;
  operation?: OperationName;
  code?: number;
  transport?: TransportFaultKind;
  rate?: number;
  hangMs?: number;
  after?: boolean;
  /** calls still to answer; undefined: until cleared */
  remaining?: number;
  /** calls answered so far */
  fired: number;
  /** matching calls seen (rate rules draw once per matching call) */
  seen: number;
  createdAt: number;
}

export class FaultSpecError extends Error {}

/** The seeded stream a customer's probabilistic faults draw from. */
export const faultStreamName = (customer: string) => `faults/${customer}`;

/** Operations the catalog lists `code` for. */
function operationsAnswering(code: number): readonly OperationName[] {
  return statusEntry(code)?.operations ?? [];
}

export class FaultInjector implements CodeInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;

  constructor(
    private readonly random: SeededRandom,
    private readonly clock: Clock,
    private readonly limits: { hangLimitMs: number },
    /** customers that exist (a rule for an unknown one is a typo, not a scope) and who a call's authData names */
    private readonly accounts: Pick<Accounts, 'customer' | 'authenticate'>,
  ) {}

  /** Check a spec and queue it; throws FaultSpecError with a message fit for a 400 answer. */
  add(input: unknown): FaultRule {
    const spec = this.check(input);
    const rule: FaultRule = {
      id: this.nextId++,
      customer: spec.customer,
      ...(spec.operation !== undefined ? { operation: spec.operation } : {}),
      ...(spec.code !== undefined ? { code: spec.code } : {}),
      ...(spec.transport !== undefined ? { transport: spec.transport } : {}),
      ...(spec.rate !== undefined ? { rate: spec.rate } : {}),
      ...(spec.transport === 'hang'
        ? { hangMs: Math.min(spec.hangMs ?? this.limits.hangLimitMs, this.limits.hangLimitMs) }
        : {}),
      ...(spec.after ? { after: true } : {}),
      remaining: spec.count ?? (spec.rate !== undefined ? undefined : 1),
      fired: 0,
      seen: 0,
      createdAt: this.clock.now(),
    };
    this.rules.push(rule);
    return { ...rule };
  }

  private check(input: unknown): FaultSpec {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new FaultSpecError(
        'a fault is a JSON object: {"customer": "sandbox", "operation": "collect", "code": -14, "count": 2}',
      );
    const s = input as Record<string, unknown>;
    const known = ['customer', 'operation', 'code', 'transport', 'count', 'rate', 'hangMs', 'after'];
    const unknown = Object.keys(s).filter((k) => !known.includes(k));
    if (unknown.length)
      throw new FaultSpecError(`unknown field(s) ${unknown.join(', ')}; a fault has ${known.join(', ')}`);
    if (typeof s.customer !== 'string' || !s.customer)
      throw new FaultSpecError('customer (a customerLoginUri) is required: faults are scoped to one customer');
    if (!this.accounts.customer(s.customer))
      throw new FaultSpecError(`customer ${JSON.stringify(s.customer)} is not in the accounts fixture`);
    if (s.operation !== undefined && (typeof s.operation !== 'string' || !isOperationName(s.operation))) {
      throw new FaultSpecError(`operation must be one of ${OPERATIONS.join(', ')}`);
    }
    const operation = s.operation;
    if ((s.code === undefined) === (s.transport === undefined))
      throw new FaultSpecError('give exactly one of code (a catalog status code) or transport');
    if (s.code !== undefined) {
      if (typeof s.code !== 'number' || !Number.isInteger(s.code) || !statusEntry(s.code))
        throw new FaultSpecError(
          `code ${JSON.stringify(s.code)} is not a status code of the catalog (docs/status-codes.md)`,
        );
      const ops = operationsAnswering(s.code);
      if (operation && !ops.includes(operation))
        throw new FaultSpecError(`${operation} never answers ${s.code} (the catalog lists it for ${ops.join(', ')})`);
      if (s.after) throw new FaultSpecError('after applies to transport faults only');
    }
    if (s.transport !== undefined && (typeof s.transport !== 'string' || !(s.transport in TRANSPORT_FAULTS))) {
      throw new FaultSpecError(`transport must be one of ${Object.keys(TRANSPORT_FAULTS).join(', ')}`);
    }
    if (s.count !== undefined && (typeof s.count !== 'number' || !Number.isInteger(s.count) || s.count < 1))
      throw new FaultSpecError('count must be a whole number >= 1');
    if (s.rate !== undefined && (typeof s.rate !== 'number' || !(s.rate > 0 && s.rate <= 1)))
      throw new FaultSpecError('rate must be a number with 0 < rate <= 1');
    if (s.hangMs !== undefined) {
      if (s.transport !== 'hang') throw new FaultSpecError('hangMs applies to transport "hang" only');
      if (typeof s.hangMs !== 'number' || !Number.isInteger(s.hangMs) || s.hangMs < 0)
        throw new FaultSpecError('hangMs must be a whole number of milliseconds >= 0');
      if (s.hangMs > this.limits.hangLimitMs)
        throw new FaultSpecError(
          `hangMs ${s.hangMs} is above the limit of ${this.limits.hangLimitMs} (faultHangLimitMs)`,
        );
    }
    if (s.after !== undefined && typeof s.after !== 'boolean') throw new FaultSpecError('after must be true or false');
    return s as unknown as FaultSpec;
  }

  list(customer?: string): FaultRule[] {
    return this.rules.filter((r) => customer === undefined || r.customer === customer).map((r) => ({ ...r }));
  }

  /** Remove rules (all, one customer's, or one by id); returns how many went. */
  clear(filter: { customer?: string; id?: number } = {}): number {
    const before = this.rules.length;
    this.rules = this.rules.filter(
      (r) =>
        (filter.customer !== undefined && r.customer !== filter.customer) ||
        (filter.id !== undefined && r.id !== filter.id),
    );
    return before - this.rules.length;
  }

  /** CodeInjector: the code an injected rule answers for this call, if one fires. */
  codeFor(customerUri: string, operation: OperationName): number | undefined {
    return this.fire(
      customerUri,
      (r) =>
        r.code !== undefined &&
        (r.operation ? r.operation === operation : operationsAnswering(r.code).includes(operation)),
    )?.code;
  }

  /**
   * The transport fault for this call, if one fires. Only a call whose authData authenticates meets one, so a
   * wrong password (or a guess at another customer's name) never uses up a customer's transport fault. The
   * password is checked only when the named customer has a transport rule queued: other calls pay nothing for it.
   */
  transportFor(authData: AuthDataInput | undefined, operation: OperationName): TransportFault | undefined {
    const customerUri = authData?.customerLoginUri;
    if (customerUri === undefined || !this.rules.some((r) => r.customer === customerUri && r.transport !== undefined))
      return undefined;
    if (!this.accounts.authenticate(authData)) return undefined;
    const rule = this.fire(
      customerUri,
      (r) => r.transport !== undefined && (!r.operation || r.operation === operation),
    );
    if (!rule) return undefined;
    return {
      kind: rule.transport!,
      ...(rule.hangMs !== undefined ? { hangMs: rule.hangMs } : {}),
      ...(rule.after ? { after: true } : {}),
    };
  }

  private fire(customer: string, matches: (r: FaultRule) => boolean): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.customer !== customer || !matches(rule)) continue;
      rule.seen++;
      if (rule.rate !== undefined && this.random.stream(faultStreamName(customer)).float() >= rule.rate) continue;
      rule.fired++;
      if (rule.remaining !== undefined && --rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
      return rule;
    }
    return undefined;
  }
}
