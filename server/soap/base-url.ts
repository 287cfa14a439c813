import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * The base URL a client used to reach the mock, without a trailing slash: the configured public base URL
 * when there is one (resolveConfig trims it), else the request's scheme and host, honouring
 * X-Forwarded-Proto / X-Forwarded-Host from a proxy.
 */
export function requestBaseUrl(req: IncomingMessage, publicBaseUrl?: string): string {
  if (publicBaseUrl) return publicBaseUrl;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();
  const proto = first(req.headers['x-forwarded-proto']);
  const host = first(req.headers['x-forwarded-host']) ?? req.headers.host;
  const scheme = proto === 'https' || proto === 'http' ? proto : (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  // a Host header is client input: accept only what a host[:port] can be
  const safeHost =
    host && /^[A-Za-z0-9.\-_~%]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)
      ? host
      : `localhost:${req.socket.localPort ?? 80}`;
  return `${scheme}://${safeHost}`;
}
