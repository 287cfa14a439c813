import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  RequestListener,
  ServerResponse,
} from 'node:http';
import { rewriteWsdlLocations, SERVICE_PATH } from '../../wsdl/contract.js';
import { HEALTH_PATHS } from '../http/health.js';
import { requestBaseUrl } from '../soap/base-url.js';
import { readBody } from '../soap/body.js';
import { encodeFault } from '../../wsdl/codec/index.js';
import { SOAP11_CONTENT_TYPE, SoapFault } from '../soap/fault.js';
import type { IdleQueue } from './idle-queue.js';
import { UpstreamError, type Upstream, type UpstreamAnswer } from './upstream.js';

/**
 * The proxy's HTTP face: everything under /ws/EPKIManager goes to the upstream as it came (body, Content-Type,
 * SOAPAction, Content-Encoding) and the upstream's answer comes back as it was (status, Content-Type, body),
 * except that a WSDL or schema document (?wsdl, ?xsd=) has its soap:address and imports pointed at the proxy.
 * An upstream that cannot be reached, is too slow, fails TLS or answers something that is not HTTP gets the
 * caller a SOAP 1.1 Server fault (HTTP 502, or 504 for the deadline) with a one-line reason. Every exchange is
 * handed to `observations` after the caller has its answer.
 */

export interface ProxiedRequest {
  method: string;
  /** path and query as the caller sent them */
  url: string;
  headers: IncomingHttpHeaders;
  /** the body as received (still compressed when the caller compressed it); undefined when it had none */
  body?: Buffer;
}

export interface Exchange {
  /** wall-clock time the request arrived */
  at: number;
  /** 'soap' for a POST, 'document' for a GET of the WSDL, a schema or the service page */
  kind: 'soap' | 'document';
  request: ProxiedRequest;
  /** what the caller got: the upstream's answer, or the proxy's fault */
  response: { status: number; headers: OutgoingHttpHeaders; body: Buffer };
  /** the upstream's answer as received (a rewritten WSDL differs from what the caller got) */
  upstream?: UpstreamAnswer;
  /** why the caller got the proxy's fault instead */
  error?: { kind: string; message: string };
  timing: {
    /** reading the caller's request */
    readMs: number;
    /** request sent to the upstream's headers, and to its last byte */
    upstreamHeadersMs?: number;
    upstreamTotalMs?: number;
    /** arrival to the answer written */
    totalMs: number;
  };
}

export interface ProxyHttpOptions {
  upstream: Upstream;
  maxBodyBytes: number;
  publicBaseUrl?: string;
  /** where answered exchanges go to be observed (once no other exchange is in flight, see idle-queue.ts) */
  observations?: IdleQueue<Exchange>;
  /** /readyz: resolves to undefined when the upstream is reachable, else why not */
  readiness: () => Promise<string | undefined>;
  /** set while stopping: /readyz answers 503 */
  stopping?: () => boolean;
}

/** A header's value as one string ('' when absent). */
export const headerText = (value: string | string[] | number | undefined): string =>
  Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value);

/** Headers that belong to one connection (RFC 9110 7.6.1), and ones the proxy sets itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);

function endToEnd(headers: IncomingHttpHeaders, drop: readonly string[] = []): OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.includes(name) || drop.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** A GET for a document the proxy rewrites: ?wsdl, or a schema import ?xsd=N. */
function isDocumentQuery(query: string): boolean {
  return query
    .slice(1)
    .split('&')
    .some((p) => /^(wsdl|xsd)(=|$)/i.test(p));
}

const XML_TYPE = /xml/i;

