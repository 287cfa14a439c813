import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TransportFault } from '../domain/faults.js';
import { dropConnection } from '../lib/dropped-connection.js';

/**
 * Breaking a REST answer on purpose (fault injection), as a proxy, a load balancer or a restarting service would:
 * no answer, an empty or cut-off JSON body, an HTML error page. `done` gets the HTTP status the client saw (0:
 * none). SOAP's "soap-fault" has no REST meaning: a rule for a REST operation cannot ask for it (faults.ts).
 */

const HTML = 'text/html;charset=utf-8';

function page(res: ServerResponse, status: number, title: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': HTML, ...headers });
  res.end(
    `<html><head><title>${title}</title></head><body><h1>${title}</h1><p>injected by ccm-mock</p></body></html>\n`,
  );
}

export function breakRestTransport(
  req: IncomingMessage,
  res: ServerResponse,
  fault: TransportFault,
  answeredJson: string,
  done: (httpStatus: number) => void,
): void {
  switch (fault.kind) {
    case 'reset':
      dropConnection(req, { kind: 'reset' }, done);
      return;
    case 'hang':
      dropConnection(req, { kind: 'hang', hangMs: fault.hangMs ?? 0 }, done);
      return;
    case 'empty':
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 0 });
      res.end();
      done(200);
      return;
    case 'malformed': {
      const whole = answeredJson || '{"orderNumber":1234567,"backendCertId":"1234567"}';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(whole.slice(0, Math.max(1, Math.floor(whole.length / 2))));
      done(200);
      return;
    }
    case 'http503':
      page(res, 503, '503 Service Unavailable', { 'Retry-After': '1' });
      done(503);
      return;
    case 'http500':
    case 'soap-fault':
      page(res, 500, '500 Internal Server Error');
      done(500);
      return;
  }
}
