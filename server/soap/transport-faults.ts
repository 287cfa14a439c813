import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeFault } from '../../wsdl/codec/index.js';
import type { TransportFault } from '../domain/faults.js';

/**
 * Breaking the transport on purpose (fault injection): what a client meets when a proxy, a load balancer or
 * the service's container misbehaves. `done` gets the HTTP status the client saw (0: no answer at all).
 */

const HTML = 'text/html;charset=utf-8';

function withStatus(res: ServerResponse, status: number): ServerResponse {
  res.statusCode = status;
  return res;
}

/** A response envelope that stops partway: not well-formed XML. */
function truncated(xml: string): string {
  const whole =
    xml ||
    `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:response xmlns:ns2="http://ws.epki.comodo.com/"><return>`;
  return whole.slice(0, Math.max(40, Math.floor(whole.length / 2)));
}

export function breakTransport(
  req: IncomingMessage,
  res: ServerResponse,
  fault: TransportFault,
  answeredXml: string,
  done: (httpStatus: number) => void,
): void {
  const socket = req.socket;
  switch (fault.kind) {
    case 'reset':
      socket.resetAndDestroy();
      done(0);
      return;
    case 'hang': {
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        socket.destroy();
        done(0);
      };
      const timer = setTimeout(end, fault.hangMs ?? 0);
      socket.once('close', end);
      return;
    }
    case 'empty':
      withStatus(res, 200).setHeader('Content-Type', 'text/xml;charset=utf-8');
      res.end('');
      done(200);
      return;
    case 'malformed':
      withStatus(res, 200).setHeader('Content-Type', 'text/xml;charset=utf-8');
      res.end(truncated(answeredXml));
      done(200);
      return;
    case 'http500':
      withStatus(res, 500).setHeader('Content-Type', HTML);
      res.end(
        '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>injected by ccm-mock</p></body></html>\n',
      );
      done(500);
      return;
    case 'http503':
      withStatus(res, 503).setHeader('Content-Type', HTML);
      res.setHeader('Retry-After', '1');
      res.end(
        '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>injected by ccm-mock</p></body></html>\n',
      );
      done(503);
      return;
    case 'soap-fault':
      withStatus(res, 500).setHeader('Content-Type', 'text/xml;charset=utf-8');
      res.end(encodeFault('Server', 'Internal server error (injected by ccm-mock)'));
      done(500);
      return;
  }
}
