import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../server/soap/body.js';

/**
 * The request body reader on its own, on a bare node:http server: what it hands on, what it refuses, and
 * that a client which keeps sending after its refusal is cut off (here after 200 ms instead of 5 s).
 */

let server: Server;
let url: URL;
beforeAll(async () => {
  server = createServer((req, res) => {
    readBody(
      req,
      1000,
      (e, body) => {
        res.statusCode = e ? e.status : 200;
        res.end(e ? `${e.type}: ${e.message}` : `got ${body?.length ?? 'no body'}`);
      },
      200,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function post(
  body: Buffer | undefined,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, headers });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.end(body);
  });
}

describe('readBody', () => {
  it('hands on the body, an empty one, or none', async () => {
    expect(await post(Buffer.alloc(1000, 'a'))).toEqual({ status: 200, text: 'got 1000' });
    expect(await post(Buffer.alloc(0))).toEqual({ status: 200, text: 'got 0' });
    expect(await post(undefined, {}, 'GET')).toEqual({ status: 200, text: 'got no body' }); // neither Content-Length nor Transfer-Encoding
  });

  it('refuses one byte over the limit, declared or chunked', async () => {
    expect((await post(Buffer.alloc(1001, 'a'))).status).toBe(413);
    expect((await post(Buffer.alloc(1001, 'a'), { 'transfer-encoding': 'chunked' })).status).toBe(413);
  });

  it('refuses unknown content encodings and corrupt compressed bodies', async () => {
    expect(await post(Buffer.from('x'), { 'content-encoding': 'zstd-or-something' })).toEqual({
      status: 415,
      text: 'encoding.unsupported: unsupported content encoding "zstd-or-something"',
    });
    expect((await post(Buffer.from('not deflate'), { 'content-encoding': 'deflate' })).status).toBe(400);
  });

  it('cuts off a client that keeps sending after it was refused', async () => {
    const closed = await new Promise<string>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        headers: { 'transfer-encoding': 'chunked' },
      });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const timer = setInterval(() => req.write(chunk), 5); // deaf to the answer, never ending
      req.on('response', (res) => res.resume());
      req.on('error', (err) => {
        clearInterval(timer);
        resolve((err as NodeJS.ErrnoException).code ?? err.message);
      });
      req.on('close', () => {
        clearInterval(timer);
        resolve('closed');
      });
    });
    expect(['ECONNRESET', 'EPIPE', 'closed']).toContain(closed);
  });
});
