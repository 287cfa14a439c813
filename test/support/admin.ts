/**
 * The admin JSON API over real HTTP, as a test (or curl) uses it. A state-changing request says
 * Content-Type: application/json, body or not (the API refuses anything else: a cross-site guard).
 */

import type { MockAdmin } from '../../server/admin/admin.js';

export type { ClockView, FaultView, OrderDetail, OrderSummary, OrganizationView } from '../../server/admin/admin.js';
export type { JournalEntry } from '../../server/admin/journal.js';

/** What the routes answer, named by the MockAdmin method behind them (the server's own types). */
export type AdminInfo = ReturnType<MockAdmin['info']>;
export type ResetAnswer = ReturnType<MockAdmin['reset']>;
export interface RouteList {
  routes: { method: string; path: string; what: string }[];
}
/** Every refusal: `{ error, status }` with the HTTP status repeated. */
export interface AdminErrorBody {
  error: string;
  status: number;
}

/**
 * `body` is the parsed JSON (or the text of a non-JSON answer). T is what the caller expects the route to answer
 * (one of the types above); it is not checked at run time, so a test names it instead of reading an `any`.
 */
export interface AdminAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function adminCall<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<AdminAnswer<T>> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { ...(body !== undefined || method !== 'GET' ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** A bound helper: `const admin = adminClient(mock.url); await admin<OrderDetail>('POST', '/admin/api/...', {...})`. */
export function adminClient(baseUrl: string, headers: Record<string, string> = {}) {
  return <T = unknown>(method: string, path: string, body?: unknown) =>
    adminCall<T>(baseUrl, method, path, body, headers);
}
