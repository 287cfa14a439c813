import type { HttpReply } from './exchange.js';

/**
 * Comparing ccm-mock's answer with Metro's. Compared exactly: the status, the Content-Type and the body
 * byte for byte (so element names, namespaces, prefixes, nesting, self-closing, escaping, fault codes and
 * fault strings all count). Only two things are normalised, both where the two servers cannot agree by
 * construction:
 * - each server's own address in the body (the mock's public base URL, the oracle's loopback port), and the
 *   implementation class Metro's endpoint page names (the oracle's Java class, "ccm-mock" for the mock);
 * - Metro's `; charset=` (and ` ;charset=`) in Content-Type becomes `;charset=`: the JDK HTTP server the oracle runs in sends
 *   the header as Metro writes it, a servlet container (where the live service runs) re-serialises it
 *   without the space - the SSL service's real responses say `text/xml;charset=utf-8`.
 * Business values need no normalising: the oracle's answers come from a twin of the mock's domain.
 */

export interface Side {
  reply: HttpReply;
  /** the server's own base URL as it appears in its answers, e.g. http://127.0.0.1:40123 */
  base: string;
}

export interface Difference {
  what: 'status' | 'content-type' | 'body';
  mock: string;
  metro: string;
}

export const BASE = '{BASE}';

function bodyText(side: Side): string {
  return side.reply.body
    .toString('utf8')
    .split(side.base)
    .join(BASE)
    .replace(/(<td>Implementation class:<\/td><td>)[^<]*/, '$1{CLASS}');
}

function contentType(reply: HttpReply, servletForm: boolean): string {
  const value = reply.headers['content-type'] ?? '(none)';
  return servletForm ? value.replace(/\s*;\s*charset=/i, ';charset=') : value;
}

export function differences(mock: Side, metro: Side): Difference[] {
  const out: Difference[] = [];
  if (mock.reply.status !== metro.reply.status)
    out.push({ what: 'status', mock: String(mock.reply.status), metro: String(metro.reply.status) });
  const types = [contentType(mock.reply, false), contentType(metro.reply, true)];
  if (types[0] !== types[1]) out.push({ what: 'content-type', mock: types[0], metro: types[1] });
  const bodies = [bodyText(mock), bodyText(metro)];
  if (bodies[0] !== bodies[1]) out.push({ what: 'body', mock: bodies[0], metro: bodies[1] });
  return out;
}
