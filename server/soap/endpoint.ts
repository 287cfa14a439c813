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
import { requestCharset, type Charset } from './charset.js';
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

/**
 * A metadata request as Metro's HttpAdapter tells one: the whole query string is `WSDL`, or starts with
 * `wsdl` or `xsd=`. Of those only `wsdl` and `WSDL` name a document here (the schema is inline, so there
 * is no ?xsd=1); any other is a 404. Every other query, or none, gets the endpoint's HTML page.
 */
function metadataQuery(req: IncomingMessage): 'wsdl' | 'unknown' | undefined {
  const url = req.url ?? '';
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  const query = url.slice(at + 1);
  if (query === 'wsdl' || query === 'WSDL') return 'wsdl';
  return query.startsWith('wsdl') || query.startsWith('xsd=') ? 'unknown' : undefined;
}

const HTML_CONTENT_TYPE = 'text/html;charset=utf-8';
const HTML_HEAD = '<html>\n<head><title>\nWeb Services\n</title></head>\n<body>\n';

/** Metro's page for a metadata query that names no document. */
const NOT_FOUND_PAGE = `${HTML_HEAD}<h1>404 Not Found: Invalid Request</h1>\n</body>\n</html>\n`;

/** Metro's endpoint page (HttpAdapter.writeWebServicesHtmlPage), the implementation class being ccm-mock. */
function endpointPage(namespace: string, location: string): string {
  const ns = escapeXml(namespace);
  const at = escapeXml(location);
  return (
    `${HTML_HEAD}<h1>Web Services</h1>\n<table width='100%' border='1'>\n<tr>\n<td>\nEndpoint\n</td>\n<td>\nInformation\n</td>\n</tr>\n<tr>\n<td>\n` +
    `<table border="0"><tr><td>Service Name:</td><td>{${ns}}${contract.serviceName}</td></tr><tr><td>Port Name:</td><td>{${ns}}${contract.portName}</td></tr></table>\n</td>\n<td>\n` +
    `<table border="0"><tr><td>Address:</td><td>${at}</td></tr><tr><td>WSDL:</td><td><a href="${at}?wsdl">${at}?wsdl</a></td></tr><tr><td>Implementation class:</td><td>ccm-mock</td></tr></table>\n` +
    `</td>\n</tr>\n</table>\n</body>\n</html>\n`
  );
}

function sendHtml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': HTML_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body, 'utf8') });
  res.end(body, 'utf8');
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
    const metadata = metadataQuery(req);
    if (req.method === 'HEAD') {
      // Metro answers HEAD itself, without a body: 200 for a document it has, 404 for anything else
      res.writeHead(metadata === 'wsdl' ? 200 : 404).end();
      return;
    }
    if (metadata === 'wsdl') {
      sendXml(
        res,
        200,
        wsdlCache.getOrSet(location, () => renderWsdl(profile.namespace, location)),
      );
    } else if (metadata === 'unknown') sendHtml(res, 404, NOT_FOUND_PAGE);
    else sendHtml(res, 200, endpointPage(profile.namespace, location));
  });

  function handlePost(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const record: SoapCallRecord = { api: 'soap', at: Date.now(), httpStatus: 200, latencyMs: 0 };
    const contentType = req.headers['content-type'];
    const requested = acceptsMediaType(contentType) ? requestCharset(contentType) : 'unsupported';
    const charset = requested === 'unsupported' ? undefined : requested;
    /** `body` undefined: an answer without a message (no body, no Content-Type) */
    const finish = (status: number, body: string | undefined) => {
      record.httpStatus = status;
      record.latencyMs = performance.now() - started;
      if (body === undefined) res.writeHead(status, { 'Content-Length': 0 }).end();
      else sendXml(res, status, body, charset);
      opts.onCall?.(record);
    };
    const refuse = (fault: SoapFault) => {
      record.fault = fault.message;
      finish(fault.httpStatus, encodeFault(fault.faultCode, fault.message));
    };
    if (requested === 'unsupported') {
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
        const answer = handle(body ?? Buffer.alloc(0), charset, record, requestBaseUrl(req, opts.baseUrl));
        if (answer instanceof Promise) answer.then(respond, failed);
        else respond(answer);
      } catch (err) {
        failed(err);
      }
    });
  }

  // Metro's HTTP adapter reads a PUT or a DELETE as it reads a POST
  for (const method of ['post', 'put', 'delete'] as const)
    router[method](SERVICE_PATH, (req, res) => handlePost(req, res));

  // what other methods get depends on the servlet container in front of Metro; the mock refuses them
  router.all(SERVICE_PATH, (_req, res) => {
    res
      .set('Allow', 'GET, HEAD, POST, PUT, DELETE')
      .status(405)
      .type('text/plain')
      .send('EPKIManager accepts POST (SOAP 1.1) and GET ?wsdl\n');
  });

  type Answer = { xml: string; transport?: TransportFault };

  function handle(
    body: Buffer,
    charset: Charset | undefined,
    record: SoapCallRecord,
    baseUrl: string,
  ): Answer | Promise<Answer> {
    const { name, args } = reader.read(body, charset);
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

/**
 * Metro's Content-Type as a servlet container writes it (no space before charset); written directly so
 * Express does not rewrite it. An answer to a request in another charset is in that charset (charset.ts).
 */
function sendXml(res: ServerResponse, status: number, body: string, charset?: Charset): void {
  if (charset && !charset.utf8) {
    const bytes = charset.encode(
      body.replace(UTF8_DECLARATION, `<?xml version='1.0' encoding='${charset.declared}'?>`),
    );
    res.writeHead(status, { 'Content-Type': `text/xml;charset=${charset.given}`, 'Content-Length': bytes.length });
    res.end(bytes);
    return;
  }
  // a length instead of chunked encoding, and the body as a string: node joins it to the headers, one write
  res.writeHead(status, { 'Content-Type': SOAP11_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body, 'utf8') });
  res.end(body, 'utf8');
}

const UTF8_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>";

export function sendFault(res: ServerResponse, fault: SoapFault): void {
  sendXml(res, fault.httpStatus, encodeFault(fault.faultCode, fault.message));
}
