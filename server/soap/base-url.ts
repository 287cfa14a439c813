import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Where a request's base URL comes from (config `publicBaseUrl`, `trustProxy`). */
export interface BaseUrlSource {
  /** the configured public base URL (resolveConfig trims it): when set, every request gets it */
  publicBaseUrl?: string;
  /** honour X-Forwarded-Proto / X-Forwarded-Host (only behind a proxy that sets them; anyone else can too) */
  trustProxy?: boolean;
}

/** A host[:port] as a Host header may carry it, at most 253 characters of name and a port. */
const HOST = /^(?:[A-Za-z0-9.\-_~%]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The base URL a client used to reach the mock, without a trailing slash: the configured public base URL
 * when there is one, else the request's scheme and host; X-Forwarded-Proto / X-Forwarded-Host only with
 * `trustProxy`. A Host header is client input: what a host[:port] cannot be falls back to localhost.
 */
export function requestBaseUrl(req: IncomingMessage, source: BaseUrlSource = {}): string {
  if (source.publicBaseUrl) return source.publicBaseUrl;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();
  const proto = source.trustProxy ? first(req.headers['x-forwarded-proto']) : undefined;
  const host = (source.trustProxy ? first(req.headers['x-forwarded-host']) : undefined) ?? req.headers.host;
  const scheme = proto === 'https' || proto === 'http' ? proto : (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  const safeHost = host && HOST.test(host) ? host : `localhost:${req.socket.localPort ?? 80}`;
  return `${scheme}://${safeHost}`;
}
