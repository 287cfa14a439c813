import { createServer } from 'node:http';
import * as soap from 'soap';
import { renderWsdl, DEFAULT_NAMESPACE, SERVICE_PATH } from '../wsdl/contract.js';

/**
 * The benchmark's SOAP baseline: a bare node-soap service on a plain node:http server, answering
 * getWebServiceInfo from the same WSDL ccm-mock serves. No validation, no logging, no express:
 * what a SOAP stack on Node costs at the least. Prints "listening <url>" when ready.
 *
 *   tsx bench/node-soap-baseline.ts [port]
 */

const INFO =
  process.env.BENCH_SERVICE_INFO ??
  'ccm-mock EPKIManager (CCM S/MIME Enroll API 5.7) - TEST SERVICE, certificates are not trusted';
const port = Number(process.argv[2] ?? 0);

const service = {
  EPKIService: {
    EPKIManagerPort: {
      getWebServiceInfo: () => ({ return: INFO }),
    },
  },
};

const server = createServer((_req, res) => {
  // node-soap answers the routes it registered; anything else reaches here
  res.statusCode = 404;
  res.end();
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}${SERVICE_PATH}`;
  const wsdl = renderWsdl(DEFAULT_NAMESPACE, url);
  soap.listen(server, {
    path: SERVICE_PATH,
    services: service,
    xml: wsdl,
    callback: () => console.log(`listening ${url}`),
  });
});
process.on('SIGTERM', () => process.exit(0));
