import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './listen.js';

/**
 * An upstream that misbehaves the way a live endpoint, or the network in front of it, can: it stalls, resets,
 * answers an HTML error page, invalid XML, 50 MB, a wrong Content-Type, or bytes that are not HTTP. The
 * behaviour is picked per request by the path's query (`?hostile=stall`), so one server serves a whole suite.
 * It stands in for the network, not for our code.
 */

export const HOSTILE_BEHAVIOURS = [
  'stall',
  'stall-mid-body',
  'reset',
  'reset-mid-body',
  'html-500',
  'invalid-xml',
  'huge',
  'wrong-content-type',
  'not-http',
  'empty-200',
] as const;
export type HostileBehaviour = (typeof HOSTILE_BEHAVIOURS)[number];

export const HUGE_BYTES = 50 * 1024 * 1024;

export interface HostileUpstream {
  /** the endpoint; add ?hostile=NAME, or set `behaviour` */
  url: string;
  /** what every request without ?hostile= gets */
  behaviour: HostileBehaviour;
  /** requests seen, in order (method, url) */
  seen: string[];
  close(): Promise<void>;
}

const ENVELOPE =
  '<?xml version=\'1.0\' encoding=\'UTF-8\'?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:getWebServiceInfoResponse xmlns:ns2="http://ws.epki.comodo.com/"><return>hostile</return></ns2:getWebServiceInfoResponse></S:Body></S:Envelope>';

function behave(behaviour: HostileBehaviour, req: IncomingMessage, res: ServerResponse): void {
  switch (behaviour) {
    case 'stall':
      return; // never answers; the socket stays open until the server closes
    case 'stall-mid-body':
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=utf-8', 'Content-Length': ENVELOPE.length });
      res.write(ENVELOPE.slice(0, 40));
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'reset-mid-body':
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=utf-8', 'Content-Length': ENVELOPE.length });
      res.write(ENVELOPE.slice(0, 40), () => req.socket.destroy());
      return;
    case 'html-500':
      res.writeHead(500, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>500 Internal Server Error</h1><p>upstream maintenance</p></body></html>');
      return;
    case 'invalid-xml':
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=utf-8' });
      res.end("<?xml version='1.0'?><S:Envelope><S:Body><ns2:getWebServiceInfoResponse>");
      return;
    case 'huge': {
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=utf-8', 'Content-Length': HUGE_BYTES });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < HUGE_BYTES && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', more);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      more();
      return;
    }
    case 'wrong-content-type':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(ENVELOPE);
      return;
    case 'not-http':
      req.socket.end('this is not HTTP at all\r\n\r\n');
      return;
    case 'empty-200':
      res.writeHead(200, { 'Content-Length': 0 });
      res.end();
      return;
  }
}

export async function hostileUpstream(): Promise<HostileUpstream> {
  const seen: string[] = [];
  const state: { behaviour: HostileBehaviour } = { behaviour: 'stall' };
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    // read the request whole first, as a server does
    req.resume();
    req.on('end', () => {
      const asked = new URL(req.url ?? '/', 'http://x').searchParams.get('hostile') as HostileBehaviour | null;
      behave(asked ?? state.behaviour, req, res);
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/ws/EPKIManager`,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(b: HostileBehaviour) {
      state.behaviour = b;
    },
    seen,
    close,
  };
}
