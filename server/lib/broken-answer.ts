import type { IncomingMessage, ServerResponse } from 'node:http';
import { dropConnection } from './dropped-connection.js';

/**
 * Breaking an answer on purpose (fault injection), the same way for both APIs: what a client meets when a proxy,
 * a load balancer or the service's container misbehaves. Each API says only how its own answers look
 * (`AnswerShape`); everything else (no answer, an empty body, HTML error pages) is one mechanism here. `done`
 * gets the HTTP status the client saw (0: no answer at all).
 */

/** The injected transport faults (server/domain/faults.ts's TransportFaultKind). */
export interface BrokenTransport {
  kind: 'reset' | 'hang' | 'empty' | 'malformed' | 'http500' | 'http503' | 'soap-fault';
  /** hang: milliseconds to hold the connection */
  hangMs?: number;
}

export interface AnswerShape {
  /** the Content-Type of the API's answers ('empty' and 'malformed' carry it) */
  contentType: string;
  /** 'malformed': the answer that would have been sent, cut partway so it no longer parses */
  truncated: string;
  /** 'soap-fault': the API's own answer saying the server failed (HTTP 500); without one, the HTML 500 page */
  serverFault?: string;
}

const HTML = 'text/html;charset=utf-8';

function page(res: ServerResponse, status: number, title: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': HTML, ...headers });
  res.end(
    `<html><head><title>${title}</title></head><body><h1>${title}</h1><p>injected by ccm-mock</p></body></html>\n`,
  );
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function breakAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  fault: BrokenTransport,
  shape: AnswerShape,
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
      send(res, 200, shape.contentType, '');
      done(200);
      return;
    case 'malformed':
      send(res, 200, shape.contentType, shape.truncated);
      done(200);
      return;
    case 'http503':
      page(res, 503, '503 Service Unavailable', { 'Retry-After': '1' });
      done(503);
      return;
    case 'soap-fault':
      if (shape.serverFault !== undefined) {
        send(res, 500, shape.contentType, shape.serverFault);
        done(500);
        return;
      }
      page(res, 500, '500 Internal Server Error');
      done(500);
      return;
    case 'http500':
      page(res, 500, '500 Internal Server Error');
      done(500);
      return;
  }
}
