import express, { type Router } from 'express';
import { cpsText } from '../ca/cps.js';
import type { TestCa } from '../ca/test-ca.js';
import { CA_PATHS } from '../ca/urls.js';
import { requestBaseUrl, type BaseUrlSource } from '../soap/base-url.js';

/**
 * The test CA's certificates, for trust stores and chain building (AIA caIssuers points at the .cer ones), and
 * its CPS (the certificates' policy qualifier points at it).
 * The intermediate is the one naming the URL the request came in on (TestCa.issuingFor), so the root CRL
 * and root certificate it points at are reachable by whoever downloaded it.
 */
export function caRoutes(ca: TestCa, baseUrl: BaseUrlSource): Router {
  const router = express.Router();
  const issuing = (req: express.Request) => ca.issuingFor(requestBaseUrl(req, baseUrl));
  const pem = (body: (req: express.Request) => string) => (req: express.Request, res: express.Response) => {
    res.type('application/x-pem-file').send(body(req));
  };
  const der = (body: (req: express.Request) => Buffer) => (req: express.Request, res: express.Response) => {
    res.type('application/pkix-cert').send(body(req));
  };
  router.get(
    CA_PATHS.rootPem,
    pem(() => ca.root.pem),
  );
  router.get(
    CA_PATHS.intermediatePem,
    pem((req) => issuing(req).pem),
  );
  router.get(
    CA_PATHS.chainPem,
    pem((req) => issuing(req).pem + ca.root.pem),
  );
  router.get(
    CA_PATHS.rootCer,
    der(() => ca.root.der),
  );
  router.get(
    CA_PATHS.intermediateCer,
    der((req) => issuing(req).der),
  );
  const cps = cpsText();
  router.get(CA_PATHS.cps, (_req, res) => {
    res.type('text/plain').send(cps);
  });
  return router;
}
