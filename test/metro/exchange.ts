import { request, type IncomingHttpHeaders } from 'node:http';

/**
 * One HTTP exchange exactly as a corpus case describes it: any method, exactly these headers (no defaults
 * but Host and the framing header), the body whole with a Content-Length or in pieces with chunked
 * transfer encoding. A fresh connection each time, so one case cannot leave a connection in a state the
 * next one meets.
 */

export interface HttpRequest {
  method: string;
  /** path and query, e.g. /ws/EPKIManager?wsdl */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** send the body as chunked pieces instead of with a Content-Length */
  chunked?: boolean;
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function exchange(base: string, req: HttpRequest): Promise<HttpReply> {
  const u = new URL(base);
  const body = req.body ?? Buffer.alloc(0);
  const framing: Record<string, string> = req.chunked
    ? { 'transfer-encoding': 'chunked' }
    : req.body !== undefined
      ? { 'content-length': String(body.length) }
      : {};
  return new Promise((resolve, reject) => {
    const r = request({
      host: u.hostname,
      port: u.port,
      path: req.path,
      method: req.method,
      headers: { ...framing, ...req.headers },
      agent: false,
    });
    r.on('error', reject);
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    if (req.chunked) {
      // three pieces, so the server meets a body that really arrives chunk by chunk
      const third = Math.ceil(body.length / 3);
      for (let i = 0; i < body.length; i += third) r.write(body.subarray(i, i + third));
    } else if (body.length) {
      r.write(body);
    }
    r.end();
  });
}
