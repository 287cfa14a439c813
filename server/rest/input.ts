import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { REST_AUTH_HEADERS } from '../../wsdl/rest/index.js';
import type { RestAuth } from '../domain/rest-service.js';
import { failure, type RestFailure } from './errors.js';

/**
 * Reading a REST request against the contract: the login headers, and a body, query or path value checked with
 * the contract's zod schema. A value that is absent (or null) where one is required is -7 "{field} is required
 * but missing."; any other problem is -1601 "Field '{field}' has invalid value.", with zod's words as details.
 */

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

export function authOf(req: IncomingMessage): RestAuth {
  return {
    login: header(req, REST_AUTH_HEADERS.login),
    password: header(req, REST_AUTH_HEADERS.password),
    customerUri: header(req, REST_AUTH_HEADERS.customerUri),
  };
}

/** A field's path as the docs write it: customFields[0].name */
const fieldName = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

export type Parsed<T> = { value: T } | { failure: RestFailure };

/** `input` checked against `schema`; `what` names the whole when it is not even an object ("the body"). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): Parsed<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { value: result.data };
  const issue = result.error.issues[0];
  if (issue.path.length === 0) return { failure: failure('MALFORMED_REQUEST', `${what} must be a JSON object`) };
  const field = fieldName(issue.path);
  const absent = valueAt(input, issue.path);
  if (absent === undefined || absent === null) return { failure: failure('REQUIRED_FIELD_MISSING', field) };
  // a pattern's source says nothing to a caller
  const details =
    issue.code === 'invalid_format' && issue.format === 'regex' ? 'not in the form the docs give' : issue.message;
  return { failure: failure('INVALID_FIELD', field, details) };
}
