import { request } from 'node:http';
import { DEFAULT_NAMESPACE } from '../../wsdl/contract.js';
import { SchemaValidator } from '../../wsdl/validator.js';

/**
 * HTTP below what fetch allows: exact header sets (none, duplicates, lies), chunked bodies written piece by
 * piece, and bodies that never end. Answers carry the same schema check as test/support/soap.ts.
 */

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  faultcode?: string;
  faultstring?: string;
  schemaProblems: string[];
}

function answerOf(status: number, headers: RawAnswer['headers'], body: Buffer): RawAnswer {
  const text = body.toString('utf8');
  return {
    status,
    headers,
    text,
    faultcode: /<faultcode>([^<]*)<\/faultcode>/.exec(text)?.[1],
    faultstring: /<faultstring>([^<]*)<\/faultstring>/.exec(text)?.[1],
    schemaProblems: SchemaValidator.forNamespace(DEFAULT_NAMESPACE).envelopeProblems(text),
  };
}

/** One POST with exactly these headers (no defaults added but Host) and this body, sent whole. */
export function rawPost(
  url: string,
  body: Buffer | string,
  headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' },
): Promise<RawAnswer> {
  const u = new URL(url);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      method: 'POST',
      headers: { 'content-length': String(bytes.length), ...headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(answerOf(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
      res.on('error', reject);
    });
    req.end(bytes);
  });
}

export interface StreamedAnswer extends RawAnswer {
  /** body bytes written when the response head arrived */
  bytesSent: number;
  /** whether the whole body had been written by then */
  finishedSending: boolean;
}

/**
 * POST a large body in 64 kB pieces as fast as the socket takes them, with a Content-Length (`declare`)
 * or chunked; `total: Infinity` never ends. Stops writing once the response head arrives, reads the
 * answer, then drops the connection.
 */
export function streamPost(
  url: string,
  total: number,
  opts: { declare?: boolean; head?: string; headers?: Record<string, string> } = {},
): Promise<StreamedAnswer> {
  const u = new URL(url);
  const piece = Buffer.alloc(64 * 1024, '<x>filler</x>');
  const head = Buffer.from(
    opts.head ?? '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>',
  );
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        ...(opts.declare && Number.isFinite(total) ? { 'content-length': String(total) } : {}),
        ...opts.headers,
      },
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.on('response', (res) => {
      answered = true;
      const bytesSent = sent;
      const finishedSending = sent >= total;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ ...answerOf(res.statusCode ?? 0, res.headers, Buffer.concat(chunks)), bytesSent, finishedSending });
        req.destroy();
      });
    });
    const pump = () => {
      while (!answered && sent < total) {
        const chunk = sent === 0 ? head : piece.subarray(0, Math.min(piece.length, total - sent));
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** Any request with exactly these headers (a Host of one's choosing included, which fetch cannot send). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const u = new URL(url);
  const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      method: options.method ?? 'GET',
      headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...options.headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.end(body);
  });
}
