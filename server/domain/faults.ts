import { z } from 'zod';
import { OPERATIONS, type OperationName } from '../../wsdl/contract.js';
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

/** The most calls one rule may answer: beyond it, a rule with no count (until cleared) says it better. */
export const MAX_FAULT_COUNT = 1_000_000;

const FAULT_FIELDS = ['customer', 'operation', 'code', 'transport', 'count', 'rate', 'hangMs', 'after'];

/** A fault spec's shape; the checks that need the accounts, the catalog or the hang limit follow in `check`. */
const faultSpecSchema = z.strictObject(
  {
    customer: z
      .string({ error: 'customer (a customerLoginUri) is required: faults are scoped to one customer' })
      .min(1, { error: 'customer (a customerLoginUri) is required: faults are scoped to one customer' })
      .max(256, { error: 'customer has at most 256 characters' }),
    operation: z.enum(OPERATIONS, { error: `operation must be one of ${OPERATIONS.join(', ')}` }).optional(),
    code: z.number({ error: 'code must be a status code of the catalog (a whole number)' }).int().optional(),
    transport: z
      .enum(Object.keys(TRANSPORT_FAULTS) as [TransportFaultKind, ...TransportFaultKind[]], {
        error: `transport must be one of ${Object.keys(TRANSPORT_FAULTS).join(', ')}`,
      })
      .optional(),
    count: z
      .number({ error: 'count must be a whole number >= 1' })
      .int({ error: 'count must be a whole number >= 1' })
      .min(1, { error: 'count must be a whole number >= 1' })
      .max(MAX_FAULT_COUNT, { error: `count must be at most ${MAX_FAULT_COUNT} (leave it out: until cleared)` })
      .optional(),
    rate: z
      .number({ error: 'rate must be a number with 0 < rate <= 1' })
      .gt(0, { error: 'rate must be a number with 0 < rate <= 1' })
      .lte(1, { error: 'rate must be a number with 0 < rate <= 1' })
      .optional(),
    hangMs: z
      .number({ error: 'hangMs must be a whole number of milliseconds >= 0' })
      .int({ error: 'hangMs must be a whole number of milliseconds >= 0' })
      .min(0, { error: 'hangMs must be a whole number of milliseconds >= 0' })
      .optional(),
    after: z.boolean({ error: 'after must be true or false' }).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.join(', ')}; a fault has ${FAULT_FIELDS.join(', ')}`
        : issue.code === 'invalid_type' && issue.path?.length === 0
          ? 'a fault is a JSON object: {"customer": "sandbox", "operation": "collect", "code": -14, "count": 2}'
          : undefined,
  },
);

/** A zod error as one line: each problem with its path. */
export function zodProblems(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length && !i.message.startsWith(String(i.path[0])) ? `${i.path.join('.')}: ` : '') + i.message)
    .join('; ');
}

export interface FaultLimits {
  /** longest hang and its default (faultHangLimitMs) */
  hangLimitMs: number;
  /** rules queued at most, all customers together (faultLimit) */
  maxRules: number;
}

export class FaultInjector implements CodeInjector {
  /** each customer's rules in the order queued: a call looks only at its own customer's */
  private readonly rules = new Map<string, FaultRule[]>();
  private count = 0;
  private nextId = 1;

  constructor(
    private readonly random: SeededRandom,
    private readonly clock: Clock,
    private readonly limits: FaultLimits,
    /** customers that exist (a rule for an unknown one is a typo, not a scope) and who a call's authData names */
    private readonly accounts: Pick<Accounts, 'customer' | 'authenticate'>,
  ) {}

  /** Check a spec and queue it; throws FaultSpecError with a message fit for a 400 answer. */
  add(input: unknown): FaultRule {
    return this.addAll([input])[0];
  }

  /** Check every spec, then queue them all, or none (a bad spec or too many): FaultSpecError. */
  addAll(inputs: readonly unknown[]): FaultRule[] {
    const specs = inputs.map((input, i) => {
      try {
        return this.check(input);
      } catch (err) {
        if (err instanceof FaultSpecError && inputs.length > 1) throw new FaultSpecError(`fault ${i}: ${err.message}`);
        throw err;
      }
    });
    if (this.count + specs.length > this.limits.maxRules)
      throw new FaultSpecError(
        `at most ${this.limits.maxRules} fault rules may be queued (faultLimit); ${this.count} are, and ${specs.length} more were asked for: clear some first (DELETE /admin/api/faults)`,
      );
    return specs.map((spec) => this.queue(spec));
  }

  private queue(spec: FaultSpec): FaultRule {
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
    let own = this.rules.get(rule.customer);
    if (!own) this.rules.set(rule.customer, (own = []));
    own.push(rule);
    this.count++;
    return { ...rule };
  }

  private check(input: unknown): FaultSpec {
    const parsed = faultSpecSchema.safeParse(input);
    if (!parsed.success) throw new FaultSpecError(zodProblems(parsed.error));
    const s = parsed.data;
    if (!this.accounts.customer(s.customer))
      throw new FaultSpecError(`customer ${JSON.stringify(s.customer)} is not in the accounts fixture`);
    if ((s.code === undefined) === (s.transport === undefined))
      throw new FaultSpecError('give exactly one of code (a catalog status code) or transport');
    if (s.code !== undefined) {
      if (!statusEntry(s.code))
        throw new FaultSpecError(`code ${s.code} is not a status code of the catalog (docs/status-codes.md)`);
      const ops = operationsAnswering(s.code);
      if (s.operation && !ops.includes(s.operation))
        throw new FaultSpecError(`${s.operation} never answers ${s.code} (the catalog lists it for ${ops.join(', ')})`);
      if (s.after) throw new FaultSpecError('after applies to transport faults only');
    }
    if (s.hangMs !== undefined) {
      if (s.transport !== 'hang') throw new FaultSpecError('hangMs applies to transport "hang" only');
      if (s.hangMs > this.limits.hangLimitMs)
        throw new FaultSpecError(
          `hangMs ${s.hangMs} is above the limit of ${this.limits.hangLimitMs} (faultHangLimitMs)`,
        );
    }
    return s;
  }

  /** Queued rules, oldest first: all, or one customer's. */
  list(customer?: string): FaultRule[] {
    const rules =
      customer === undefined
        ? [...this.rules.values()].flat().sort((a, b) => a.id - b.id)
        : (this.rules.get(customer) ?? []);
    return rules.map((r) => ({ ...r }));
  }

  /** how many rules are queued, all customers together */
  get size(): number {
    return this.count;
  }

  /** Remove rules (all, one customer's, or one by id); returns how many went. */
  clear(filter: { customer?: string; id?: number } = {}): number {
    const before = this.count;
    for (const [customer, rules] of this.rules) {
      if (filter.customer !== undefined && customer !== filter.customer) continue;
      const kept = filter.id === undefined ? [] : rules.filter((r) => r.id !== filter.id);
      this.count -= rules.length - kept.length;
      if (kept.length) this.rules.set(customer, kept);
      else this.rules.delete(customer);
    }
    return before - this.count;
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
    if (customerUri === undefined || !this.rules.get(customerUri)?.some((r) => r.transport !== undefined))
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
    const rules = this.rules.get(customer);
    if (!rules) return undefined;
    for (const [i, rule] of rules.entries()) {
      if (!matches(rule)) continue;
      rule.seen++;
      if (rule.rate !== undefined && this.random.stream(faultStreamName(customer)).float() >= rule.rate) continue;
      rule.fired++;
      if (rule.remaining !== undefined && --rule.remaining <= 0) {
        rules.splice(i, 1);
        this.count--;
        if (!rules.length) this.rules.delete(customer);
      }
      return rule;
    }
    return undefined;
  }
}
