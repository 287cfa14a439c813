import { z } from 'zod';
import type { RestOperationName } from '../wsdl/rest/index.js';
import type { DriftItem } from './conformance/drift.js';

/**
 * How a REST answer differs from the contract (wsdl/rest/schemas.ts), read leniently as a client of a live
 * service must: fields the contract lacks are tolerated, and so are missing or differently typed ones, but each is
 * reported as a drift item saying where, what the contract has, what the answer has, and what to change in the
 * mock. A field missing or unknown in every item of a list is reported once (`items[]`).
 */

const SCHEMAS = 'wsdl/rest/schemas.ts';
const ABSENT = '(absent)';

function describe(value: unknown): string {
  if (value === undefined) return ABSENT;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const text = JSON.stringify(value);
  const shown = text.length > 40 ? text.slice(0, 39) + '…' : text;
  return typeof value === 'object' ? `object ${shown}` : `${typeof value} ${shown}`;
}

/** The schema without optional/nullable/default wrappers. */
function bare(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault)
    s = s.unwrap() as z.ZodType;
  return s;
}

/** Paths (array indices as []) of the fields an answer has that the schema does not know. */
function unknownFields(schema: z.ZodType, value: unknown, path: string[], out: Map<string, unknown>): void {
  const s = bare(schema);
  if (s instanceof z.ZodObject && value && typeof value === 'object' && !Array.isArray(value)) {
    const shape = s.shape as Record<string, z.ZodType>;
    for (const [key, v] of Object.entries(value)) {
      if (Object.hasOwn(shape, key)) unknownFields(shape[key], v, [...path, key], out);
      else if (!out.has([...path, key].join(' > '))) out.set([...path, key].join(' > '), v);
    }
  } else if (s instanceof z.ZodArray && Array.isArray(value)) {
    for (const item of value) unknownFields(s.element as z.ZodType, item, [...path, '[]'], out);
  } else if (s instanceof z.ZodRecord && value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) unknownFields(s.valueType as z.ZodType, v, [...path, key], out);
  }
}

/** Every difference between `value` (a parsed JSON answer, or `what`: its error body) and `schema`, as drift items. */
export function answerDrift(
  operation: RestOperationName,
  schema: z.ZodType,
  value: unknown,
  what: 'answer' | 'error body' = 'answer',
): DriftItem[] {
  const where = (path: string) => `${operation} ${what}${path ? ` > ${path}` : ''}`;
  const items: DriftItem[] = [];
  const seen = new Set<string>();
  const parsed = schema.safeParse(value);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const path = issue.path.map((p) => (typeof p === 'number' ? '[]' : String(p))).join(' > ');
    if (seen.has(path)) continue;
    seen.add(path);
    let actual: unknown = value;
    for (const p of issue.path) actual = (actual as Record<PropertyKey, unknown> | undefined)?.[p];
    const expected = 'expected' in issue && typeof issue.expected === 'string' ? issue.expected : issue.message;
    items.push({
      aspect: 'field',
      path: where(path),
      expected,
      actual: describe(actual),
      fix:
        actual === undefined
          ? `the endpoint leaves it out: make it optional in ${SCHEMAS} (and in the mock's answer) if that is its rule`
          : `change its type in ${SCHEMAS} and the mock's answer (server/domain/rest-service.ts) to what the endpoint sends`,
    });
  }
  const unknown = new Map<string, unknown>();
  unknownFields(schema, value, [], unknown);
  for (const [path, v] of unknown)
    items.push({
      aspect: 'field',
      path: where(path),
      expected: ABSENT,
      actual: describe(v),
      fix: `add it to the contract (${SCHEMAS}) and to the mock's answer, if clients should see it`,
    });
  return items;
}