export function proxyListener(opts: ProxyHttpOptions): RequestListener {
  const { upstream } = opts;
  const upstreamPath = upstream.target('').pathname;

  const health = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        'Cache-Control': 'no-store',
      });
      res.end(text);
    };
    if (path === HEALTH_PATHS.live) {
      json(200, { status: 'ok' });
      return;
    }
    if (opts.stopping?.()) {
      json(503, { status: 'stopping', checks: { upstream: 'the proxy is stopping' } });
      return;
    }
    opts.readiness().then(
      (problem) =>
        json(problem ? 503 : 200, { status: problem ? 'not ready' : 'ready', checks: { upstream: problem ?? 'ok' } }),
      () => json(503, { status: 'not ready', checks: { upstream: 'the check failed' } }),
    );
  };

  return (req, res) => {
    const started = performance.now();
    const at = Date.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q);
    if ((path === HEALTH_PATHS.live || path === HEALTH_PATHS.ready) && req.method === 'GET') {
      health(req, res, path);
      return;
    }
    if (path !== SERVICE_PATH) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(
        `Not found. This is ccm-mock proxy: the endpoint is ${SERVICE_PATH} (forwarded to ${upstream.origin}${upstreamPath})\n`,
      );
      return;
    }
    const kind: Exchange['kind'] = req.method === 'POST' ? 'soap' : 'document';
    const rewrite = req.method === 'GET' && isDocumentQuery(query);
    const caller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) caller.abort();
    });

    readBody(
      req,
      opts.maxBodyBytes,
      (bodyError, body) => {
        const readMs = performance.now() - started;
        let forwarding = false;
        const request: ProxiedRequest = { method: req.method ?? 'GET', url, headers: req.headers, body };
        const answer = (
          exchange: Omit<Exchange, 'at' | 'kind' | 'request' | 'timing'>,
          upstreamTiming?: UpstreamAnswer,
        ) => {
          const { status, headers, body: out } = exchange.response;
          if (!res.headersSent && !res.destroyed) {
            res.writeHead(status, { ...headers, 'content-length': out.length });
            res.end(out);
          }
          const observed: Exchange = {
            ...exchange,
            at,
            kind,
            request,
            timing: {
              readMs,
              upstreamHeadersMs: upstreamTiming?.headersMs,
              upstreamTotalMs: upstreamTiming?.totalMs,
              totalMs: performance.now() - started,
            },
          };
          // observed after the answer has left, and after any other exchange in flight has its answer too
          if (forwarding) opts.observations?.ended();
          forwarding = false;
          opts.observations?.add(observed);
        };
        const fail = (status: number, reason: string, errorKind: string) => {
          answer({
            response: faultAnswer(new SoapFault('Server', reason, status)),
            error: { kind: errorKind, message: reason },
          });
        };
        if (bodyError) {
          const reason =
            bodyError.type === 'entity.too.large'
              ? `Request entity too large: the proxy limit is ${opts.maxBodyBytes} bytes`
              : `Bad request: ${bodyError.message}`;
          answer({
            response: faultAnswer(new SoapFault('Client', reason, bodyError.status)),
            error: { kind: 'request', message: reason },
          });
          return;
        }
        const headers = endToEnd(req.headers, rewrite ? ['accept-encoding'] : []);
        if (body) headers['content-length'] = body.length;
        forwarding = true;
        opts.observations?.started();
        upstream.send(request.method, query, headers, body, caller.signal).then(
          (got) => {
            let out = got.body;
            if (
              rewrite &&
              got.status === 200 &&
              XML_TYPE.test(headerText(got.headers['content-type'])) &&
              !got.headers['content-encoding']
            ) {
              const location = requestBaseUrl(req, { publicBaseUrl: opts.publicBaseUrl }) + SERVICE_PATH;
              out = Buffer.from(rewriteWsdlLocations(got.body.toString('utf8'), location, upstreamPath), 'utf8');
            }
            answer({ response: { status: got.status, headers: endToEnd(got.headers), body: out }, upstream: got }, got);
          },
          (err: unknown) => {
            const e = err instanceof UpstreamError ? err : new UpstreamError('protocol', String(err));
            fail(e.httpStatus, e.message, e.kind);
          },
        );
      },
      undefined,
      true,
    );
  };
}

/** A fault from the proxy itself, as Metro would write it (the server's fault writer). */
function faultAnswer(fault: SoapFault): Exchange['response'] {
  return {
    status: fault.httpStatus,
    headers: { 'content-type': SOAP11_CONTENT_TYPE },
    body: Buffer.from(encodeFault(fault.faultCode, fault.message), 'utf8'),
  };
}
