import express, { type Router } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeFault, SoapEncoder } from '../../wsdl/codec/index.js';
import { contract, renderWsdl, SERVICE_PATH, type OperationName } from '../../wsdl/contract.js';
import type { AuthData, OperationArgs, OperationResults } from '../../wsdl/types.js';
import { escapeXml } from '../../wsdl/xml.js';
import type { CallContext } from '../domain/epki-service.js';
import type { TransportFault } from '../domain/faults.js';
import { Lru } from '../lib/lru.js';
import { requestBaseUrl, type BaseUrlSource } from './base-url.js';
import { readBody, type BodyError } from './body.js';
import type { SoapCallRecord } from './call-record.js';
import { SOAP11_CONTENT_TYPE, SoapFault } from './fault.js';
import { RequestReader, type WireProfile } from './request.js';
import { breakTransport } from './transport-faults.js';

export type { WireProfile } from './request.js';

/**
 * The EPKIManager endpoint: POST a SOAP 1.1 request, GET ?wsdl for the contract.
 * request -> envelope checks -> dispatch by wrapper name -> decode (JAXB's reading, or strict XSD first: request.ts)
 * -> domain -> encode (Metro's shape). Reading and writing messages is wsdl/codec.
 */

/** The domain's operations; an answer may come later (enroll waits for a signing worker). */
export type OperationHandlers = {
  [K in OperationName]: (
    args: OperationArgs[K],
    ctx: CallContext,
  ) => OperationResults[K] | Promise<OperationResults[K]>;
};

export type { SoapCallRecord } from './call-record.js';

export interface SoapEndpointOptions {
  handlers: OperationHandlers;
  profile: WireProfile;
  /** the public base URL and whether X-Forwarded-* are trusted */
  baseUrl: BaseUrlSource;
  maxBodyBytes: number;
  onCall?: (record: SoapCallRecord) => void;
  /**
   * Fault injection: asked once per call once the request is read (operation and authData known), before
   * dispatch; a transport fault it returns replaces the answer (with `after`, the call is dispatched first).
   */
  intercept?: (call: { operation: OperationName; authData?: AuthData }) => TransportFault | undefined;
}

/** WSDLs rendered for the base URLs seen last (a client fetches the WSDL at its start, often again and again). */
export const WSDL_CACHE_SIZE = 32;

function statusCodeOf(op: OperationName, result: unknown): number | undefined {
  if (typeof result === 'number') return result;
  if (op === 'collect') return (result as { statusCode: number }).statusCode;
  return undefined;
}

/**
 * The request Content-Types a SOAP 1.1 Metro port decodes (SOAPBindingCodec + StreamSOAP11Codec): none at all
 * (read as text/xml), or one that contains "text/xml" - a case-sensitive substring test, so `TEXT/XML` is
 * refused. SOAP 1.2's application/soap+xml and everything else is an UnsupportedMediaException (HTTP 415).
 * Metro would decode multipart/related (SwA, MTOM) too; ccm-mock reads no MIME parts and refuses it likewise.
 */
function acceptsMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  return contentType.includes('text/xml') && !/^\s*multipart\/related/i.test(contentType);
}

function wantsWsdl(req: IncomingMessage): boolean {
  const q = (req.url ?? '').split('?')[1] ?? '';
  return q.split('&').some((p) => p.toLowerCase() === 'wsdl' || p.toLowerCase() === 'wsdl=');
}

/** The endpoint's two faces: the express router (GET ?wsdl, 405s, and POST) and the POST handler on its own. */
export interface SoapEndpoint {
  router: Router;
  /**
   * POST /ws/EPKIManager as a plain node:http handler. The HTTP server calls it before express is
   * involved (express's router costs more than the rest of a SOAP call; see bench/); the router's POST
   * route calls the same function, so both paths answer identically.
   */
  handlePost: (req: IncomingMessage, res: ServerResponse) => void;
  /** how many rendered WSDLs are kept (for tests of the bound) */
  wsdlCacheSize: () => number;
}

/** The texts of a refused request body, as faults. */
function bodyFault(err: BodyError, maxBodyBytes: number): SoapFault {
  const message =
    err.type === 'entity.too.large'
      ? `Request entity too large: the limit is ${maxBodyBytes} bytes`
      : `Bad request: ${err.message}`;
  return new SoapFault('Client', message, err.status);
}

