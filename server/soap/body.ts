import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/**
 * Reading a SOAP request body with a size limit, refusing early: a declared Content-Length over the limit
 * is answered before a byte of the body is read, and a chunked body as soon as it passes the limit. What the
 * client still sends is read and dropped (never kept), so a client that writes its whole body before it
 * reads still gets the 413 and a keep-alive connection stays usable; a client that keeps sending
 * long after the answer is cut off. Errors carry an HTTP status and a body-parser style `type`; the SOAP
 * endpoint answers them with a SOAP fault. Content-Encoding gzip, deflate and br are inflated, the limit
 * applying to the inflated bytes. Plain node:http, so the SOAP endpoint can run in front of express.
 */

export interface BodyError extends Error {
  status: number;
  statusCode: number;
  type: string;
  expose: boolean;
}

function bodyError(status: number, message: string, type: string): BodyError {
  return Object.assign(new Error(message), { status, statusCode: status, type, expose: true });
}

/** How long a refused request may keep sending (read and dropped) before its connection is closed. */
export const LINGER_MS = 5000;

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Read a request's body: `done(undefined, bytes)`, `done(undefined, undefined)` when it has none, or `done(error)`.
 * With `keepEncoding` the bytes are kept as they came (a proxy passes them on): not inflated, the limit applying
 * to them as sent, and any Content-Encoding accepted.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  done: (err: BodyError | undefined, body?: Buffer) => void,
  lingerMs = LINGER_MS,
  keepEncoding = false,
): void {
  {
    // a request without Content-Length or Transfer-Encoding has no body (RFC 9112 6.3)
    if (req.headers['transfer-encoding'] === undefined && req.headers['content-length'] === undefined) {
      done(undefined, undefined);
      return;
    }
    const encoding = keepEncoding ? 'identity' : (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const identity = encoding === 'identity' || encoding === '';
    const makeDecoder = identity ? undefined : DECODERS[encoding];
    const declared = identity ? declaredLength(req) : undefined;

    let settled = false;
    const decoder = makeDecoder?.();
    const source: Readable = decoder ?? req;
    const chunks: Buffer[] = [];
    let received = 0;

    const detach = () => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      req.off('close', onClose);
      if (decoder) {
        req.unpipe(decoder);
        decoder.on('error', () => undefined);
        decoder.destroy();
      }
    };

    /** Answer now (through the error handler) and drop whatever the client still sends. */
    const refuse = (err: BodyError) => {
      if (settled) return;
      settled = true;
      detach();
      chunks.length = 0;
      if (!req.complete) {
        req.resume();
        const cutOff = setTimeout(() => req.socket?.destroy(), lingerMs);
        cutOff.unref();
        const clear = () => clearTimeout(cutOff);
        req.once('end', clear);
        req.once('close', clear);
      }
      done(err);
    };

    function onData(chunk: Buffer) {
      received += chunk.length;
      if (received > limit) refuse(bodyError(413, 'request entity too large', 'entity.too.large'));
      else chunks.push(chunk);
    }
    function onEnd() {
      if (settled) return;
      if (declared !== undefined && received !== declared) {
        refuse(bodyError(400, 'request size did not match content length', 'request.size.invalid'));
        return;
      }
      settled = true;
      detach();
      done(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    }
    function onError(err: Error) {
      refuse(bodyError(400, err.message, 'stream.error'));
    }
    function onClose() {
      // the client went away before the body ended: nobody is left to answer
      if (!settled && !req.complete) refuse(bodyError(400, 'request aborted', 'request.aborted'));
    }

    if (!identity && !makeDecoder) {
      refuse(bodyError(415, `unsupported content encoding "${encoding}"`, 'encoding.unsupported'));
      return;
    }
    if (declared !== undefined && declared > limit) {
      refuse(bodyError(413, 'request entity too large', 'entity.too.large'));
      return;
    }
    if (decoder) req.pipe(decoder);
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', onError);
    req.on('close', onClose);
  }
}
