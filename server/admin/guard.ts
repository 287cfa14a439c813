import type { NextFunction, Request, Response } from 'express';
import { isIP } from 'node:net';
import { allowedHostList, type MockConfig } from '../config.js';
import { truncate } from '../lib/truncate.js';

/**
 * What stands in front of the whole admin surface (/admin, /admin/api), before the token:
 *
 * - DNS rebinding: a web page whose name is made to resolve to 127.0.0.1 reaches the mock as its own origin,
 *   so the browser's same-origin rules protect nothing. The Host header tells: the admin surface answers only
 *   under an IP literal, localhost or *.localhost, the public URL's host, or a name in allowedHosts.
 * - Cross-site requests (CSRF): a page elsewhere can make a browser POST here, with the Basic credentials the
 *   browser remembers. A state-changing request is refused when the browser says it is cross-site
 *   (Sec-Fetch-Site) or names another origin (Origin, `null` included). The JSON API takes only
 *   application/json, which a page elsewhere cannot send without a CORS preflight the mock never grants;
 *   the page's own forms (form-encoded, which any site can send) must prove they are same-origin.
 * - Headers: no framing (clickjacking the page's buttons), no MIME sniffing, no caching of what it shows.
 */

/** The headers of every admin answer. The page has inline CSS, no script, and forms posting to itself. */
export const ADMIN_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  // not no-referrer: under it a browser sends `Origin: null` with the page's own form posts (Fetch's origin serialization)
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host name of a Host header value (no port, lowercase, no trailing dot; an IPv6 literal without brackets). */
export function hostNameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  const name = colon >= 0 && /^\d*$/.test(h.slice(colon + 1)) ? h.slice(0, colon) : h;
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** Whether the admin surface answers under this Host header. */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (!host) return false;
  const name = hostNameOf(host);
  if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((a) => (a.startsWith('.') ? name === a.slice(1) || name.endsWith(a) : name === a));
}

/** The names the admin surface answers under beside IP literals and localhost: allowedHosts and the public URL's host. */
export function allowedAdminHosts(config: Pick<MockConfig, 'allowedHosts' | 'publicBaseUrl'>): string[] {
  const names = allowedHostList(config.allowedHosts);
  if (config.publicBaseUrl) names.push(hostNameOf(new URL(config.publicBaseUrl).host));
  return names;
}

/** The media type of a Content-Type header, lowercase, without parameters. */
function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Why a state-changing request is cross-site, or undefined when nothing says it is. `proven`: the request
 * must also show it comes from the mock's own pages (a same-origin Sec-Fetch-Site or Origin).
 */
function crossSite(req: Request, ownHosts: readonly string[], proven: boolean): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host === undefined || !ownHosts.includes(host.toLowerCase())) return `Origin: ${origin}`;
    return undefined;
  }
  if (proven && site !== 'same-origin') return 'neither Origin nor Sec-Fetch-Site says it comes from this page';
  return undefined;
}

export interface AdminGuardOptions {
  /** names allowed beside IP literals and localhost (allowedAdminHosts) */
  allowedHosts: readonly string[];
  /** X-Forwarded-Host names the page's own origin too (behind a proxy that rewrites Host) */
  trustProxy: boolean;
}

/** The guard for everything under /admin: mount it before the admin API and page. */
export function adminGuard(options: AdminGuardOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.set(ADMIN_HEADERS);
    // express matches paths without case: so does this
    const api = req.originalUrl.toLowerCase().startsWith('/admin/api');
    const refuse = (status: number, message: string) => {
      if (api) res.status(status).json({ error: message, status });
      else
        res
          .status(status)
          .type('text/plain')
          .send(message + '\n');
    };
    const host = req.headers.host;
    if (!hostAllowed(host, options.allowedHosts)) {
      refuse(
        403,
        `the admin surface does not answer under Host ${JSON.stringify(truncate(host ?? '', 64))} (a DNS-rebinding guard): add the name to allowedHosts (--allowed-hosts, CCM_MOCK_ALLOWED_HOSTS)`,
      );
      return;
    }
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const forwarded = options.trustProxy ? req.headers['x-forwarded-host'] : undefined;
    const ownHosts = [host!, ...(typeof forwarded === 'string' ? forwarded.split(',') : [])].map((h) =>
      h.trim().toLowerCase(),
    );
    const form = !api;
    const why = crossSite(req, ownHosts, form);
    if (why !== undefined) {
      refuse(
        403,
        `cross-site request refused (${truncate(why, 96)}): the admin surface takes requests from its own pages and from non-browser clients only`,
      );
      return;
    }
    if (api && mediaType(req) !== 'application/json') {
      refuse(
        415,
        `the admin API takes Content-Type: application/json on ${req.method} (a cross-site guard), got ${JSON.stringify(truncate(req.headers['content-type'] ?? 'none', 64))}: curl --json '{}' or -H 'Content-Type: application/json'`,
      );
      return;
    }
    next();
  };
}