export function soapEndpoint(opts: SoapEndpointOptions): SoapEndpoint {
  const { profile } = opts;
  const reader = new RequestReader(profile);
  // Metro's shape; a result the schema forbids is a bug here, answered as a Server fault, never sent
  const encoder = new SoapEncoder({ namespace: profile.namespace, checkOccurrences: true });
  // the location comes from the Host header (client input): bounded
  const wsdlCache = new Lru<string, string>(WSDL_CACHE_SIZE);
  const router = express.Router();

  router.get(SERVICE_PATH, (req, res) => {
    const location = requestBaseUrl(req, opts.baseUrl) + SERVICE_PATH;
    if (wantsWsdl(req)) {
      sendXml(
        res,
        200,
        wsdlCache.getOrSet(location, () => renderWsdl(profile.namespace, location)),
      );
      return;
    }
    res
      .type('html')
      .send(
        `<!doctype html><title>Web Services</title><h1>EPKIManager (ccm-mock)</h1>` +
          `<table border="1"><tr><th>Endpoint</th><th>Information</th></tr><tr><td>Service Name: {${escapeXml(profile.namespace)}}${contract.serviceName}<br>Port Name: {${escapeXml(profile.namespace)}}${contract.portName}</td>` +
          `<td>Address: ${escapeXml(location)}<br>WSDL: <a href="${escapeXml(location)}?wsdl">${escapeXml(location)}?wsdl</a></td></tr></table>`,
      );
  });

  function handlePost(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const record: SoapCallRecord = { at: Date.now(), httpStatus: 200, latencyMs: 0 };
    /** `body` undefined: an answer without a message (no body, no Content-Type) */
    const finish = (status: number, body: string | undefined) => {
      record.httpStatus = status;
      record.latencyMs = performance.now() - started;
      if (body === undefined) res.writeHead(status, { 'Content-Length': 0 }).end();
      else sendXml(res, status, body);
      opts.onCall?.(record);
    };
    const refuse = (fault: SoapFault) => {
      record.fault = fault.message;
      finish(fault.httpStatus, encodeFault(fault.faultCode, fault.message));
    };
    const contentType = req.headers['content-type'];
    if (!acceptsMediaType(contentType)) {
      // Metro's HttpAdapter answers an UnsupportedMediaException with 415 and no message: no fault, no body
      record.fault = `Unsupported Content-Type: ${contentType} Supported ones are: [text/xml]`;
      finish(415, undefined);
      return;
    }
    readBody(req, opts.maxBodyBytes, (bodyError, body) => {
      if (bodyError) {
        refuse(bodyFault(bodyError, opts.maxBodyBytes));
        return;
      }
      const failed = (err: unknown) => {
        if (!(err instanceof SoapFault)) console.error('ccm-mock: unexpected error answering a SOAP call', err);
        refuse(
          err instanceof SoapFault ? err : new SoapFault('Server', 'Internal error in ccm-mock; see the server log'),
        );
      };
      const respond = (answer: Answer) => {
        if (!answer.transport) {
          finish(200, answer.xml);
          return;
        }
        record.fault = `injected ${answer.transport.kind}${answer.transport.after ? ' (after dispatch)' : ''}`;
        breakTransport(req, res, answer.transport, answer.xml, (status) => {
          record.httpStatus = status;
          record.latencyMs = performance.now() - started;
          opts.onCall?.(record);
        });
      };
      try {
        const answer = handle(body ?? Buffer.alloc(0), record, requestBaseUrl(req, opts.baseUrl));
        if (answer instanceof Promise) answer.then(respond, failed);
        else respond(answer);
      } catch (err) {
        failed(err);
      }
    });
  }

  router.post(SERVICE_PATH, (req, res) => handlePost(req, res));

  router.all(SERVICE_PATH, (_req, res) => {
    res
      .set('Allow', 'GET, POST')
      .status(405)
      .type('text/plain')
      .send('EPKIManager accepts POST (SOAP 1.1) and GET ?wsdl\n');
  });

  type Answer = { xml: string; transport?: TransportFault };

  function handle(body: Buffer, record: SoapCallRecord, baseUrl: string): Answer | Promise<Answer> {
    const { name, args } = reader.read(body);
    record.operation = name;
    if (typeof args.orderNumber === 'number') record.orderNumber = args.orderNumber;
    const authData = args.authData as AuthData | undefined;
    const transport = opts.intercept?.({ operation: name, authData });
    // a transport fault fires only for a call whose authData authenticates: the call is its customer's
    if (transport) record.customerUri = authData?.customerLoginUri;
    if (transport && !transport.after) return { xml: '', transport };
    const handler = opts.handlers[name] as (a: unknown, c: CallContext) => unknown;
    // the domain names the customer once authData authenticates; an unauthenticated call is filed under none
    const ctx: CallContext = { baseUrl };
    const answer = (result: unknown): Answer => {
      record.customerUri = ctx.customer;
      record.code = statusCodeOf(name, result);
      if ((name === 'enroll' || name === 'enrollUsingKUTemplates') && typeof result === 'number' && result > 0)
        record.orderNumber = result;
      return { xml: encoder.response(name, result), transport };
    };
    const result = handler.call(opts.handlers, args, ctx);
    return result instanceof Promise ? result.then(answer) : answer(result);
  }

  return { router, handlePost, wsdlCacheSize: () => wsdlCache.size };
}

/** Metro's exact Content-Type (no space before charset); written directly so Express does not rewrite it. */
function sendXml(res: ServerResponse, status: number, body: string): void {
  // a length instead of chunked encoding, and the body as a string: node joins it to the headers, one write
  res.writeHead(status, { 'Content-Type': SOAP11_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body, 'utf8') });
  res.end(body, 'utf8');
}

export function sendFault(res: ServerResponse, fault: SoapFault): void {
  sendXml(res, fault.httpStatus, encodeFault(fault.faultCode, fault.message));
}
