import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A reverse proxy in front of a mock, as nginx with `proxy_set_header X-Forwarded-Host $http_host` is: the
 * mock sees `upstreamHost` as the Host (a name that resolves nowhere, like a compose service's seen from the
 * host), and the host the client used in X-Forwarded-Host. It stands in for the network, not for our code.
 */
export async function forwardingProxy(
  target: string,
  upstreamHost = 'ccm-mock.internal:8080',
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const upstream = request(
      target + (req.url ?? '/'),
      {
        method: req.method,
        headers: {
          ...req.headers,
          host: upstreamHost,
          'x-forwarded-host': req.headers.host,
          'x-forwarded-proto': 'http',
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
