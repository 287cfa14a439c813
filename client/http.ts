import { CcmAbortError, CcmTransportError, type ClientOperation } from './errors.js';

/**
 * What both transports (SOAP, REST) do the same around one HTTP request: the per-request timeout joined with the
 * caller's AbortSignal, and a failed fetch told apart as the caller's abort, the timeout or the network. Neither
 * transport retries anything; for an operation that is not safe to repeat, the error says whether the request may
 * have reached the service.
 */

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface CallOptions {
  signal?: AbortSignal;
}

export interface RequestDeadline {
  /** what to give fetch: the caller's signal and the timeout, whichever fires first */
  signal?: AbortSignal;
  timeout?: AbortSignal;
  timeoutMs: number;
}

/** The signal one request runs under: the caller's and a timeout of `timeoutMs` (none when 0). */
export function requestDeadline(userSignal: AbortSignal | undefined, timeoutMs: number | undefined): RequestDeadline {
  const ms = timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const timeout = ms > 0 ? AbortSignal.timeout(ms) : undefined;
  const signals = [userSignal, timeout].filter((s): s is AbortSignal => !!s);
  return { signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0], timeout, timeoutMs: ms };
}

/**
 * A request that got no answer, as the error to throw: CcmAbortError when the caller's signal fired,
 * CcmTransportError 'timeout' when the deadline passed, else 'network'. `unsafe` operations (enroll, revoke, ...)
 * say whether the request may have been carried out; `sent` is false when it never left.
 */
export function requestFailure(opts: {
  operation: ClientOperation;
  /** where it was sent, for the message */
  target: string;
  err: unknown;
  userSignal: AbortSignal | undefined;
  deadline: RequestDeadline;
  unsafe: boolean;
  sent: boolean;
}): CcmAbortError | CcmTransportError {
  const { operation, target, err, userSignal, deadline, unsafe, sent } = opts;
  if (userSignal?.aborted)
    return new CcmAbortError(operation, { cause: userSignal.reason, mayHaveReachedService: unsafe && sent });
  if (deadline.timeout?.aborted) {
    return new CcmTransportError(
      'timeout',
      `${operation}: no answer from ${target} within ${deadline.timeoutMs} ms${unsafe ? ' (the request may have been processed: check before repeating it)' : ''}`,
      operation,
      { mayHaveReachedService: unsafe },
      err,
    );
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return new CcmTransportError(
    'network',
    `${operation}: cannot reach ${target}: ${why}`,
    operation,
    { mayHaveReachedService: unsafe && cause?.code !== 'ECONNREFUSED' && cause?.code !== 'ENOTFOUND' },
    err,
  );
}

/** `url` parsed, when it is an http(s) URL; a TypeError saying why not otherwise. */
export function httpUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${url}`);
  return u;
}

/** The start of a body, as one line of readable text (markup dropped), for messages. */
export function bodySnippet(text: string, max = 200): string {
  const t = text
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > max ? t.slice(0, max) + '...' : t;
}
