import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPaced } from '../../bench/lib/paced.js';

/**
 * The benchmark's open-loop generator reads answers off raw keep-alive connections; a misread answer would
 * stall a connection or count the wrong thing. Counts only: nothing here depends on how fast anything is.
 */

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = '<ok/>'.repeat(200);
      if (req.url === '/chunked') {
        // chunked, written in pieces so answers arrive split across reads
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.write(body.slice(0, 7));
        setImmediate(() => res.end(body.slice(7)));
      } else if (req.url === '/close') {
        req.socket.destroy();
      } else if (req.url === '/fault') {
        res.writeHead(500, { 'content-type': 'text/xml', 'content-length': 7 });
        res.end('<fault>');
      } else {
        res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('bench/lib/paced.ts', () => {
  it.each(['/length', '/chunked'])('sends rate x duration requests and reads every answer (%s)', async (path) => {
    const r = await runPaced({ url: base + path, body: '<q/>', rate: 200, duration: 0.5, connections: 4 });
    expect(r.errors).toBe(0);
    expect(r.non2xx).toBe(0);
    expect(r.requests).toBe(100);
    expect(r.p50Ms).toBeGreaterThan(0);
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
  });

  it('counts answers that are not 2xx apart, and keeps no latency for them', async () => {
    const r = await runPaced({ url: base + '/fault', body: '<q/>', rate: 100, duration: 0.2, connections: 2 });
    expect(r.errors).toBe(0);
    expect(r.non2xx).toBe(20);
    expect(r.requests).toBe(0);
    expect(Number.isNaN(r.p50Ms)).toBe(true);
  });

  it('counts what a connection the server closes had in flight, and every request left without one, as errors', async () => {
    const r = await runPaced({ url: base + '/close', body: '<q/>', rate: 100, duration: 0.2, connections: 2 });
    expect(r.requests).toBe(0);
    expect(r.errors).toBe(20);
  });
});
