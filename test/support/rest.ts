import { expect } from 'vitest';
import { RestErrorSchema, type RestError, type RestStatusName } from '../../wsdl/rest/index.js';
import { readCsr } from './fixtures.js';

/**
 * The REST API over real HTTP (fetch), the way any client calls it: the login headers, JSON bodies. Every answer
 * that is not 2xx is checked on the spot to be what clients parse: a JSON body `{"code": <negative>,
 * "description": "..."}` (HEAD answers have no body: their Content-Type is checked). `errorsSeen` counts them,
 * so a suite can show the check ran.
 */

export const SANDBOX_LOGIN = { login: 'admin', password: 'sandbox', customerUri: 'sandbox' } as const;
export const OTHER_LOGIN = { login: 'other-admin', password: 'other', customerUri: 'other' } as const;
export const SECOND_ADMIN = { login: 'second-admin', password: 'second', customerUri: 'sandbox' } as const;
export const READONLY_LOGIN = { login: 'readonly-admin', password: 'readonly', customerUri: 'readonly' } as const;

export type Login = Partial<Record<'login' | 'password' | 'customerUri', string>>;

export interface RestAnswer {
  method: string;
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
  /** the body parsed, when it is JSON */
  json?: unknown;
  /** the error body, for a non-2xx answer */
  error?: RestError;
}

export const errorsSeen = { count: 0 };

/**
 * The catalog's codes nothing but fault injection (or an unexpected exception) answers: test/rest/error-codes makes
 * every other one by real input, test/rest/faults-and-tags injects each of these.
 */
export const INJECTION_ONLY: readonly RestStatusName[] = [
  'INTERNAL_ERROR',
  'CA_UNAVAILABLE',
  'NOT_AVAILABLE_NOW',
  'BEING_PROCESSED',
  'QUOTA_REACHED',
];

export interface RestCallOptions {
  login?: Login;
  /** extra or replacing headers (a Content-Type of one's own, ...) */
  headers?: Record<string, string>;
  /** a body sent as it is (not JSON-encoded) */
  raw?: string | Buffer;
}

/** One call: `path` below /api (`/smime/v1/types`), `body` JSON-encoded. */
export async function restCall(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  opts: RestCallOptions = {},
): Promise<RestAnswer> {
  const payload = opts.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const res = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers: {
      Accept: 'application/json',
      ...(opts.login ?? SANDBOX_LOGIN),
      ...(payload !== undefined && opts.raw === undefined ? { 'Content-Type': 'application/json' } : {}),
      ...opts.headers,
    },
    body: payload,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  const contentType = res.headers.get('content-type') ?? '';
  const answer: RestAnswer = { method, status: res.status, headers: res.headers, bytes, text };
  if (contentType.startsWith('application/json') && text) answer.json = JSON.parse(text);
  if (res.status >= 300) {
    errorsSeen.count++;
    const where = `${method} ${path} answered ${res.status} ${contentType}: ${text.slice(0, 300)}`;
    expect(contentType, where).toMatch(/^application\/json/);
    if (method !== 'HEAD') {
      const parsed = RestErrorSchema.strict().safeParse(answer.json);
      expect(parsed.success, where).toBe(true);
      answer.error = parsed.data;
    }
  }
  return answer;
}

/** A caller bound to a mock and a login: `const api = restClient(mock.url); await api('GET', '/smime/v1/types')`. */
export function restClient(baseUrl: string, login: Login = SANDBOX_LOGIN) {
  return (method: string, path: string, body?: unknown, opts: RestCallOptions = {}) =>
    restCall(baseUrl, method, path, body, { login, ...opts });
}

/** An enroll request with the defaults of the sandbox customer (org 1001, profile 101, 365 days). */
export function enrollBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orgId: 1001,
    csr: readCsr(),
    certType: 101,
    term: 365,
    email: 'alice@example.com',
    firstName: 'Alice',
    lastName: 'Example',
    ...over,
  };
}

/**
 * Assert an error answer: its HTTP status and code (and, when given, a piece of its description). A HEAD answer
 * has no body: its status is all there is.
 */
export function expectError(a: RestAnswer, status: number, code: number, description?: string | RegExp): void {
  const where = `${a.status} ${a.text.slice(0, 300)}`;
  expect(a.status, where).toBe(status);
  if (a.method === 'HEAD') return;
  expect(a.error?.code, where).toBe(code);
  if (description !== undefined) expect(a.error?.description, where).toMatch(description);
}
