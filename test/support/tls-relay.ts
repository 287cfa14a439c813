import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { listenOnLoopback } from './listen.js';
import { openssl } from './openssl.js';

/**
 * HTTPS in front of a plain-HTTP server, as a TLS-terminating load balancer is: a test CA made with the
 * openssl command line, a server certificate for 127.0.0.1, and optionally a demand for a client certificate
 * from the same CA. It stands in for the network, not for our code.
 */

export interface TestPki {
  dir: string;
  caPem: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
}

/** A CA, a server certificate for IP 127.0.0.1 and a client certificate, as files in `dir`. */
export function makeTestPki(dir: string): TestPki {
  const f = (name: string) => join(dir, name);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-subj',
    '/CN=Proxy Test CA',
    '-days',
    '2',
  ]);
  const leaf = (name: string, subject: string, ext: string) => {
    writeFileSync(f(`${name}.ext`), ext);
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
      '-subj',
      subject,
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      f(`${name}.ext`),
    ]);
  };
  leaf('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('client', '/CN=proxy client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caPem: f('ca.pem'),
    serverKey: f('server.key'),
    serverCert: f('server.pem'),
    clientKey: f('client.key'),
    clientCert: f('client.pem'),
  };
}

export async function tlsRelay(
  target: string,
  pki: TestPki,
  opts: { requireClientCert?: boolean } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const base = new URL(target);
  const server = createServer(
    {
      key: readFileSync(pki.serverKey),
      cert: readFileSync(pki.serverCert),
      ...(opts.requireClientCert ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(pki.caPem) } : {}),
    },
    (req, res) => {
      const upstream = request(
        { host: base.hostname, port: base.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    },
  );
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `https://127.0.0.1:${port}`,
    close,
  };
}
