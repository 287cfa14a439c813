import express, { type Router } from 'express';
import type { TestCa } from '../ca/test-ca.js';
import { CA_PATHS } from '../ca/urls.js';

/** The test CA's certificates, for trust stores and chain building (AIA caIssuers points at the .cer ones). */
export function caRoutes(ca: TestCa): Router {
  const router = express.Router();
  const pem = (body: string) => (_req: express.Request, res: express.Response) => {
    res.type('application/x-pem-file').send(body);
  };
  const der = (body: Buffer) => (_req: express.Request, res: express.Response) => {
    res.type('application/pkix-cert').send(body);
  };
  router.get(CA_PATHS.rootPem, pem(ca.root.pem));
  router.get(CA_PATHS.intermediatePem, pem(ca.issuing.pem));
  router.get(CA_PATHS.chainPem, pem(ca.issuing.pem + ca.root.pem));
  router.get(CA_PATHS.rootCer, der(ca.root.der));
  router.get(CA_PATHS.intermediateCer, der(ca.issuing.der));
  return router;
}
