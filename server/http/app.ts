import express, { type NextFunction, type Request, type Response } from 'express';
import type { RequestListener } from 'node:http';
import { SERVICE_PATH } from '../../wsdl/contract.js';
import type { MockAdmin } from '../admin/admin.js';
import { adminApi } from '../admin/api.js';
import { adminGuard, allowedAdminHosts } from '../admin/guard.js';
import { adminPage } from '../admin/page.js';
import type { Revocation } from '../ca/revocation.js';
import type { TestCa } from '../ca/test-ca.js';
import type { MockConfig } from '../config.js';
import type { EpkiService } from '../domain/epki-service.js';
import type { SoapEndpointOptions } from '../soap/endpoint.js';
import { soapEndpoint, sendFault, type SoapCallRecord } from '../soap/endpoint.js';
import { SoapFault } from '../soap/fault.js';
import { caRoutes } from './ca-routes.js';
import { revocationRoutes } from './revocation-routes.js';
import { healthRoutes, Readiness } from './health.js';

/** The HTTP surface of the mock: the SOAP endpoint, CA downloads, and a catch-all that never leaks a stack trace. */

export interface AppParts {
  config: MockConfig;
  service: EpkiService;
  ca: TestCa;
  /** CRLs and the OCSP responder (server/ca/revocation.ts) */
  revocation?: Revocation;
  onCall?: (record: SoapCallRecord) => void;
  /** transport fault injection (server/domain/faults.ts) */
  intercept?: SoapEndpointOptions['intercept'];
  /** the admin API (/admin/api) and page (/admin) */
  admin?: MockAdmin;
  /** what /readyz reports (default: no checks, ready) */
  readiness?: Readiness;
}

export interface App {
  /** what the HTTP server runs: SOAP POSTs straight to the endpoint, everything else through express */
  listener: RequestListener;
  express: express.Express;
  /** how many rendered WSDLs are cached (for tests of the bound) */
  wsdlCacheSize: () => number;
}

export function createApp(parts: AppParts): App {
  const { config, service, ca } = parts;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);

  const baseUrl = { publicBaseUrl: config.publicBaseUrl, trustProxy: config.trustProxy };
  const soap = soapEndpoint({
    handlers: service,
    profile: { namespace: config.namespace, strict: config.strict, acceptUriAlias: config.acceptUriAlias },
    baseUrl,
    maxBodyBytes: config.maxBodyBytes,
    onCall: parts.onCall,
    intercept: parts.intercept,
  });
  app.use(soap.router);
  app.use(caRoutes(ca, baseUrl));
  if (parts.revocation) app.use(revocationRoutes(parts.revocation));
  app.use(healthRoutes(parts.readiness ?? new Readiness()));
  if (parts.admin) {
    // before the token: a rebinding or cross-site request learns nothing, not even that a token is needed
    app.use('/admin', adminGuard({ allowedHosts: allowedAdminHosts(config), trustProxy: config.trustProxy }));
    app.use(adminApi(parts.admin, config.adminToken));
    app.use(adminPage(parts.admin, config.adminToken));
  }

  app.use((_req, res) => {
    res
      .status(404)
      .type('text/plain')
      .send('Not found. The SOAP endpoint is ' + SERVICE_PATH + ' (WSDL at ' + SERVICE_PATH + '?wsdl)\n');
  });

  // last resort: body-parser refusals (413, bad encodings) and anything unexpected, answered without internals
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status === 500) console.error('ccm-mock: unexpected error', err);
    const message =
      err.type === 'entity.too.large'
        ? `Request entity too large: the limit is ${config.maxBodyBytes} bytes`
        : status === 500
          ? 'Internal error in ccm-mock; see the server log'
          : `Bad request: ${err.message}`;
    if (res.headersSent) {
      res.end();
      return;
    }
    if (req.path === SERVICE_PATH) sendFault(res, new SoapFault(status === 500 ? 'Server' : 'Client', message, status));
    else
      res
        .status(status)
        .type('text/plain')
        .send(message + '\n');
  });

  const listener: RequestListener = (req, res) => {
    const url = req.url ?? '';
    const path =
      url.length === SERVICE_PATH.length || url[SERVICE_PATH.length] === '?' ? url.slice(0, SERVICE_PATH.length) : '';
    if (req.method === 'POST' && path === SERVICE_PATH) soap.handlePost(req, res);
    else app(req, res);
  };
  return { listener, express: app, wsdlCacheSize: soap.wsdlCacheSize };
}
