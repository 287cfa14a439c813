import { z } from 'zod';
import { OPERATIONS } from '../../wsdl/contract.js';
import { zodProblems } from '../domain/faults.js';
import { ORDER_STATES } from '../domain/orders.js';
import { AdminError } from './admin-error.js';

/**
 * What the admin API and the in-process handle accept, as zod schemas: every field bounded (numbers to a
 * range, texts to a length), unknown fields refused, and a mistake answered 400 with the field named.
 * Query strings arrive as text; a field given twice (?limit=1&limit=2) is refused, not guessed at.
 */

/** The longest name, email or note the admin API takes. */
export const MAX_ADMIN_TEXT = 256;
/** The largest page of orders or journal entries one request answers. */
export const MAX_PAGE = 1000;
/** An xs:int, the type of order numbers and orgIds on the wire. */
const MAX_INT = 2 ** 31 - 1;

/** A query or path value: absent or empty is undefined, given twice is a mistake. */
const once = (name: string) => (value: unknown) => {
  if (Array.isArray(value)) throw new AdminError(400, `${name} must be given once`);
  return value === '' ? undefined : value;
};

/** A whole number in [min, max], as JSON number or as query text. */
export function wholeNumber(name: string, min: number, max: number) {
  const message = `${name} must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    once(name),
    z
      .union(
        [
          z.number(),
          z
            .string()
            .regex(/^\s*\d+\s*$/)
            .transform(Number),
        ],
        {
          error: (issue) => `${message}, got ${JSON.stringify(issue.input)}`,
        },
      )
      .pipe(
        z
          .number()
          .int({ error: (issue) => `${message}, got ${JSON.stringify(issue.input)}` })
          .min(min, { error: (issue) => `${message}, got ${JSON.stringify(issue.input)}` })
          .max(max, { error: (issue) => `${message}, got ${JSON.stringify(issue.input)}` }),
      ),
  );
}

/** Text of at most `max` characters. */
export function text(name: string, max = MAX_ADMIN_TEXT) {
  return z.preprocess(
    once(name),
    z.string({ error: `${name} must be text` }).max(max, { error: `${name} must be at most ${max} characters` }),
  );
}

export const orderNumberParam = wholeNumber('orderNumber', 1, MAX_INT);
export const orgIdParam = wholeNumber('orgId', 1, MAX_INT);

export const orderQuerySchema = z.object({
  customer: text('customer').optional(),
  org: wholeNumber('org', 1, MAX_INT).optional(),
  email: text('email').optional(),
  state: z
    .preprocess(once('state'), z.enum(ORDER_STATES, { error: `state must be one of ${ORDER_STATES.join(', ')}` }))
    .optional(),
  limit: wholeNumber('limit', 1, MAX_PAGE).optional(),
  offset: wholeNumber('offset', 0, 1_000_000).optional(),
});

export const journalQuerySchema = z.object({
  customer: text('customer').optional(),
  operation: z
    .preprocess(once('operation'), z.enum(OPERATIONS, { error: `operation must be one of ${OPERATIONS.join(', ')}` }))
    .optional(),
  order: wholeNumber('order', 1, MAX_INT).optional(),
  since: wholeNumber('since', 0, Number.MAX_SAFE_INTEGER).optional(),
  limit: wholeNumber('limit', 1, MAX_PAGE).optional(),
});

export const faultFilterSchema = z.strictObject({
  customer: text('customer').optional(),
  id: wholeNumber('id', 1, Number.MAX_SAFE_INTEGER).optional(),
});

/** The body of POST /admin/api/orders/{n}/{action}: a note (approve, ...) or a revocation reason. */
export const actionBodySchema = z.strictObject(
  { reason: text('reason').optional(), note: text('note').optional() },
  { error: unknownFields('an action takes reason or note') },
);

export const advanceBodySchema = z.strictObject(
  { by: z.union([z.string().max(32), z.number()]).optional(), ms: z.number().optional() },
  { error: unknownFields('give {"by": "90s"} (ms, s, m, h, d) or {"ms": 90000}') },
);

export const setClockBodySchema = z.strictObject(
  { now: z.string({ error: 'give {"now": "2030-01-01T00:00:00Z"} (an instant with its zone, or a date)' }).max(64) },
  { error: unknownFields('give {"now": "2030-01-01T00:00:00Z"}') },
);

export const orgChangeSchema = z.strictObject(
  {
    suspended: z.boolean({ error: 'suspended must be true, false or null' }).nullable().optional(),
    delay: z
      .union([z.string().max(32), z.number()], {
        error: 'delay must be a delay ("3s", 1500, "2s-8s", "3polls") or null',
      })
      .nullable()
      .optional(),
  },
  { error: unknownFields('an organization has suspended and delay') },
);

export const resetBodySchema = z.strictObject(
  {
    customer: text('customer').optional(),
    seed: z
      .string()
      .regex(/^[\w.-]{1,64}$/, { error: 'seed must be 1-64 letters, digits, dots, dashes or underscores' })
      .optional(),
  },
  { error: unknownFields('a reset takes customer or seed') },
);

/** An error map naming unknown fields (and what is expected) or a body that is not an object. */
function unknownFields(expected: string) {
  return (issue: z.core.$ZodRawIssue): string | undefined =>
    issue.code === 'unrecognized_keys'
      ? `unknown field(s) ${(issue as { keys: string[] }).keys.join(', ')}; ${expected}`
      : issue.code === 'invalid_type' && !issue.path?.length
        ? `the body must be a JSON object; ${expected}`
        : undefined;
}

/** `value` checked against `schema`, or AdminError 400 naming each problem. */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new AdminError(400, zodProblems(parsed.error));
  return parsed.data;
}
