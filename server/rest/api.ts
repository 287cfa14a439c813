import express, { type NextFunction, type Request, type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import {
  REST_BASE_PATH,
  REST_ENDPOINTS,
  type RestEndpoint,
  type RestOperationName,
  type RevokedCollectCode,
} from '../../wsdl/rest/index.js';
import type { CallRecord } from '../domain/calls.js';
import type { TransportFault } from '../domain/faults.js';
import type { RestAuth, RestService } from '../domain/rest-service.js';
import { errorBody, failure, failureOf, sendError, sendJson, type RestFailure } from './errors.js';
import { HANDLERS, type Answer } from './handlers.js';
import { authOf } from './input.js';
import { failureFor } from './outcomes.js';
import { breakRestTransport } from './transport-faults.js';

/**
 * The REST S/MIME API under /api: one route per endpoint of the contract (wsdl/rest/endpoints.ts). Every request
 * goes the same way: admit the caller (the login headers, the accounts' configuration, injected faults), then
 * read its body and parameters against the contract, then the domain, then the answer. Every error is a JSON
 * body with a negative code (errors.ts), also for paths that are no endpoint, wrong methods, bodies that are not
 * JSON or too large, and anything unexpected.
 */

export interface RestApiOptions {
  service: RestService;
  /** the largest request body (config maxBodyBytes) */
  maxBodyBytes: number;
  /** the wire profile: what collect of a revoked certificate answers */
  revokedCollectCode: RevokedCollectCode;
  /** the base URL a request reached the mock at (certificates' CRL/AIA, Location headers) */
  baseUrlOf: (req: IncomingMessage) => string;
  onCall?: (record: CallRecord) => void;
  /** transport fault injection: asked once a call is admitted */
  intercept?: (call: { operation: RestOperationName; auth: RestAuth }) => TransportFault | undefined;
}

/** A body is there when the request says one follows (a length above 0, or chunks). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const isJson = (contentType: string | undefined) =>
  !!contentType && /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i.test(contentType.trim());

const WITH_BODY = new Set(REST_ENDPOINTS.filter((e) => e.method === 'POST').map((e) => e.operation));

export function restApi(opts: RestApiOptions): express.Router {
  const router = express.Router();
  const api = express.Router({ caseSensitive: true, strict: false });
  router.use(REST_BASE_PATH, api);
  const settings = { revokedCollectCode: opts.revokedCollectCode };
  const parseJson = express.json({ limit: opts.maxBodyBytes, type: () => true, strict: true });

  /** The JSON body (undefined without one), or why it cannot be read. */
  function readBody(req: Request, res: Response): Promise<{ body: unknown } | { failure: RestFailure }> {
    if (!hasBody(req)) return Promise.resolve({ body: undefined });
    const type = req.headers['content-type'];
    if (!isJson(type))
      return Promise.resolve({ failure: failure('UNSUPPORTED_MEDIA_TYPE', (type ?? 'none').slice(0, 100)) });
    return new Promise((resolve) => {
      parseJson(req, res, (err?: unknown) => {
        if (err) resolve({ failure: failureOf(err, opts.maxBodyBytes).failure });
        else resolve({ body: req.body as unknown });
      });
    });
  }

  async function serve(endpoint: RestEndpoint, req: Request, res: Response): Promise<void> {
    const started = performance.now();
    const { operation } = endpoint;
    const auth = authOf(req);
    const record: CallRecord = { api: 'rest', at: Date.now(), operation, httpStatus: 0, latencyMs: 0 };
    const backendCertId = req.params.backendCertId;
    if (typeof backendCertId === 'string' && /^\d{1,10}$/.test(backendCertId))
      record.orderNumber = Number(backendCertId);
    const finished = (status: number) => {
      record.httpStatus = status;
      record.latencyMs = performance.now() - started;
      opts.onCall?.(record);
    };

    let result: Answer;
    let transport: TransportFault | undefined;
    try {
      const admitted = opts.service.admit(operation, auth);
      if ('refusal' in admitted) {
        result = { failure: failureFor(admitted.refusal, operation, settings) };
      } else {
        // journaled under the customer it authenticated as: an unauthenticated customerUri is only a claim
        record.customerUri = admitted.value.customer.customerLoginUri;
        transport = opts.intercept?.({ operation, auth });
        if (transport && !transport.after) {
          record.fault = `injected ${transport.kind}`;
          breakRestTransport(req, res, transport, '', finished);
          return;
        }
        const read = WITH_BODY.has(operation) ? await readBody(req, res) : { body: undefined };
        result =
          'failure' in read
            ? read
            : await HANDLERS[operation]({
                operation,
                principal: admitted.value,
                req,
                body: read.body,
                ctx: { baseUrl: opts.baseUrlOf(req) },
                service: opts.service,
                settings,
              });
      }
    } catch (err) {
      const { failure: f, unexpected } = failureOf(err, opts.maxBodyBytes);
      if (unexpected) console.error('ccm-mock: unexpected error answering a REST call', err);
      result = { failure: f };
    }

    if ('failure' in result) {
      record.code = result.failure.entry.code;
      // a request that could not be read (or an internal error), as SOAP journals its faults; refusals are codes
      if (result.failure.entry.code === -1 || result.failure.entry.code === -2)
        record.fault = errorBody(result.failure).description;
    } else if (result.orderNumber !== undefined) {
      record.orderNumber = result.orderNumber;
    }
    if (transport) {
      record.fault = `injected ${transport.kind} (after dispatch)`;
      const json = 'failure' in result ? JSON.stringify(errorBody(result.failure)) : JSON.stringify(result.json ?? '');
      breakRestTransport(req, res, transport, json, finished);
      return;
    }
    send(res, result);
    finished(res.statusCode);
  }

  // HEAD routes first: a GET route registered before would answer HEAD requests for its path
  const byMethod = [...REST_ENDPOINTS].sort((a, b) => Number(b.method === 'HEAD') - Number(a.method === 'HEAD'));
  for (const endpoint of byMethod) {
    const route = endpoint.path.replace(/\{(\w+)\}/g, ':$1');
    const method = endpoint.method.toLowerCase() as 'get' | 'head' | 'post';
    api[method](route, (req, res) => {
      serve(endpoint, req, res).catch((err: unknown) => {
        // serve answers its own errors: this is writing the answer failing (a connection gone)
        console.error('ccm-mock: could not answer a REST call', err);
        if (!res.headersSent) sendError(res, failure('INTERNAL_ERROR'));
        else res.destroy();
      });
    });
  }
  // every path of an endpoint, asked with a method it does not take
  for (const path of new Set(REST_ENDPOINTS.map((e) => e.path))) {
    const methods = REST_ENDPOINTS.filter((e) => e.path === path).map((e) => e.method);
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    api.all(path.replace(/\{(\w+)\}/g, ':$1'), (req, res) => {
      refuse(res, failure('METHOD_NOT_ALLOWED', req.method), { Allow: methods.join(', ') });
    });
  }
  api.use((req, res) => {
    refuse(res, failure('NO_SUCH_RESOURCE', `${req.method} ${REST_BASE_PATH}${req.path}`.slice(0, 300)));
  });

  /**
   * An answer before any operation: journaled as a fault of the REST API, like SOAP's unreadable requests (under
   * no customer: nobody was authenticated).
   */
  function refuse(res: Response, f: RestFailure, headers: Record<string, string> = {}): void {
    sendError(res, f, headers);
    opts.onCall?.({
      api: 'rest',
      at: Date.now(),
      code: f.entry.code,
      fault: errorBody(f).description,
      httpStatus: f.entry.http,
      latencyMs: 0,
    });
  }
  // the router's own refusals (a path it cannot decode) and anything unexpected: JSON too
  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { failure: f, unexpected } = failureOf(err, opts.maxBodyBytes);
    if (unexpected) console.error('ccm-mock: unexpected error in the REST API', err);
    if (res.headersSent) res.end();
    else refuse(res, f);
  });
  return router;
}

function send(res: Response, a: Answer): void {
  if ('failure' in a) {
    sendError(res, a.failure);
    return;
  }
  if (a.raw) {
    res.writeHead(a.status, { ...a.headers, 'Content-Type': a.raw.contentType, 'Content-Length': a.raw.body.length });
    res.end(a.raw.body);
  } else if (a.json !== undefined) {
    sendJson(res, a.status, a.json, a.headers);
  } else {
    res.writeHead(a.status, { ...a.headers, 'Content-Length': 0 });
    res.end();
  }
}
