import { request } from 'node:http';

/** Timings of the hostile inputs the robustness tests send, measured against the benchmarked process. */

export interface BigBodyResult {
  status?: number;
  /** milliseconds from the first byte sent to the response head */
  answeredMs?: number;
  /** request bytes written when the response head arrived */
  bytesSentBeforeAnswer?: number;
  totalBytes: number;
  error?: string;
}

/**
 * POST `totalBytes` of XML-looking filler, with a Content-Length or chunked, in 64 kB writes as fast as the
 * socket takes them; stop writing once the server has answered.
 */
export function postBigBody(
  endpoint: string,
  totalBytes: number,
  mode: 'content-length' | 'chunked',
  timeoutMs = 60_000,
): Promise<BigBodyResult> {
  const url = new URL(endpoint);
  const chunk = Buffer.alloc(64 * 1024, '<a>filler</a>');
  const head = Buffer.from(
    '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>',
  );
  return new Promise((resolve) => {
    let sent = 0;
    let answered = false;
    const t0 = performance.now();
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        ...(mode === 'content-length' ? { 'content-length': String(totalBytes) } : {}),
      },
    });
    const finish = (r: Partial<BigBodyResult>) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      resolve({ totalBytes, bytesSentBeforeAnswer: sent, ...r });
      req.destroy();
    };
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    req.on('response', (res) => {
      const answeredMs = performance.now() - t0;
      res.resume();
      finish({ status: res.statusCode, answeredMs });
    });
    req.on('error', (err) => finish({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    const pump = () => {
      while (!answered && sent < totalBytes) {
        const piece = sent === 0 ? head : chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered && sent >= totalBytes) req.end();
    };
    pump();
  });
}

/** POST a body and time the answer. */
export async function timedPost(
  endpoint: string,
  body: string,
): Promise<{ status: number; ms: number; faultcode?: string }> {
  const t0 = performance.now();
  const res = await fetch(endpoint, { method: 'POST', body, headers: { 'content-type': 'text/xml; charset=utf-8' } });
  const text = await res.text();
  return {
    status: res.status,
    ms: performance.now() - t0,
    faultcode: /<faultcode>([^<]*)<\/faultcode>/.exec(text)?.[1],
  };
}
