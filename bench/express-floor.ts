import { createServer } from 'node:http';
import express from 'express';
import { SERVICE_PATH } from '../wsdl/contract.js';

/**
 * The benchmark's express floor: express 5 with the same route shape and body parser as ccm-mock's SOAP
 * endpoint (GET/POST/all on the service path, express.raw with the same limit) answering a constant
 * getWebServiceInfo response. No XML is read. What ccm-mock's HTTP layer costs before any SOAP work:
 * ccm-mock cannot be faster than this while its POST path runs through express.
 *
 *   tsx bench/express-floor.ts [port]
 */

const INFO = 'ccm-mock EPKIManager (CCM S/MIME Enroll API 5.7) - TEST SERVICE, certificates are not trusted';
const ANSWER =
  `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>` +
  `<ns2:getWebServiceInfoResponse xmlns:ns2="http://ws.epki.comodo.com/"><return>${INFO}</return></ns2:getWebServiceInfoResponse></S:Body></S:Envelope>`;

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
const router = express.Router();
router.get(SERVICE_PATH, (_req, res) => {
  res.type('text/plain').send('express floor');
});
router.post(
  SERVICE_PATH,
  (req, _res, next) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'text/xml') throw new Error('not text/xml');
    next();
  },
  express.raw({ type: () => true, limit: 1_048_576 }),
  (_req, res) => {
    res.status(200);
    res.setHeader('Content-Type', 'text/xml;charset=utf-8');
    res.end(ANSWER);
  },
);
router.all(SERVICE_PATH, (_req, res) => {
  res.status(405).end();
});
app.use(router);
app.use((_req, res) => {
  res.status(404).end();
});

const server = createServer(app);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`listening http://127.0.0.1:${port}${SERVICE_PATH}`);
});
process.on('SIGTERM', () => process.exit(0));
