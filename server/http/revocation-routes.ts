import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { toPem } from '../ca/certificate.js';
import type { PublishedCrl } from '../ca/crl.js';
import { OCSP_STATUS, ocspErrorResponse } from '../ca/ocsp.js';
import type { Revocation } from '../ca/revocation.js';
import { CA_PATHS } from '../ca/urls.js';

/**
 * The URLs certificates name for revocation: CRLs at their distribution points (DER, or PEM on request)
 * and the OCSP responder at the AIA URL (POST, or GET with the request base64 in the path, RFC 6960 A.1).
 * Nothing is cached by HTTP: a revocation shows on the next fetch.
 */

/** OCSP requests are a few hundred bytes; this leaves room for signed ones with certificates. */
export const MAX_OCSP_REQUEST_BYTES = 64 * 1024;

const PEM_TYPE = 'application/x-pem-file';

/** `?format=pem|der` wins; otherwise PEM when the Accept header asks for application/x-pem-file. */
function crlFormat(req: Request): 'pem' | 'der' | undefined {
  const format = req.query.format;
  if (format !== undefined) return format === 'pem' || format === 'der' ? format : undefined;
  return (req.headers.accept ?? '').toLowerCase().includes(PEM_TYPE) ? 'pem' : 'der';
}

function sendCrl(req: Request, res: Response, crl: PublishedCrl): void {
  const format = crlFormat(req);
  res.set('Cache-Control', 'no-cache');
  res.set('Last-Modified', crl.thisUpdate.toUTCString());
  if (format === undefined) {
    res.status(400).type('text/plain').send('format must be "der" (the default) or "pem"\n');
  } else if (format === 'pem') {
    // "X509 CRL", the label openssl reads (it rejects "CRL")
    res.type(PEM_TYPE).send(toPem(crl.der, 'X509 CRL'));
  } else {
    res.type('application/pkix-crl').send(crl.der);
  }
}

function sendOcsp(res: Response, body: Buffer): void {
  // OCSP errors are OCSP responses: always HTTP 200 with application/ocsp-response (RFC 6960 A.1)
  res.status(200).set('Cache-Control', 'no-cache').type('application/ocsp-response').send(body);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$|^[A-Za-z0-9_-]*={0,2}$/;

/** The DER request of a GET: the path after /ocsp/, URL-decoded, base64 (or base64url). */
function getRequestBytes(url: string): Buffer | undefined {
  let text: string;
  try {
    text = decodeURIComponent(url.split('?')[0].replace(/^\/+/, ''));
  } catch {
    return undefined;
  }
  text = text.replace(/[\r\n]/g, '');
  if (!text || !BASE64.test(text)) return undefined;
  return Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
}

export function revocationRoutes(revocation: Revocation): Router {
  const router = express.Router();

  router.get(CA_PATHS.intermediateCrl, (req, res) => sendCrl(req, res, revocation.intermediateCrl()));
  router.get(CA_PATHS.rootCrl, (req, res) => {
    const crl = revocation.rootCrl();
    if (crl) return sendCrl(req, res, crl);
    res
      .status(404)
      .type('text/plain')
      .send(
        'No root CRL: the root CA was loaded without its private key, so ccm-mock cannot sign one. Set CCM_MOCK_CA_ROOT_KEY to serve it.\n',
      );
  });

  const rawBody = express.raw({ type: () => true, limit: MAX_OCSP_REQUEST_BYTES });
  router.use(CA_PATHS.ocsp, (req, res, next) => {
    if (req.method === 'POST') {
      return rawBody(req, res, (err?: unknown) => {
        if (err) return next(err);
        sendOcsp(res, revocation.ocsp.respond(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)));
      });
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const bytes = getRequestBytes(req.url);
      return sendOcsp(res, bytes ? revocation.ocsp.respond(bytes) : ocspErrorResponse(OCSP_STATUS.malformedRequest));
    }
    res
      .status(405)
      .set('Allow', 'GET, HEAD, POST')
      .type('text/plain')
      .send('The OCSP responder takes POST (application/ocsp-request) or GET /ocsp/{base64 request}\n');
  });
  router.use(
    CA_PATHS.ocsp,
    (err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (err.type === 'entity.too.large') {
        res
          .status(413)
          .type('text/plain')
          .send(`OCSP request too large: the limit is ${MAX_OCSP_REQUEST_BYTES} bytes\n`);
        return;
      }
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500)
        return sendOcsp(res, ocspErrorResponse(OCSP_STATUS.malformedRequest));
      next(err);
    },
  );
  return router;
}
