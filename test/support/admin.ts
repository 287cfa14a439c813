/**
 * The admin JSON API over real HTTP, as a test (or curl) uses it. A state-changing request says
 * Content-Type: application/json, body or not (the API refuses anything else: a cross-site guard).
 */

export interface AdminAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function adminCall<T = any>(
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

/** A bound helper: `const admin = adminClient(mock.url); await admin('POST', '/admin/api/...', {...})`. */
export function adminClient(baseUrl: string, headers: Record<string, string> = {}) {
  return <T = any>(method: string, path: string, body?: unknown) => adminCall<T>(baseUrl, method, path, body, headers);
}
