import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_PATH } from '../wsdl/contract.js';

/**
 * The benchmark's relay floor: the least a forwarding proxy can do, one more process hop with nothing else.
 * A bare node:http server that reads each request whole, sends it to the upstream over a keep-alive agent and
 * answers with the upstream's status, Content-Type and body, as ccm-mock proxy forwards, without checking,
 * recording or anything else. What ccm-mock proxy adds beyond this is its own work.
 *
 *   tsx bench/relay-floor.ts UPSTREAM_ENDPOINT
 */

const upstream = new URL(process.argv[2] ?? '');
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const out = request(
      upstream,
      {
        method: req.method,
        agent,
        headers: { 'content-type': req.headers['content-type'] ?? 'text/xml', 'content-length': body.length },
      },
      (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const payload = Buffer.concat(parts);
          res.writeHead(answer.statusCode ?? 502, {
            'content-type': answer.headers['content-type'] ?? 'text/xml',
            'content-length': payload.length,
          });
          res.end(payload);
        });
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`relay floor listening http://127.0.0.1:${port}${SERVICE_PATH}`);
});
process.on('SIGTERM', () => process.exit(0));
