import type { ServerResponse } from 'node:http';
import {
  restDescription,
  restStatus,
  type RestError,
  type RestStatusEntry,
  type RestStatusName,
} from '../../wsdl/rest/index.js';

/**
 * REST error answers: always the JSON body `{"code": <negative>, "description": "...", "details"?: "..."}` with
 * the catalog entry's HTTP status, whatever failed (an operation's refusal, a body that is not JSON, a route that
 * does not exist, an exception). Clients parse every error body as JSON.
 */

/** An error answer: the catalog entry, the value its `{0}` names, and what ccm-mock adds (`details`). */
export interface RestFailure {
  entry: RestStatusEntry;
  value?: string | number;
  details?: string;
}

export const failure = (name: RestStatusName, value?: string | number, details?: string): RestFailure => ({
  entry: restStatus(name),
  ...(value !== undefined ? { value } : {}),
  ...(details !== undefined ? { details } : {}),
});

export function errorBody(f: RestFailure): RestError {
  return {
    code: f.entry.code,
    description: restDescription(f.entry, f.value),
    ...(f.details !== undefined ? { details: f.details } : {}),
  };
}

export const JSON_CONTENT_TYPE = 'application/json';

/** Write a JSON answer (the body as a string, with its length: never chunked). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text, 'utf8'),
  });
  res.end(text, 'utf8');
}

export function sendError(res: ServerResponse, f: RestFailure, headers: Record<string, string> = {}): void {
  sendJson(res, f.entry.http, errorBody(f), headers);
}

/**
 * What an error thrown on the way became: body-parser's refusals (too large, not JSON, an unknown charset), the
 * router's (a path it cannot decode), anything else an internal error (logged by the caller).
 */
export function failureOf(err: unknown, maxBodyBytes: number): { failure: RestFailure; unexpected: boolean } {
  const e = err as { status?: unknown; type?: unknown; message?: unknown; charset?: unknown };
  // a parser's message may quote what was sent: cut short
  const text = typeof e?.message === 'string' ? e.message : String(err);
  const message = text.length > 200 ? `${text.slice(0, 200)}...` : text;
  switch (e?.type) {
    case 'entity.too.large':
      return { failure: failure('BODY_TOO_LARGE', maxBodyBytes), unexpected: false };
    case 'entity.parse.failed':
      return { failure: failure('MALFORMED_REQUEST', message), unexpected: false };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { failure: failure('UNSUPPORTED_MEDIA_TYPE', message), unexpected: false };
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return { failure: failure('BAD_REQUEST', message), unexpected: false };
  return { failure: failure('INTERNAL_ERROR'), unexpected: true };
}
